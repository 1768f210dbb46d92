//! Jobs after a restart on the same data dir: reported jobs go on (their reporter keeps
//! reporting to the same id, and has the full silence timeout from now), and simulated jobs
//! that were queued or running end `failed` with "the server restarted": their task died
//! with the old process, and none may stay `running`.

use super::runner::Jobs;
use crate::{
    protocol::{Event, JobState},
    server::clock::now_ms,
};
use tokio::time::Instant;

impl Jobs {
    /// Takes over the jobs the hub's restored state shows unfinished; returns once the
    /// `failed` states are committed (the server accepts no client before that).
    pub async fn recover(&self) {
        let unfinished: Vec<_> = self.inner.hub.read(|s| {
            s.jobs
                .iter()
                .filter(|j| !j.state.is_final())
                .cloned()
                .collect()
        });
        for mut job in unfinished {
            if job.reported && job.state == JobState::Running {
                let id = job.id;
                self.inner
                    .lock_reported()
                    .jobs
                    .insert(id, (job, Instant::now()));
                self.watch_reported(id);
                continue;
            }
            job.state = JobState::Failed;
            job.error = Some("the server restarted".into());
            job.updated_ms = now_ms();
            job.stamp(job.updated_ms);
            if let Err(e) = self.inner.journal.publish(Event::Job(job)).await {
                tracing::warn!("a job interrupted by the restart stays as it was: {e}");
            }
        }
    }
}
