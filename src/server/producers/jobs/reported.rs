//! Reported jobs: work done elsewhere, driven by its owner's reports. They take no
//! simulation slot (they are `running` from creation) but are bounded in number
//! (`--max-reported-jobs`), and a reporter that goes silent for `--report-timeout-secs`
//! has its job end `failed`, so nothing stays `running` forever.
//!
//! Every change is submitted while the registry's lock is held, so a report, a cancel and
//! the watchdog cannot interleave: whichever ends the job first wins, and the others see it
//! ended. The caller is answered once its change is durable (`engine/journal.rs`); a change
//! the store refused puts the job back in the registry as the hub shows it.

use super::{
    errors::{CreateError, ReportError, TooManyReported},
    report,
    runner::{Jobs, Registry},
};
use crate::{
    protocol::{Event, Job, JobId, JobReport, JobState, ReportedPhase},
    server::{
        clock::now_ms,
        engine::{Ack, Unavailable},
    },
};
use tokio::time::Instant;

impl Jobs {
    /// Creates a reported job (validated by the caller) and publishes it.
    pub async fn create_reported(
        &self,
        title: &str,
        total: Option<u64>,
        phases: Option<&[ReportedPhase]>,
    ) -> Result<Job, CreateError> {
        if let Some(cluster) = &self.inner.engine {
            return self.create_shared(cluster, title, total, phases).await;
        }
        let (job, created) = self
            .create_here(title, total, phases)
            .map_err(|TooManyReported(max)| CreateError::TooMany(max))?;
        if let Err(e) = created.await {
            self.resync(job.id);
            return Err(CreateError::Unavailable(e));
        }
        Ok(job)
    }

    fn create_here(
        &self,
        title: &str,
        total: Option<u64>,
        phases: Option<&[ReportedPhase]>,
    ) -> Result<(Job, Ack), TooManyReported> {
        let inner = &self.inner;
        let mut registry = inner.lock_reported();
        if registry.jobs.len() >= inner.max_reported {
            return Err(TooManyReported(inner.max_reported));
        }
        let id = inner
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let job = report::new_job(id, title, total, phases, now_ms());
        let created = inner.journal.submit(Event::Job(job.clone()));
        registry.jobs.insert(id, (job.clone(), Instant::now()));
        drop(registry);
        self.watch_reported(id);
        Ok((job, created))
    }

    /// Applies a report to a running reported job and publishes the result.
    pub async fn report(&self, id: JobId, report: JobReport) -> Result<Job, ReportError> {
        if let Some(cluster) = &self.inner.engine {
            return self.report_shared(cluster, id, report).await;
        }
        let (job, applied) = self.report_here(id, report)?;
        if let Err(e) = applied.await {
            self.resync(id);
            return Err(ReportError::Unavailable(e));
        }
        Ok(job)
    }

    fn report_here(&self, id: JobId, report: JobReport) -> Result<(Job, Ack), ReportError> {
        let inner = &self.inner;
        let mut registry = inner.lock_reported();
        let Some((job, heard)) = registry.jobs.get_mut(&id) else {
            drop(registry);
            return Err(match self.state_of(id) {
                Some(state) if state.is_final() => ReportError::Ended(state),
                Some(state) => ReportError::Simulated(state),
                None => ReportError::NotFound,
            });
        };
        let next = report::apply(job, report, now_ms()).map_err(ReportError::Invalid)?;
        let applied = inner.journal.submit(Event::Job(next.clone()));
        if next.state.is_final() {
            registry.jobs.remove(&id);
        } else {
            (*job, *heard) = (next.clone(), Instant::now());
        }
        Ok((next, applied))
    }

    /// Ends a running reported job as `state`; `None` if it is not one. The answer comes
    /// once the final state is durable.
    pub(super) fn end_reported(
        &self,
        id: JobId,
        state: JobState,
        why: Option<String>,
    ) -> Option<impl Future<Output = Result<(), Unavailable>> + use<>> {
        let mut registry = self.inner.lock_reported();
        let ended = self.end(&mut registry, id, state, why)?;
        let jobs = self.clone();
        Some(async move {
            let outcome = ended.await.map(drop);
            if outcome.is_err() {
                jobs.resync(id);
            }
            outcome
        })
    }

    /// After a change the store refused (a full disk): the registry takes the job back as
    /// the hub has it, so the next report or cancel starts from what everyone saw.
    fn resync(&self, id: JobId) {
        let mut registry = self.inner.lock_reported();
        let shown = self
            .inner
            .hub
            .read(|s| s.jobs.iter().find(|j| j.id == id).cloned());
        match shown {
            Some(job) if job.reported && !job.state.is_final() => {
                registry.jobs.insert(id, (job, Instant::now()));
            }
            _ => {
                registry.jobs.remove(&id);
            }
        }
    }

    /// Removes the job from the registry and publishes its final state, under the lock.
    fn end(
        &self,
        registry: &mut Registry,
        id: JobId,
        state: JobState,
        why: Option<String>,
    ) -> Option<Ack> {
        let (mut job, _) = registry.jobs.remove(&id)?;
        job.state = state;
        job.error = why;
        job.updated_ms = now_ms();
        job.stamp(job.updated_ms);
        Some(self.inner.journal.submit(Event::Job(job)))
    }

    pub(super) fn state_of(&self, id: JobId) -> Option<JobState> {
        self.inner
            .hub
            .read(|s| s.jobs.iter().find(|j| j.id == id).map(|j| j.state))
    }
}

impl Jobs {
    /// Starts the watchdog of a running reported job.
    pub(super) fn watch_reported(&self, id: JobId) {
        self.inner.tasks.spawn(watch(self.clone(), id));
    }
}

/// Fails the job once its reporter has been silent for the timeout; on shutdown, cancels
/// it like every other job (kept on disk, it is left running for the next start).
async fn watch(jobs: Jobs, id: JobId) {
    while let Some(heard) = jobs.fail_if_silent(id) {
        tokio::select! {
            () = jobs.inner.shutdown.cancelled() => {
                // Kept on disk, a reported job outlives a restart and takes its next report.
                if !jobs.inner.journal.is_durable() {
                    let why = Some("the server shut down".into());
                    drop(jobs.end_reported(id, JobState::Cancelled, why));
                }
                return;
            }
            () = tokio::time::sleep_until(heard + jobs.inner.report_timeout) => {}
        }
    }
}

impl Jobs {
    /// Under one lock: ends the job `failed` if its reporter has been silent too long.
    /// Returns when it was last heard from while it still runs.
    fn fail_if_silent(&self, id: JobId) -> Option<Instant> {
        let timeout = self.inner.report_timeout;
        let mut registry = self.inner.lock_reported();
        let heard = registry.jobs.get(&id).map(|(_, at)| *at)?;
        if heard.elapsed() < timeout {
            return Some(heard);
        }
        let why = format!("no report for {} s", timeout.as_secs());
        drop(self.end(&mut registry, id, JobState::Failed, Some(why)));
        None
    }
}
