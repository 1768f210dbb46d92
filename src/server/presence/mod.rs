//! Who is watching now: counted from the server's own event streams, never from what a
//! client says.
//!
//! Each stream of `/api/events` holds a [`Watching`] while it is open. A browser shares one
//! stream among its tabs (`live/tabs.rs`), so a browser counts once. A stream that ends
//! leaves its entry for a short grace ([`GRACE`]): the same browser reconnecting within it
//! (its stream names the entry it was given, in `hello`) takes the entry back, and the
//! count does not flap. Only an entry this server holds can be taken back, by the same
//! user; any other name gets a fresh entry.
//!
//! On a cluster every node writes its entries into one Redis sorted set and reads the whole
//! set back (`shared.rs`), so every node shows the same count. Imports the engine (for
//! Redis) and the clock.
//!
//! Memory is bounded: entries live only while their stream does, or for the grace after,
//! and at most `max_entries` are kept (grace entries make room first).

use crate::protocol::Presence as View;
use crate::server::{clock::now_ms, engine::Cluster};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

/// The cluster's shared set of watchers.
mod shared;
/// This node's watchers.
mod table;
/// The view as streams are told it, encoded once.
mod told;

use table::{Entry, Table, view_of};
pub use table::{GRACE, MAX_NAMES};
pub use told::Told;

/// The gauge of who is watching (the cluster's count, as this node sees it).
pub const WATCHING: &str = "livedash_watching";
/// Streams hear of a change at most this often: a thousand browsers arriving at once make
/// a few presence events per stream, not a thousand.
const AT_MOST_EVERY: Duration = Duration::from_millis(500);
#[derive(Clone)]
pub struct Presence {
    inner: Arc<Inner>,
}

struct Inner {
    table: Mutex<Table>,
    view: watch::Sender<Arc<Told>>,
    changed: Notify,
    max_entries: usize,
}

/// One stream's place among the watchers; the stream dropping it starts its grace.
pub struct Watching {
    presence: Presence,
    id: String,
}

impl Watching {
    /// The entry's name, told to the client in `hello` so a reconnect can take it back.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.presence.leave(&self.id);
    }
}

impl Presence {
    /// Keeps the count (for a cluster: with the other nodes, through Redis) until
    /// `shutdown`.
    pub fn start(
        cluster: Option<&Cluster>,
        max_entries: usize,
        shutdown: CancellationToken,
    ) -> Presence {
        let presence = Presence {
            inner: Arc::new(Inner {
                table: Mutex::new(Table::default()),
                view: watch::Sender::new(Arc::new(Told::new(View::default()))),
                changed: Notify::new(),
                max_entries: max_entries.max(1),
            }),
        };
        let task = presence.clone();
        match cluster.map(Cluster::shared) {
            Some((conn, prefix, node)) => {
                let shared = shared::Shared::new(conn, prefix, node);
                tokio::spawn(async move { task.keep_shared(shared, shutdown).await });
            }
            None => {
                tokio::spawn(async move { task.keep_local(shutdown).await });
            }
        }
        presence
    }

    /// Counts a stream of `user`, in the entry `claimed` if this server holds it for the
    /// same user (a reconnect), else in a new one.
    pub fn join(&self, claimed: Option<&str>, user: Option<&str>) -> Watching {
        let mut table = self.table();
        let same_user = |u: &Option<String>| u.as_deref() == user;
        let reusable = claimed.filter(|id| {
            table.entries.get(*id).is_some_and(|e| same_user(&e.user))
                || table.elsewhere.get(*id).is_some_and(same_user)
        });
        let id = reusable.map_or_else(|| format!("{:032x}", rand::random::<u128>()), str::to_owned);
        if !table.entries.contains_key(&id) {
            table.make_room(self.inner.max_entries);
        }
        let entry = table.entries.entry(id.clone()).or_insert(Entry {
            user: user.map(str::to_owned),
            streams: 0,
            gone_at: None,
            written_until: 0,
        });
        entry.streams += 1;
        entry.gone_at = None;
        entry.written_until = 0;
        drop(table);
        self.inner.changed.notify_one();
        Watching {
            presence: self.clone(),
            id,
        }
    }

    /// Who is watching now, with names.
    pub fn current(&self) -> View {
        self.inner.view.borrow().view.clone()
    }

    /// Follows who is watching.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Told>> {
        self.inner.view.subscribe()
    }

    fn leave(&self, id: &str) {
        let mut table = self.table();
        if let Some(entry) = table.entries.get_mut(id) {
            entry.streams = entry.streams.saturating_sub(1);
            if entry.streams == 0 {
                entry.gone_at = Some(now_ms());
                entry.written_until = 0;
            }
        }
        drop(table);
        self.inner.changed.notify_one();
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.inner.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A single node: the view is its own table, recomputed on every change and when a
    /// grace ends.
    async fn keep_local(self, shutdown: CancellationToken) {
        loop {
            let (next, sent) = {
                let mut table = self.table();
                table.expire(now_ms());
                let view = view_of(table.entries.values().map(|e| e.user.as_deref()));
                (table.next_expiry(), self.publish(view))
            };
            if sent {
                tokio::time::sleep(AT_MOST_EVERY).await;
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.inner.changed.notified() => {}
                () = sleep_ms(next.map(|at| at.saturating_sub(now_ms()))) => {}
            }
        }
    }

    /// A cluster node: each round writes what changed in its table to Redis and reads
    /// every node's entries back; rounds come every [`shared::ROUND`], on a change here,
    /// and when a grace (of any node) ends. With Redis away it shows its own watchers.
    async fn keep_shared(self, mut shared: shared::Shared, shutdown: CancellationToken) {
        let mut failing = false;
        loop {
            let now = now_ms();
            let (writes, local_next) = {
                let mut table = self.table();
                table.expire(now);
                (table.writes(now), table.next_expiry())
            };
            let next = match shared.round(&writes, now).await {
                Ok(remote) => {
                    failing = false;
                    if self.publish(self.absorb(&writes, &remote)) {
                        tokio::time::sleep(AT_MOST_EVERY).await;
                    }
                    remote.iter().map(|r| r.until).min()
                }
                Err(e) => {
                    if !std::mem::replace(&mut failing, true) {
                        tracing::warn!("presence: Redis failed ({e}); counting this node only");
                    }
                    let view = view_of(self.table().entries.values().map(|e| e.user.as_deref()));
                    self.publish(view);
                    local_next
                }
            };
            let round = now_ms() + shared::ROUND.as_millis() as u64;
            let wake = next.map_or(round, |at| at.min(round));
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.inner.changed.notified() => {}
                () = sleep_ms(Some(wake.saturating_sub(now_ms()))) => {}
            }
        }
    }

    /// After a round: marks what Redis now holds of this node's entries, notes the entries
    /// other nodes hold, and returns the cluster's view (entries counted by id, once).
    fn absorb(&self, writes: &[shared::Local], remote: &[shared::Remote]) -> View {
        let mut table = self.table();
        for write in writes {
            // Not if it changed meanwhile (its stream ended, or came back).
            if let Some(entry) = table.entries.get_mut(&write.id)
                && entry.gone_at.is_some() == write.in_grace
            {
                entry.written_until = write.until;
            }
        }
        let mut by_id: HashMap<String, Option<String>> = HashMap::new();
        for r in remote {
            by_id.entry(r.id.clone()).or_insert_with(|| r.user.clone());
        }
        let view = view_of(by_id.values().map(Option::as_deref));
        by_id.retain(|id, _| !table.entries.contains_key(id));
        table.elsewhere = by_id;
        view
    }

    /// Sends `view` to the streams if it changed; whether it did (the caller then waits
    /// [`AT_MOST_EVERY`] before the next).
    fn publish(&self, view: View) -> bool {
        metrics::gauge!(WATCHING).set(f64::from(view.watching));
        self.inner.view.send_if_modified(|current| {
            let changed = current.view != view;
            if changed {
                *current = Arc::new(Told::new(view));
            }
            changed
        })
    }
}

async fn sleep_ms(ms: Option<u64>) {
    match ms {
        Some(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;
