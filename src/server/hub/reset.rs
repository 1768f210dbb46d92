//! The hub starting over from another log's state: a node of the Redis engine positioning
//! itself at what Redis holds (see `engine/follow.rs`).

use super::{
    Hub,
    published::{Key, Published},
};
use crate::protocol::{Event, EventId, EventKind, Snapshot, sse};
use bytes::Bytes;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

impl Hub {
    /// Starts over from another log's state: `snapshot` as of `head`, and the reliable
    /// events still in its window (oldest first, each with how long ago it was published).
    /// Open streams catch up (a snapshot, or exactly from the window if it covers them);
    /// a new stream can resume from `head`, or exactly from anywhere in the window.
    pub fn reset(
        &self,
        head: EventId,
        snapshot: Snapshot,
        window: Vec<(Event, EventId, Duration)>,
    ) {
        // Before the window's first event the past is unknown: resuming from there is not exact.
        let floor = window.first().map_or(head.seq, |(_, id, _)| id.seq - 1);
        self.restore(head, snapshot, window, floor);
    }

    /// [`reset`](Hub::reset) for a store that knows exactly which reliable events left its
    /// window: `floor` is the newest of them, so a client resuming after it (from a quote
    /// newer than every event of the window, say) is still served exactly.
    pub fn restore(
        &self,
        head: EventId,
        snapshot: Snapshot,
        window: Vec<(Event, EventId, Duration)>,
        floor: u64,
    ) {
        let mut current = self.lock();
        let now = Instant::now();
        current.epoch = head.epoch;
        current.snapshots.clear();
        current.snapshot = Snapshot::default();
        current.history.clear();
        current.logs = Default::default();
        current.latest_quotes.clear();
        let first = window.first().map_or(head.seq, |(_, id, _)| id.seq - 1);
        current.forgotten = floor.min(head.seq);
        current.seq = first;
        for (event, id, age) in window {
            if id.seq > current.seq && id.seq <= head.seq {
                let at = now.checked_sub(age).unwrap_or(now);
                self.fold(&mut current, event, id, at);
            }
        }
        // The state itself comes from the snapshot; quotes resume latest-wins from `head`.
        current.snapshot = snapshot;
        let state = &mut *current;
        state.logs.seed(&state.snapshot.jobs);
        current.seq = head.seq;
        let quotes: Vec<_> = current
            .snapshot
            .quotes
            .iter()
            .map(|r| r.quote.clone())
            .collect();
        for quote in quotes {
            let symbol = quote.symbol.clone();
            let event = Event::Quote(quote);
            let published = Arc::new(Published {
                id: head,
                kind: event.kind(),
                key: Key::Quote(symbol.clone()),
                frame: Bytes::from(sse::encode_event(&event, head)),
            });
            current.latest_quotes.insert(symbol, published);
        }
        self.prune(&mut current);
        // Tells open streams that the log changed under them (see `http/events.rs`).
        let _ = self.inner.sender.send(Arc::new(Published {
            id: head,
            kind: EventKind::Snapshot,
            key: Key::Snapshot,
            frame: Bytes::new(),
        }));
    }
}
