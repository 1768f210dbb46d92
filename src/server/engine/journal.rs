//! A single node's way to publish: the hub numbers events itself (`--ephemeral`), or the
//! data dir's writer numbers and commits them first (the default). Either way events are
//! numbered in the order they were submitted, and a submitter may hold a lock while it
//! submits (the jobs' registries do, so a report and a cancel cannot interleave) and wait
//! for the answer after letting go.

use super::{disk::Disk, unavailable::Unavailable};
use crate::{
    protocol::{Event, EventId},
    server::hub::Hub,
};
use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};
use tokio::sync::oneshot;

#[derive(Clone)]
pub struct Journal {
    hub: Hub,
    disk: Option<Disk>,
}

impl Journal {
    /// Events live in memory only: the hub numbers them.
    pub fn memory(hub: Hub) -> Journal {
        Journal { hub, disk: None }
    }

    /// Events are committed to `disk` before `hub` applies them.
    pub fn disk(hub: Hub, disk: Disk) -> Journal {
        Journal {
            hub,
            disk: Some(disk),
        }
    }

    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Whether events are kept on disk.
    pub fn is_durable(&self) -> bool {
        self.disk.is_some()
    }

    /// Numbers `event` after everything submitted before it; the [`Ack`] resolves to its id
    /// once it is durable (on disk) and applied.
    pub fn submit(&self, event: Event) -> Ack {
        match &self.disk {
            None => Ack(State::Done(Some(Ok(self.hub.publish(event))))),
            Some(disk) => match disk.submit(event) {
                Ok(answer) => Ack(State::Waiting(answer)),
                Err(e) => Ack(State::Done(Some(Err(e)))),
            },
        }
    }

    /// Submits `event` and waits for it.
    pub async fn publish(&self, event: Event) -> Result<EventId, Unavailable> {
        self.submit(event).await
    }

    /// Publishes an event nobody waits for (a market tick): on disk it is dropped rather
    /// than queued when the writer is behind; the next one supersedes it.
    pub fn offer(&self, event: Event) {
        match &self.disk {
            None => drop(self.hub.publish(event)),
            Some(disk) => disk.offer(event),
        }
    }
}

/// The answer to a submitted event: its id once durable and applied, or why not.
#[must_use = "an event is acknowledged only once its Ack resolves"]
pub struct Ack(State);

enum State {
    Done(Option<Result<EventId, Unavailable>>),
    Waiting(oneshot::Receiver<Result<EventId, Unavailable>>),
}

impl Future for Ack {
    type Output = Result<EventId, Unavailable>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            State::Done(answer) => Poll::Ready(answer.take().expect("an Ack is polled once")),
            State::Waiting(answer) => Pin::new(answer).poll(cx).map(|answer| {
                answer.unwrap_or_else(|_| Err(Unavailable("the data dir's writer stopped".into())))
            }),
        }
    }
}
