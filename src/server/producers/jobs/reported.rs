//! Reported jobs: work done elsewhere, driven by its owner's reports. They take no
//! simulation slot (they are `running` from creation) but are bounded in number
//! (`--max-reported-jobs`), and a reporter that goes silent for `--report-timeout-secs`
//! has its job end `failed`, so nothing stays `running` forever.
//!
//! Every change is published while the registry's lock is held, so a report, a cancel and
//! the watchdog cannot interleave: whichever ends the job first wins, and the others see it
//! ended.

use super::{
    errors::{CreateError, ReportError, TooManyReported},
    report,
    runner::{Jobs, Registry},
};
use crate::{
    protocol::{Event, Job, JobId, JobReport, JobState, ReportedPhase},
    server::clock::now_ms,
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
        self.create_here(title, total, phases)
            .map_err(|TooManyReported(max)| CreateError::TooMany(max))
    }

    fn create_here(
        &self,
        title: &str,
        total: Option<u64>,
        phases: Option<&[ReportedPhase]>,
    ) -> Result<Job, TooManyReported> {
        let inner = &self.inner;
        let mut registry = inner.lock_reported();
        if registry.jobs.len() >= inner.max_reported {
            return Err(TooManyReported(inner.max_reported));
        }
        let id = inner
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let job = report::new_job(id, title, total, phases, now_ms());
        inner.hub.publish(Event::Job(job.clone()));
        registry.jobs.insert(id, (job.clone(), Instant::now()));
        drop(registry);
        inner.tasks.spawn(watch(self.clone(), id));
        Ok(job)
    }

    /// Applies a report to a running reported job and publishes the result.
    pub async fn report(&self, id: JobId, report: JobReport) -> Result<Job, ReportError> {
        if let Some(cluster) = &self.inner.engine {
            return self.report_shared(cluster, id, report).await;
        }
        self.report_here(id, report)
    }

    fn report_here(&self, id: JobId, report: JobReport) -> Result<Job, ReportError> {
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
        inner.hub.publish(Event::Job(next.clone()));
        if next.state.is_final() {
            registry.jobs.remove(&id);
        } else {
            (*job, *heard) = (next.clone(), Instant::now());
        }
        Ok(next)
    }

    /// Ends a running reported job as `state`; `false` if it is not one.
    pub(super) fn end_reported(&self, id: JobId, state: JobState, why: Option<String>) -> bool {
        let mut registry = self.inner.lock_reported();
        self.end(&mut registry, id, state, why)
    }

    /// Removes the job from the registry and publishes its final state, under the lock.
    fn end(
        &self,
        registry: &mut Registry,
        id: JobId,
        state: JobState,
        why: Option<String>,
    ) -> bool {
        let Some((mut job, _)) = registry.jobs.remove(&id) else {
            return false;
        };
        job.state = state;
        job.error = why;
        job.updated_ms = now_ms();
        self.inner.hub.publish(Event::Job(job));
        true
    }

    pub(super) fn state_of(&self, id: JobId) -> Option<JobState> {
        self.inner
            .hub
            .read(|s| s.jobs.iter().find(|j| j.id == id).map(|j| j.state))
    }
}

/// Fails the job once its reporter has been silent for the timeout; on shutdown, cancels
/// it like every other job.
async fn watch(jobs: Jobs, id: JobId) {
    while let Some(heard) = jobs.fail_if_silent(id) {
        tokio::select! {
            () = jobs.inner.shutdown.cancelled() => {
                jobs.end_reported(id, JobState::Cancelled, Some("the server shut down".into()));
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
        self.end(&mut registry, id, JobState::Failed, Some(why));
        None
    }
}
