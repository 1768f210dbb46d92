//! Snapshots for new streams, encoded once per state and topic set, outside the hub's lock.
//!
//! A reconnect storm (a deploy, a proxy restart) brings thousands of clients back within
//! a second, each wanting the same snapshot. Encoding it per connection, while holding the
//! lock every publish needs, made publish latency grow with the storm. Now the first
//! stream of a state version to ask for a topic set takes a copy of that part of the state
//! (under the lock, once) and encodes it after the lock is released; every other stream
//! asking for the same state and topics shares those bytes. An event drops the snapshots
//! that include its topic; the others stay right (a toast does not change the jobs and
//! quotes a `jobs,quotes` stream starts from), and keep the id of the state they show.

use crate::protocol::{Event, EventId, Topic, TopicSet, sse};
use bytes::Bytes;
use std::sync::{Arc, OnceLock};

/// The snapshot of one state version for one topic set, encoded on first use.
pub struct Pending {
    event: Event,
    head: EventId,
    frame: OnceLock<Bytes>,
}

impl Pending {
    /// `event` (a snapshot) at `head`, encoded on first use.
    pub fn new(event: Event, head: EventId) -> Pending {
        Pending {
            event,
            head,
            frame: OnceLock::new(),
        }
    }

    /// The encoded frame: whoever comes first encodes it, everyone else waits for and
    /// shares it. Call this without holding the hub's lock.
    pub fn frame(&self) -> Bytes {
        self.frame
            .get_or_init(|| Bytes::from(sse::encode_event(&self.event, self.head)))
            .clone()
    }
}

/// The current state version's snapshots, by topic set (at most 2³ of them).
#[derive(Default)]
pub struct Snapshots {
    by_topics: Vec<(TopicSet, Arc<Pending>)>,
}

impl Snapshots {
    /// The snapshot for `topics` at `head`, made by `restrict` if this state version has
    /// none for those topics yet.
    pub fn get(
        &mut self,
        topics: TopicSet,
        head: EventId,
        restrict: impl FnOnce() -> Event,
    ) -> Arc<Pending> {
        if let Some((_, pending)) = self.by_topics.iter().find(|(t, _)| *t == topics) {
            return pending.clone();
        }
        let pending = Arc::new(Pending::new(restrict(), head));
        self.by_topics.push((topics, pending.clone()));
        pending
    }

    /// An event of `topic` was applied: the snapshots that include it are out of date
    /// (all of them for an event of no topic, a snapshot).
    pub fn changed(&mut self, topic: Option<Topic>) {
        match topic {
            Some(topic) => self.by_topics.retain(|(t, _)| !t.contains(topic)),
            None => self.clear(),
        }
    }

    /// The state was replaced: every cached snapshot is out of date.
    pub fn clear(&mut self) {
        self.by_topics.clear();
    }
}
