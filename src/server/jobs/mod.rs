//! Runs jobs as tokio tasks: at most N at once (the rest stay `queued`), each stoppable.
//! The queue is bounded too (`--max-queued-jobs`): beyond it a start is refused, so no
//! client can make the server hold, or every snapshot carry, an unbounded list of jobs.
//!
//! Cancelling fires the job's token; the task notices before its next step, publishes the
//! `cancelled` state as its last event and exits, so no progress follows a cancellation.
//!
//! On a cluster (the Redis engine) a simulated job runs on the node that started it, and
//! its events go through the engine's log. A cancel that reaches another node publishes the
//! job `cancelled` there; the running node sees its job final in its hub before the next
//! step and stops (a final state is final everywhere, so nothing it sent late counts). If
//! the node dies, the cluster's janitor fails its jobs (`engine/janitor.rs`). Reported jobs
//! are not taken on a cluster yet.

mod drive;
mod report;
mod reported;
mod shared;
mod work;

pub use reported::ReportError;
pub use shared::CreateError;

use super::{
    engine::{Cluster, Unavailable},
    hub::Hub,
    now_ms,
};
use crate::protocol::{Event, Job, JobId, JobSpec, JobState};
use drive::drive;
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

/// Times a job's final state is offered to a Redis that is away (a second apart).
const FINAL_TRIES: usize = 10;

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

/// Why a job could not be started.
#[derive(Debug)]
pub enum StartError {
    QueueFull(QueueFull),
    Unavailable(Unavailable),
}

/// Why a job could not be cancelled.
#[derive(Debug)]
pub enum CancelError {
    NotFound,
    AlreadyFinished(JobState),
    Unavailable(Unavailable),
}

#[derive(Clone)]
pub struct Jobs {
    inner: Arc<Inner>,
}

struct Inner {
    hub: Hub,
    /// The Redis engine, on a cluster: job events go through its log.
    engine: Option<Cluster>,
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
    pub fn new(
        hub: Hub,
        engine: Option<Cluster>,
        limits: JobLimits,
        seed: u64,
        shutdown: CancellationToken,
    ) -> Jobs {
        let JobLimits {
            max_running,
            max_queued,
            max_reported,
            report_timeout,
        } = limits;
        Jobs {
            inner: Arc::new(Inner {
                hub,
                engine,
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
    pub async fn start(&self, spec: JobSpec) -> Result<Job, StartError> {
        let inner = &self.inner;
        let id = match &inner.engine {
            Some(cluster) => cluster
                .next_id("job")
                .await
                .map_err(StartError::Unavailable)?,
            None => inner.next_id.fetch_add(1, Ordering::Relaxed),
        };
        let work = Work::new(
            id,
            spec.clone(),
            inner.seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            now_ms(),
        );
        let job = work.job.clone();
        let token = inner.shutdown.child_token();
        {
            // Holding the map's lock from the check to the insert: concurrent starts cannot
            // both take the last place.
            let mut live = inner.lock_live();
            if live.len() >= inner.capacity {
                return Err(StartError::QueueFull(QueueFull {
                    queued: live.len().saturating_sub(inner.max_running),
                }));
            }
            live.insert(id, token.clone());
            if inner.engine.is_none() {
                inner.hub.publish(Event::Job(job.clone()));
            }
        }
        if let Some(cluster) = &inner.engine {
            // Recorded as ours first: if this node dies, the cluster fails the job.
            let started = match cluster.own(id).await {
                Ok(()) => cluster.publish(Event::Job(job.clone())).await.map(drop),
                Err(e) => Err(e),
            };
            if let Err(e) = started {
                inner.lock_live().remove(&id);
                let _ = cluster.disown(id).await;
                return Err(StartError::Unavailable(e));
            }
        }
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

    /// Cancels a job that runs (or is reported) on this node; `false` if none does.
    pub fn cancel_here(&self, id: JobId) -> bool {
        if self.end_reported(id, JobState::Cancelled, None) {
            return true;
        }
        match self.inner.lock_live().get(&id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub async fn cancel(&self, id: JobId) -> Result<(), CancelError> {
        if self.cancel_here(id) {
            return Ok(());
        }
        if let Some(cluster) = &self.inner.engine {
            // Running on another node, or reported: end it in the log (its node stops it).
            return match cluster.end_job(id, JobState::Cancelled, None).await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(Some(state))) => Err(CancelError::AlreadyFinished(state)),
                Ok(Err(None)) => Err(CancelError::NotFound),
                Err(e) => Err(CancelError::Unavailable(e)),
            };
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

    /// Publishes the job as it is now; on a cluster a progress step Redis cannot take now
    /// is skipped (the next one carries everything), a final state is tried again.
    async fn publish(&self, work: &Work) {
        let Some(cluster) = &self.engine else {
            self.hub.publish(Event::Job(work.job.clone()));
            return;
        };
        // Shutting down, the grace period is short: one try.
        let again = work.job.state.is_final() && !self.shutdown.is_cancelled();
        let tries = if again { FINAL_TRIES } else { 1 };
        for attempt in 1..=tries {
            match cluster.publish(Event::Job(work.job.clone())).await {
                Ok(_) => return,
                Err(e) => tracing::debug!(job = work.job.id, "not published: {e}"),
            }
            if attempt < tries {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }

    /// On a cluster: the job was ended elsewhere (cancelled on another node).
    fn ended_elsewhere(&self, id: JobId) -> bool {
        self.engine.is_some()
            && self
                .hub
                .read(|s| s.jobs.iter().any(|j| j.id == id && j.state.is_final()))
    }
}
