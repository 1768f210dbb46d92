//! The hub: the one place events are published, numbered, folded into the current state
//! and fanned out to every open stream.
//!
//! Publishing takes a short lock, so the state, the sequence number, the replay window and
//! the broadcast order always agree: a subscriber gets its starting point (a snapshot, or
//! the exact events it missed) *and* a receiver positioned right after it. Each event is
//! encoded to its SSE frame once; every connection shares those bytes.

use crate::{
    protocol::{Event, EventId, Snapshot, sse},
    state,
};
use bytes::Bytes;
use logbook::LogBook;
pub use published::{Key, Published};
use snapshots::{Pending, Snapshots};
use start::Begin;
pub use start::{Start, Subscription};
use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use tokio::sync::broadcast;

/// Events published, by kind (a Prometheus counter; `/metrics` shows it).
pub const PUBLISHED: &str = "livedash_events_published_total";
/// Streams that fell behind and were caught up, by outcome (`replay` or `snapshot`).
pub const CATCH_UPS: &str = "livedash_sse_catch_ups_total";

/// How much of the recent past the hub keeps for resuming clients.
#[derive(Clone, Copy, Debug)]
pub struct ReplayWindow {
    pub max_events: usize,
    pub max_age: Duration,
}

/// Counters of what the hub did for clients that fell behind or came back.
#[derive(Debug, Default)]
pub struct Stats {
    /// Streams started or caught up by replaying exactly the missed events.
    pub replays: AtomicU64,
    /// Clients whose state had to be replaced by a snapshot because they fell behind.
    pub resyncs: AtomicU64,
}

#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    window: ReplayWindow,
    state: Mutex<Current>,
    sender: broadcast::Sender<Arc<Published>>,
    stats: Stats,
}

struct Current {
    /// The log's lifetime, so event ids from another one are recognisably foreign: this
    /// server's start, or the Redis engine's epoch (which a reset may change).
    epoch: u64,
    seq: u64,
    snapshot: Snapshot,
    /// Reliable events (jobs, toasts) still in the replay window, oldest first.
    history: VecDeque<(Instant, Arc<Published>)>,
    /// The newest reliable event that left the window: resuming from before it is not exact.
    forgotten: u64,
    /// The newest quote per symbol: latest value wins, so that is all a client needs.
    latest_quotes: HashMap<String, Arc<Published>>,
    /// This state's snapshots for new streams, per topic set (see `snapshots.rs`).
    snapshots: Snapshots,
    /// Each listed job's longer log, for its page (`logbook.rs`).
    logs: LogBook,
}

impl Hub {
    /// A hub starting from `initial` state; `buffer` events may queue per subscriber before
    /// it counts as lagging.
    pub fn new(initial: Snapshot, buffer: usize, window: ReplayWindow) -> Hub {
        // Microseconds: two lifetimes, even started back to back, never share an epoch.
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64);
        let (sender, _) = broadcast::channel(buffer);
        let mut current = Current {
            epoch,
            seq: 0,
            snapshot: initial,
            history: VecDeque::new(),
            forgotten: 0,
            latest_quotes: HashMap::new(),
            snapshots: Snapshots::default(),
            logs: LogBook::default(),
        };
        current.logs.seed(&current.snapshot.jobs);
        Hub {
            inner: Arc::new(Inner {
                window,
                state: Mutex::new(current),
                sender,
                stats: Stats::default(),
            }),
        }
    }

    /// Numbers, applies, encodes and broadcasts one event; returns its id.
    pub fn publish(&self, event: Event) -> EventId {
        let mut current = self.lock();
        let id = EventId {
            epoch: current.epoch,
            seq: current.seq + 1,
        };
        let published = self.fold(&mut current, event, id, Instant::now());
        self.send(published);
        id
    }

    /// Applies and broadcasts an event numbered elsewhere (the Redis engine's log), in
    /// order: one at or before the head, or of another epoch, is refused (`false`).
    pub fn apply_numbered(&self, event: Event, id: EventId) -> bool {
        let mut current = self.lock();
        if id.epoch != current.epoch || id.seq <= current.seq {
            return false;
        }
        let published = self.fold(&mut current, event, id, Instant::now());
        self.send(published);
        true
    }

    /// The id of the newest event folded in.
    pub fn head_id(&self) -> EventId {
        self.head(&self.lock())
    }

    /// The newest reliable event (job, toast) that has left the replay window: a client
    /// resuming from before it gets a snapshot.
    pub fn window_floor(&self) -> u64 {
        let mut current = self.lock();
        self.prune(&mut current);
        current.forgotten
    }

    fn send(&self, published: Arc<Published>) {
        ::metrics::counter!(PUBLISHED, "kind" => published.kind.as_str()).increment(1);
        // No receivers is fine: nobody is watching yet.
        let _ = self.inner.sender.send(published);
    }

    /// Applies an event at `id` and files it for resuming clients; broadcasting it is the
    /// caller's choice (a reset files its window without sending it again).
    fn fold(
        &self,
        current: &mut Current,
        event: Event,
        id: EventId,
        at: Instant,
    ) -> Arc<Published> {
        current.seq = id.seq;
        current.snapshots.changed(event.kind().topic());
        let key = Key::of(&event, &current.snapshot);
        state::apply(&mut current.snapshot, &event);
        match &event {
            Event::Job(job) => current.logs.followed(&current.snapshot.jobs, job.id),
            Event::Snapshot(_) => current.logs.seed(&current.snapshot.jobs),
            Event::Quote(_) | Event::Toast(_) => {}
        }
        let frame = Bytes::from(sse::encode_event(&event, id));
        let published = Arc::new(Published {
            id,
            kind: event.kind(),
            key,
            frame,
        });
        match &event {
            Event::Quote(q) => {
                current
                    .latest_quotes
                    .insert(q.symbol.clone(), published.clone());
            }
            Event::Job(_) | Event::Toast(_) => current.history.push_back((at, published.clone())),
            Event::Snapshot(_) => {}
        }
        self.prune(current);
        published
    }

    /// Starts a stream for a client that last saw `last` (if anything), for `topics`.
    pub fn subscribe(&self, last: Option<EventId>, filter: impl Into<Filter>) -> Subscription {
        let filter = filter.into();
        // The receiver is taken under the lock, so it starts right after `head`.
        let (begin, head, receiver) = {
            let mut current = self.lock();
            let (begin, head) = self.catch_up_locked(&mut current, last, filter);
            (begin, head, self.inner.sender.subscribe())
        };
        Subscription {
            start: begin.resolve(),
            head,
            receiver,
        }
    }

    /// For a live connection that fell behind at `last`: the exact missed events if the
    /// window still has them, otherwise a snapshot (counted as a resync).
    pub fn catch_up(&self, last: EventId, filter: impl Into<Filter>) -> (Start, EventId) {
        let (begin, head) = self.catch_up_locked(&mut self.lock(), Some(last), filter.into());
        let (counter, outcome) = match begin {
            Begin::Snapshot(_) => (&self.inner.stats.resyncs, "snapshot"),
            Begin::Replay(_) => (&self.inner.stats.replays, "replay"),
        };
        counter.fetch_add(1, Ordering::Relaxed);
        ::metrics::counter!(CATCH_UPS, "outcome" => outcome).increment(1);
        (begin.resolve(), head)
    }

    /// A receiver for everything published from now on, without a starting point.
    pub fn receiver(&self) -> broadcast::Receiver<Arc<Published>> {
        self.inner.sender.subscribe()
    }

    /// The current state and the id of the last event folded into it.
    pub fn snapshot(&self) -> (Snapshot, EventId) {
        let current = self.lock();
        (current.snapshot.clone(), self.head(&current))
    }

    /// Reads the current state without cloning all of it.
    pub fn read<T>(&self, f: impl FnOnce(&Snapshot) -> T) -> T {
        f(&self.lock().snapshot)
    }

    pub fn stats(&self) -> &Stats {
        &self.inner.stats
    }

    fn head(&self, current: &Current) -> EventId {
        EventId {
            epoch: current.epoch,
            seq: current.seq,
        }
    }

    /// Drops reliable events beyond the window's count or age.
    fn prune(&self, current: &mut Current) {
        let ReplayWindow {
            max_events,
            max_age,
        } = self.inner.window;
        while let Some((at, oldest)) = current.history.front() {
            if current.history.len() <= max_events && at.elapsed() <= max_age {
                break;
            }
            current.forgotten = oldest.id.seq;
            current.history.pop_front();
        }
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

/// Where a stream starts: the exact events it missed, or a snapshot.
mod catch_up;
/// The delivery policy each connection applies to what is queued for it.
pub mod delivery;
/// What a stream asks for: topics, or one job.
mod filter;
/// One job as its page shows it.
mod job_view;
/// Each listed job's longer log, for its page.
mod logbook;
pub use filter::Filter;
/// A numbered event as it travels to connections.
mod published;
mod snapshots;
/// What a subscription gets: where its stream starts, and a receiver for what follows.
mod start;

/// Starting over from another log (the Redis engine's).
mod reset;

#[cfg(test)]
mod tests;
