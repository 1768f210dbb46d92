//! The hub: the one place events are published, numbered, folded into the current state
//! and fanned out to every open stream.
//!
//! Publishing takes a short lock, so the state, the sequence number and the broadcast order
//! always agree: a subscriber gets a snapshot *and* a receiver positioned exactly after it.
//! Each event is encoded to its SSE frame once; every connection shares those bytes.

use crate::{
    protocol::{Event, EventId, EventKind, Snapshot, sse},
    state,
};
use bytes::Bytes;
use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::{SystemTime, UNIX_EPOCH},
};
use tokio::sync::broadcast;

/// An event as it travels to connections: already numbered and encoded.
#[derive(Debug)]
pub struct Published {
    pub id: EventId,
    pub kind: EventKind,
    /// The complete SSE frame (`event:`, `id:`, `data:`), shared by all connections.
    pub frame: Bytes,
}

/// What a new stream starts from.
pub struct Subscription {
    /// State as of `id`: every event up to it is folded in.
    pub snapshot: Snapshot,
    pub id: EventId,
    /// Delivers every event published after `id`, in order.
    pub receiver: broadcast::Receiver<Arc<Published>>,
}

#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    /// This server lifetime's id, so event ids from a previous run are recognisably foreign.
    epoch: u64,
    state: Mutex<Current>,
    sender: broadcast::Sender<Arc<Published>>,
}

struct Current {
    seq: u64,
    snapshot: Snapshot,
}

impl Hub {
    /// A hub starting from `initial` state; `buffer` events may queue per subscriber before
    /// it counts as lagging.
    pub fn new(initial: Snapshot, buffer: usize) -> Hub {
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let (sender, _) = broadcast::channel(buffer);
        Hub {
            inner: Arc::new(Inner {
                epoch,
                state: Mutex::new(Current {
                    seq: 0,
                    snapshot: initial,
                }),
                sender,
            }),
        }
    }

    /// Numbers, applies, encodes and broadcasts one event; returns its id.
    pub fn publish(&self, event: Event) -> EventId {
        let mut current = self.lock();
        current.seq += 1;
        let id = EventId {
            epoch: self.inner.epoch,
            seq: current.seq,
        };
        state::apply(&mut current.snapshot, &event);
        let frame = Bytes::from(sse::encode_event(&event, id));
        // No receivers is fine: nobody is watching yet.
        let _ = self.inner.sender.send(Arc::new(Published {
            id,
            kind: event.kind(),
            frame,
        }));
        id
    }

    /// The current state and a receiver for everything after it.
    pub fn subscribe(&self) -> Subscription {
        let current = self.lock();
        Subscription {
            snapshot: current.snapshot.clone(),
            id: EventId {
                epoch: self.inner.epoch,
                seq: current.seq,
            },
            receiver: self.inner.sender.subscribe(),
        }
    }

    /// The current state and the id of the last event folded into it.
    pub fn snapshot(&self) -> (Snapshot, EventId) {
        let current = self.lock();
        (
            current.snapshot.clone(),
            EventId {
                epoch: self.inner.epoch,
                seq: current.seq,
            },
        )
    }

    /// Reads the current state without cloning all of it.
    pub fn read<T>(&self, f: impl FnOnce(&Snapshot) -> T) -> T {
        f(&self.lock().snapshot)
    }

    fn lock(&self) -> MutexGuard<'_, Current> {
        // A panic while holding the lock cannot leave the state half-applied in a way that
        // matters more than stopping the dashboard, so keep serving.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Level, Toast};

    fn toast(id: u64) -> Event {
        Event::Toast(Toast {
            id,
            level: Level::Info,
            title: format!("t{id}"),
            body: String::new(),
            ts_ms: 0,
        })
    }

    #[tokio::test]
    async fn subscribers_continue_exactly_after_their_snapshot() {
        let hub = Hub::new(Snapshot::default(), 16);
        hub.publish(toast(1));
        let mut sub = hub.subscribe();
        assert_eq!(sub.snapshot.toasts.len(), 1);
        let second = hub.publish(toast(2));
        assert_eq!(second.seq, sub.id.seq + 1);
        let got = sub.receiver.recv().await.unwrap();
        assert_eq!(got.id, second);
        assert!(
            std::str::from_utf8(&got.frame)
                .unwrap()
                .starts_with("event: toast\nid: ")
        );
    }
}
