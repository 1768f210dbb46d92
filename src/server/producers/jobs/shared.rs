//! Reported jobs on a cluster: their state is the one Redis holds, so a reporter may talk
//! to any node. Every change (a report, a cancel, the silent-reporter timeout) is a
//! compare-and-set against that state ([`Cluster::change_job`], [`Cluster::end_job`]), so
//! two reports through two nodes at once cannot overwrite each other. Which are running,
//! and when each was last heard from, is a sorted set in Redis; the cluster's janitor ends
//! the silent ones.

use super::{
    errors::{CreateError, ReportError},
    report,
    runner::Jobs,
};
use crate::{
    protocol::{Event, Job, JobId, JobReport, ReportedPhase},
    server::{clock::now_ms, engine::Cluster},
};

impl Jobs {
    pub(super) async fn create_shared(
        &self,
        cluster: &Cluster,
        title: &str,
        total: Option<u64>,
        phases: Option<&[ReportedPhase]>,
    ) -> Result<Job, CreateError> {
        let max = self.inner.max_reported;
        let id = cluster
            .next_id("job")
            .await
            .map_err(CreateError::Unavailable)?;
        if !cluster
            .reserve_reported(id, max)
            .await
            .map_err(CreateError::Unavailable)?
        {
            return Err(CreateError::TooMany(max));
        }
        let job = report::new_job(id, title, total, phases, now_ms());
        if let Err(e) = cluster.publish(Event::Job(job.clone())).await {
            let _ = cluster.heard(id, false).await;
            return Err(CreateError::Unavailable(e));
        }
        Ok(job)
    }

    pub(super) async fn report_shared(
        &self,
        cluster: &Cluster,
        id: JobId,
        report: JobReport,
    ) -> Result<Job, ReportError> {
        let now = now_ms();
        let next = cluster
            .change_job(id, |job| match job {
                None => Err(ReportError::NotFound),
                Some(job) if job.state.is_final() => Err(ReportError::Ended(job.state)),
                Some(job) if !job.reported => Err(ReportError::Simulated(job.state)),
                Some(job) => report::apply(&job, report.clone(), now).map_err(ReportError::Invalid),
            })
            .await
            .map_err(ReportError::Unavailable)??;
        let _ = cluster.heard(id, !next.state.is_final()).await;
        Ok(next)
    }
}
