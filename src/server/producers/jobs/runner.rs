//! The job runner: jobs as tokio tasks, at most N at once, each stoppable; the state every
//! file of this room works on.

use super::{
    errors::{CancelError, QueueFull, StartError},
    work::Work,
};
use crate::protocol::{Event, Job, JobId, JobSpec, JobState};
use crate::server::{
    clock::now_ms,
    engine::{Cluster, Journal},
    hub::Hub,
};
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

/// Times a job's final state is offered to a store that cannot take it (a second apart).
const FINAL_TRIES: usize = 10;

/// How many jobs of each sort the server holds, and how long a reporter may be silent.
#[derive(Clone, Copy, Debug)]
pub struct JobLimits {
    pub max_running: usize,
    pub max_queued: usize,
    pub max_reported: usize,
    pub report_timeout: Duration,
}

#[derive(Clone)]
pub struct Jobs {
    pub(super) inner: Arc<Inner>,
}

/// The reported jobs still running, and when each was last heard from (`reported.rs`).
#[derive(Default)]
pub(super) struct Registry {
    pub(super) jobs: HashMap<JobId, (Job, tokio::time::Instant)>,
}

pub(super) struct Inner {
    /// The hub, read for job states.
    pub(super) hub: Hub,
    /// Where job events are published on a single node: in memory, or durably on disk.
    pub(super) journal: Journal,
    /// The Redis engine, on a cluster: job events go through its log.
    pub(super) engine: Option<Cluster>,
    pub(super) next_id: AtomicU64,
    /// Cancellation handles of the jobs that have not finished yet.
    pub(super) live: Mutex<HashMap<JobId, CancellationToken>>,
    /// Slots for running jobs; waiting for one is the `queued` state.
    pub(super) slots: Arc<Semaphore>,
    /// Jobs that may be running or queued at once (`live` never holds more).
    pub(super) capacity: usize,
    pub(super) max_running: usize,
    /// The reported jobs still running (see `reported.rs`), at most `max_reported`.
    pub(super) reported: Mutex<Registry>,
    pub(super) max_reported: usize,
    /// A reported job whose reporter is silent this long ends `failed`.
    pub(super) report_timeout: Duration,
    /// Mixed with each job id to seed its randomness (batch failures).
    pub(super) seed: u64,
    /// Parent of every job's token: shutting down cancels them all.
    pub(super) shutdown: CancellationToken,
    /// The job tasks, so shutdown can wait until each has published its final state.
    pub(super) tasks: TaskTracker,
}

impl Jobs {
    /// A runner publishing into `journal` (or, on a cluster, into `engine`), handing out
    /// ids from `first_id` on.
    pub fn new(
        journal: Journal,
        engine: Option<Cluster>,
        limits: JobLimits,
        seed: u64,
        first_id: u64,
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
                hub: journal.hub().clone(),
                journal,
                engine,
                next_id: AtomicU64::new(first_id),
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
        let queued = {
            // Holding the map's lock from the check to the insert: concurrent starts cannot
            // both take the last place.
            let mut live = inner.lock_live();
            if live.len() >= inner.capacity {
                return Err(StartError::QueueFull(QueueFull {
                    queued: live.len().saturating_sub(inner.max_running),
                }));
            }
            live.insert(id, token.clone());
            // Submitted under the lock: its place and its `queued` event go in one order.
            inner
                .engine
                .is_none()
                .then(|| inner.journal.submit(Event::Job(job.clone())))
        };
        if let Some(queued) = queued
            && let Err(e) = queued.await
        {
            inner.lock_live().remove(&id);
            return Err(StartError::Unavailable(e));
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
        let step = Duration::from_millis(spec.step_ms());
        inner
            .tasks
            .spawn(self.inner.clone().drive(work, step, token));
        Ok(job)
    }

    /// Waits until every job task has ended (after shutdown cancelled them).
    pub async fn stopped(&self) {
        self.inner.tasks.close();
        self.inner.tasks.wait().await;
    }

    /// Cancels a job that runs (or is reported) on this node; `false` if none does.
    pub fn cancel_here(&self, id: JobId) -> bool {
        // A reported job's final state is queued; nobody waits for it here.
        self.end_reported(id, JobState::Cancelled, None).is_some() || self.stop_simulated(id)
    }

    /// Fires a simulated job's token: its task publishes `cancelled` before its next step.
    fn stop_simulated(&self, id: JobId) -> bool {
        match self.inner.lock_live().get(&id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub async fn cancel(&self, id: JobId) -> Result<(), CancelError> {
        if let Some(ended) = self.end_reported(id, JobState::Cancelled, None) {
            return ended.await.map_err(CancelError::Unavailable);
        }
        if self.stop_simulated(id) {
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
    pub(super) fn lock_reported(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.reported
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn lock_live(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, CancellationToken>> {
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Publishes the job as it is now. A progress step the store cannot take now (Redis
    /// away, a full disk) is skipped: the next one carries everything. A final state is
    /// tried again, a second apart.
    pub(super) async fn publish(&self, work: &Work) {
        // Shutting down, the grace period is short: one try.
        let again = work.job.state.is_final() && !self.shutdown.is_cancelled();
        let tries = if again { FINAL_TRIES } else { 1 };
        for attempt in 1..=tries {
            let event = Event::Job(work.job.clone());
            let sent = match &self.engine {
                Some(cluster) => cluster.publish(event).await,
                None => self.journal.publish(event).await,
            };
            match sent {
                Ok(_) => return,
                Err(e) => tracing::debug!(job = work.job.id, "not published: {e}"),
            }
            if attempt < tries {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }

    /// On a cluster: the job was ended elsewhere (cancelled on another node).
    pub(super) fn ended_elsewhere(&self, id: JobId) -> bool {
        self.engine.is_some()
            && self
                .hub
                .read(|s| s.jobs.iter().any(|j| j.id == id && j.state.is_final()))
    }
}
