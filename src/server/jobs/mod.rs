//! Runs jobs as tokio tasks: at most N at once (the rest stay `queued`), each stoppable.
//! The queue is bounded too (`--max-queued-jobs`): beyond it a start is refused, so no
//! client can make the server hold, or every snapshot carry, an unbounded list of jobs.
//!
//! Cancelling fires the job's token; the task notices before its next step, publishes the
//! `cancelled` state as its last event and exits, so no progress follows a cancellation.

mod report;
mod reported;
mod work;

pub use reported::{ReportError, TooManyReported};

use super::{hub::Hub, now_ms};
use crate::protocol::{Event, Job, JobId, JobSpec, JobState};
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use tokio::sync::Semaphore;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use work::Work;

/// A start refused because `running + queued` jobs already wait for their turn.
#[derive(Debug, PartialEq, Eq)]
pub struct QueueFull {
    pub queued: usize,
}

/// How many jobs of each sort the server holds, and how long a reporter may be silent.
#[derive(Clone, Copy, Debug)]
pub struct JobLimits {
    pub max_running: usize,
    pub max_queued: usize,
    pub max_reported: usize,
    pub report_timeout: Duration,
}

/// Why a job could not be cancelled.
#[derive(Debug, PartialEq, Eq)]
pub enum CancelError {
    NotFound,
    AlreadyFinished(JobState),
}

#[derive(Clone)]
pub struct Jobs {
    inner: Arc<Inner>,
}

struct Inner {
    hub: Hub,
    next_id: AtomicU64,
    /// Cancellation handles of the jobs that have not finished yet.
    live: Mutex<HashMap<JobId, CancellationToken>>,
    /// Slots for running jobs; waiting for one is the `queued` state.
    slots: Arc<Semaphore>,
    /// Jobs that may be running or queued at once (`live` never holds more).
    capacity: usize,
    max_running: usize,
    /// The reported jobs still running (see `reported.rs`), at most `max_reported`.
    reported: Mutex<reported::Registry>,
    max_reported: usize,
    /// A reported job whose reporter is silent this long ends `failed`.
    report_timeout: Duration,
    /// Mixed with each job id to seed its randomness (batch failures).
    seed: u64,
    /// Parent of every job's token: shutting down cancels them all.
    shutdown: CancellationToken,
    /// The job tasks, so shutdown can wait until each has published its final state.
    tasks: TaskTracker,
}

impl Jobs {
    pub fn new(hub: Hub, limits: JobLimits, seed: u64, shutdown: CancellationToken) -> Jobs {
        let JobLimits {
            max_running,
            max_queued,
            max_reported,
            report_timeout,
        } = limits;
        Jobs {
            inner: Arc::new(Inner {
                hub,
                next_id: AtomicU64::new(1),
                live: Mutex::new(HashMap::new()),
                slots: Arc::new(Semaphore::new(max_running)),
                capacity: max_running + max_queued,
                max_running,
                reported: Mutex::default(),
                max_reported,
                report_timeout,
                seed,
                shutdown,
                tasks: TaskTracker::new(),
            }),
        }
    }

    /// Starts a (validated) job, unless the queue is full. Its `queued` state is published
    /// before this returns.
    pub fn start(&self, spec: JobSpec) -> Result<Job, QueueFull> {
        let inner = &self.inner;
        // Holding the map's lock from the check to the insert: concurrent starts cannot
        // both take the last place.
        let mut live = inner.lock_live();
        if live.len() >= inner.capacity {
            return Err(QueueFull {
                queued: live.len().saturating_sub(inner.max_running),
            });
        }
        let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
        let work = Work::new(
            id,
            spec.clone(),
            inner.seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            now_ms(),
        );
        let job = work.job.clone();
        let token = inner.shutdown.child_token();
        live.insert(id, token.clone());
        inner.hub.publish(Event::Job(job.clone()));
        drop(live);
        inner.tasks.spawn(drive(
            self.inner.clone(),
            work,
            Duration::from_millis(spec.step_ms()),
            token,
        ));
        Ok(job)
    }

    /// Waits until every job task has ended (after shutdown cancelled them).
    pub async fn stopped(&self) {
        self.inner.tasks.close();
        self.inner.tasks.wait().await;
    }

    pub fn cancel(&self, id: JobId) -> Result<(), CancelError> {
        if self.end_reported(id, JobState::Cancelled, None) {
            return Ok(());
        }
        if let Some(token) = self.inner.lock_live().get(&id) {
            token.cancel();
            return Ok(());
        }
        match self.state_of(id) {
            Some(state) => Err(CancelError::AlreadyFinished(state)),
            None => Err(CancelError::NotFound),
        }
    }
}

impl Inner {
    fn lock_reported(&self) -> std::sync::MutexGuard<'_, reported::Registry> {
        self.reported
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock_live(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, CancellationToken>> {
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn publish(&self, work: &Work) {
        self.hub.publish(Event::Job(work.job.clone()));
    }
}

/// The life of one job: wait for a slot, then step until done or cancelled.
async fn drive(inner: Arc<Inner>, mut work: Work, step: Duration, cancel: CancellationToken) {
    let slot = tokio::select! {
        () = cancel.cancelled() => None,
        slot = inner.slots.clone().acquire_owned() => slot.ok(),
    };
    if let Some(_slot) = slot {
        work.start(now_ms());
        inner.publish(&work);
        loop {
            tokio::select! {
                biased;
                () = cancel.cancelled() => break,
                () = tokio::time::sleep(step) => {
                    if work.advance(now_ms()) {
                        break;
                    }
                    inner.publish(&work);
                }
            }
        }
    }
    if !work.job.state.is_final() {
        let why = inner
            .shutdown
            .is_cancelled()
            .then(|| "the server shut down".to_owned());
        work.finish(JobState::Cancelled, why, now_ms());
    }
    // The final state and the freed place in the queue appear together: a client that saw
    // the one can count on the other (a start waits for this lock).
    let mut live = inner.lock_live();
    inner.publish(&work);
    live.remove(&work.job.id);
}
