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
    /// Takes over the jobs the hub's restored state shows unfinished. The `failed` states
    /// are queued before this returns (ahead of anything a client can do), and committed
    /// in the background.
    pub fn recover(&self) {
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
            let failed = self.inner.journal.submit(Event::Job(job));
            tokio::spawn(async move {
                if let Err(e) = failed.await {
                    tracing::warn!("a job interrupted by the restart stays as it was: {e}");
                }
            });
        }
    }
}
