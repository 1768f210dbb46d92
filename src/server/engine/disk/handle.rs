//! A node's handle on its data dir: opened once at start (positioning the hub at what the
//! data dir holds), then the queue into the writer thread.

use super::{
    open::{self, OpenError},
    restore::{self, Stored},
    writer::{Entry, Writer},
};
use crate::{
    protocol::{Event, EventId},
    server::{engine::unavailable::Unavailable, hub::Hub},
};
use std::sync::mpsc;
use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};
use tokio::sync::oneshot;

/// Publishes waiting for the writer: beyond this a publish is refused at once (503), so a
/// disk that stalls cannot make the server hold an unbounded queue.
const MAX_QUEUED: usize = 16_384;
/// Events nobody waits for (market ticks) are dropped, not queued, beyond this many: the
/// next tick supersedes them anyway.
const MAX_QUEUED_OFFERS: usize = 1_024;

#[derive(Clone)]
pub struct Disk {
    queue: mpsc::Sender<Entry>,
    queued: Arc<AtomicUsize>,
    dir: Arc<PathBuf>,
}

/// What opening a data dir found.
pub struct Opened {
    pub disk: Disk,
    /// Whether the data dir held a state (else it was new, and starts from the hub's).
    pub restored: bool,
    /// The largest ids ever committed (new ones continue above them).
    pub max_job_id: u64,
    pub max_toast_id: u64,
}

impl Disk {
    /// Opens `dir` (creating it if needed). A data dir with a state positions `hub` at it:
    /// the same epoch, the same head, the state and the replay window, so a client resuming
    /// with its last id gets exactly what it missed. A new one starts from `hub`'s state and
    /// epoch. Starts the writer thread.
    pub fn open(dir: &Path, hub: &Hub) -> Result<Opened, OpenError> {
        let lock = open::lock(dir)?;
        let mut conn = open::database(dir)?;
        let db = dir.join(open::DATABASE);
        let stored = restore::read(&conn).map_err(|why| OpenError::Corrupt {
            db: db.clone(),
            why,
        })?;
        let restored = stored.is_some();
        let (head, max_job_id, max_toast_id, snapshot_seq) = match stored {
            Some(Stored {
                head,
                snapshot_seq,
                floor,
                max_job_id,
                max_toast_id,
                snapshot,
                window,
            }) => {
                hub.restore(head, snapshot, window, floor);
                (head, max_job_id, max_toast_id, snapshot_seq)
            }
            None => {
                let (snapshot, head) = hub.snapshot();
                let tx = conn.transaction().map_err(|e| open::failure(&db, e))?;
                restore::create(&tx, head.epoch, &snapshot).map_err(|e| open::failure(&db, e))?;
                tx.commit().map_err(|e| open::failure(&db, e))?;
                (EventId { seq: 0, ..head }, 0, 0, 0)
            }
        };
        let queued = Arc::new(AtomicUsize::new(0));
        let writer = Writer {
            conn,
            hub: hub.clone(),
            dir: dir.to_owned(),
            epoch: head.epoch,
            seq: head.seq,
            max_job_id,
            max_toast_id,
            snapshot_seq,
            queued: queued.clone(),
            _lock: lock,
        };
        let (queue, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("livedash-disk".into())
            .spawn(move || writer.run(receiver))
            .map_err(|source| OpenError::Io {
                path: dir.to_owned(),
                source,
            })?;
        Ok(Opened {
            disk: Disk {
                queue,
                queued,
                dir: Arc::new(dir.to_owned()),
            },
            restored,
            max_job_id,
            max_toast_id,
        })
    }

    /// Queues `event` after every event queued before it; the answer comes once it is
    /// durable and applied. Refused at once when the queue is full.
    pub fn submit(
        &self,
        event: Event,
    ) -> Result<oneshot::Receiver<Result<EventId, Unavailable>>, Unavailable> {
        if self.queued.load(Ordering::Relaxed) >= MAX_QUEUED {
            return Err(Unavailable(format!(
                "the data dir {} is behind ({MAX_QUEUED} events wait to be written)",
                self.dir.display()
            )));
        }
        let (reply, answer) = oneshot::channel();
        self.send(Entry {
            event,
            reply: Some(reply),
        })?;
        Ok(answer)
    }

    /// Queues an event nobody waits for; dropped when the writer is behind.
    pub fn offer(&self, event: Event) {
        if self.queued.load(Ordering::Relaxed) < MAX_QUEUED_OFFERS {
            let _ = self.send(Entry { event, reply: None });
        }
    }

    fn send(&self, entry: Entry) -> Result<(), Unavailable> {
        self.queued.fetch_add(1, Ordering::Relaxed);
        self.queue.send(entry).map_err(|_| {
            self.queued.fetch_sub(1, Ordering::Relaxed);
            Unavailable("the data dir's writer has stopped".into())
        })
    }
}
