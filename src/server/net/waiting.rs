//! The connections that have given us nothing yet: each costs a file descriptor, so when
//! descriptors run short the oldest of them is closed first (`accept.rs`), and on
//! shutdown they close at once.

use std::{
    collections::BTreeMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};
use tokio::sync::{Notify, futures::Notified};
use tokio_util::sync::CancellationToken;

/// The connections that have not sent a request yet, oldest first.
#[derive(Default)]
pub struct Waiting {
    next: AtomicU64,
    connections: Mutex<BTreeMap<u64, CancellationToken>>,
    /// Woken whenever a connection has closed (its descriptor is free again).
    closed: Notify,
}

impl Waiting {
    pub(super) fn register(&self) -> (u64, CancellationToken) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let token = CancellationToken::new();
        self.lock().insert(id, token.clone());
        (id, token)
    }

    /// The connection sent its first request, or closed.
    pub(super) fn settle(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Closes the connection that has waited longest without a request; `false` if none
    /// is waiting.
    pub fn evict_oldest(&self) -> bool {
        let oldest = self.lock().pop_first();
        oldest.map(|(_, token)| token.cancel()).is_some()
    }

    /// A connection closed: its descriptor is free again.
    pub(super) fn close_one(&self) {
        self.closed.notify_waiters();
    }

    /// Resolves when a connection closes after this was called.
    pub fn closed(&self) -> Notified<'_> {
        self.closed.notified()
    }

    /// How many connections are waiting for their first request.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, CancellationToken>> {
        self.connections.lock().unwrap_or_else(|p| p.into_inner())
    }
}
