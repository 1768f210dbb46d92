//! The writer thread: the one place a data dir's events are numbered and committed.
//!
//! It takes every publish waiting in its queue (up to [`MAX_BATCH`]), numbers them in
//! queue order, commits them in one transaction (one fsync for all: group commit), then
//! applies them to the hub in order and answers each publisher with its id. A commit that
//! fails (a full disk) numbers nothing: every publisher of the batch hears why, the hub
//! and the open streams go on as they were, and the next batch tries again.
//!
//! Every [`SNAPSHOT_EVERY`] events (or [`SNAPSHOT_AGE`] after the last change) the state is
//! written as a snapshot and the events it covers are deleted, but for the replay window's.

use super::restore::{self, FLOOR, MAX_JOB, MAX_TOAST, SEQ};
use crate::{
    protocol::{Event, EventId},
    server::{clock::now_ms, engine::unavailable::Unavailable, hub::Hub},
};
use rusqlite::{Connection, ErrorCode};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::sync::oneshot;

/// At most this many events share one commit.
const MAX_BATCH: usize = 4_096;
/// Events between snapshots: the log replayed at start is at most about this long.
const SNAPSHOT_EVERY: u64 = 4_096;
/// A log quiet this long is snapshotted (when it changed since the last snapshot).
const SNAPSHOT_AGE: Duration = Duration::from_secs(30);
/// At most one warning about failing commits this often.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// The answer a publisher waits for: its event's id once durable and applied.
pub type Reply = oneshot::Sender<Result<EventId, Unavailable>>;

/// One publish in the queue.
pub struct Entry {
    pub event: Event,
    /// `None` for events nobody waits for (market ticks).
    pub reply: Option<Reply>,
}

pub struct Writer {
    pub conn: Connection,
    pub hub: Hub,
    pub dir: PathBuf,
    pub epoch: u64,
    pub seq: u64,
    pub max_job_id: u64,
    pub max_toast_id: u64,
    /// The seq of the newest snapshot.
    pub snapshot_seq: u64,
    /// Entries queued and not yet taken (shared with the handle, which bounds it).
    pub queued: Arc<AtomicUsize>,
    /// Held while the thread runs: the data dir's lock.
    pub _lock: std::fs::File,
}

impl Writer {
    /// Runs until every handle is gone, then writes a last snapshot.
    pub fn run(mut self, queue: Receiver<Entry>) {
        let mut warned: Option<Instant> = None;
        loop {
            let first = match queue.recv_timeout(SNAPSHOT_AGE) {
                Ok(entry) => entry,
                // Quiet for a while: a good moment to snapshot what changed.
                Err(RecvTimeoutError::Timeout) => {
                    if self.seq > self.snapshot_seq {
                        self.snapshot();
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(entry) => batch.push(entry),
                    Err(_) => break,
                }
            }
            self.queued.fetch_sub(batch.len(), Ordering::Relaxed);
            if let Err(e) = self.commit(batch) {
                if warned.is_none_or(|at| at.elapsed() >= WARN_EVERY) {
                    tracing::warn!("{e}");
                    warned = Some(Instant::now());
                }
                continue;
            }
            if self.seq - self.snapshot_seq >= SNAPSHOT_EVERY {
                self.snapshot();
            }
        }
        if self.seq > self.snapshot_seq {
            self.snapshot();
        }
    }

    /// Commits a batch, then applies and answers it; on failure answers every entry with
    /// the reason and returns it.
    fn commit(&mut self, batch: Vec<Entry>) -> Result<(), Unavailable> {
        let first = self.seq + 1;
        let last = self.seq + batch.len() as u64;
        let (mut max_job, mut max_toast) = (self.max_job_id, self.max_toast_id);
        for entry in &batch {
            match &entry.event {
                Event::Job(job) => max_job = max_job.max(job.id),
                Event::Toast(toast) => max_toast = max_toast.max(toast.id),
                _ => {}
            }
        }
        let written = (|| {
            let tx = self.conn.transaction()?;
            {
                let mut insert = tx.prepare(
                    "INSERT INTO events (seq, at_ms, kind, data) VALUES (?1, ?2, ?3, ?4)",
                )?;
                let now = now_ms() as i64;
                for (seq, entry) in (first..).zip(&batch) {
                    let kind = entry.event.kind().as_str();
                    insert.execute(rusqlite::params![
                        seq as i64,
                        now,
                        kind,
                        entry.event.payload_json()
                    ])?;
                }
            }
            restore::set(&tx, SEQ, last)?;
            restore::set(&tx, MAX_JOB, max_job)?;
            restore::set(&tx, MAX_TOAST, max_toast)?;
            tx.commit()
        })();
        if let Err(e) = written {
            let unavailable = Unavailable(self.describe(&e));
            for entry in batch {
                if let Some(reply) = entry.reply {
                    let _ = reply.send(Err(Unavailable(unavailable.0.clone())));
                }
            }
            return Err(unavailable);
        }
        (self.seq, self.max_job_id, self.max_toast_id) = (last, max_job, max_toast);
        for (seq, entry) in (first..).zip(batch) {
            let id = EventId {
                epoch: self.epoch,
                seq,
            };
            self.hub.apply_numbered(entry.event, id);
            if let Some(reply) = entry.reply {
                let _ = reply.send(Ok(id));
            }
        }
        Ok(())
    }

    /// Writes the hub's state as the snapshot at the head and deletes the events it covers,
    /// keeping the replay window's. A failure is tried again at the next chance.
    fn snapshot(&mut self) {
        let (state, head) = self.hub.snapshot();
        let floor = self.hub.window_floor();
        let written = (|| {
            let tx = self.conn.transaction()?;
            let data = serde_json::to_string(&state).expect("a snapshot always serialises");
            tx.execute(
                "INSERT OR REPLACE INTO snapshot (id, seq, data) VALUES (1, ?1, ?2)",
                rusqlite::params![head.seq as i64, data],
            )?;
            tx.execute(
                "DELETE FROM events WHERE seq <= ?1 AND (kind = 'quote' OR seq <= ?2)",
                rusqlite::params![head.seq as i64, floor as i64],
            )?;
            restore::set(&tx, FLOOR, floor)?;
            tx.commit()
        })();
        match written {
            Ok(()) => self.snapshot_seq = head.seq,
            Err(e) => tracing::debug!("snapshot not written: {}", self.describe(&e)),
        }
    }

    fn describe(&self, e: &rusqlite::Error) -> String {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => {
                format!(
                    "the data dir {} is full; free some space",
                    self.dir.display()
                )
            }
            _ => format!("cannot write to the data dir {}: {e}", self.dir.display()),
        }
    }
}
