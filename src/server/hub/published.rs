//! A numbered event as it travels to connections, and what it may be conflated with.
//!
//! Both are decided once, when the hub publishes the event; the delivery policy
//! (`delivery.rs`) then reads them per connection.

use crate::protocol::{Event, EventId, EventKind, JobId, Snapshot};
use bytes::Bytes;

/// An event as it travels to connections: numbered, encoded, and labelled for conflation.
#[derive(Debug)]
pub struct Published {
    pub id: EventId,
    pub kind: EventKind,
    /// What this event may be conflated with (see `delivery.rs`).
    pub key: Key,
    /// The complete SSE frame (`event:`, `id:`, `data:`), shared by all connections.
    pub frame: Bytes,
}

/// What an event may be conflated with; decided once, when it is published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    Toast,
    Quote(String),
    /// A job update that changes only its progress.
    JobProgress(JobId),
    /// A job update that changes its state: always delivered.
    JobMilestone(JobId),
    /// A job's final state: always delivered, and nothing of that job follows it.
    JobEnd(JobId),
    Snapshot,
}

impl Key {
    /// Labels `event` given the state `before` it is applied.
    pub fn of(event: &Event, before: &Snapshot) -> Key {
        match event {
            Event::Quote(q) => Key::Quote(q.symbol.clone()),
            Event::Job(job) => {
                let previous = before.jobs.iter().find(|j| j.id == job.id).map(|j| j.state);
                if job.state.is_final() {
                    Key::JobEnd(job.id)
                } else if previous == Some(job.state) {
                    Key::JobProgress(job.id)
                } else {
                    Key::JobMilestone(job.id)
                }
            }
            Event::Toast(_) => Key::Toast,
            Event::Snapshot(_) => Key::Snapshot,
        }
    }

    pub fn job(&self) -> Option<JobId> {
        match self {
            Key::JobProgress(id) | Key::JobMilestone(id) | Key::JobEnd(id) => Some(*id),
            _ => None,
        }
    }
}
