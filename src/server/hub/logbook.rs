//! The longer log of each job in the list, for the job pages: followed from the job
//! events the hub folds (`state/job_log.rs`), so every node of a cluster keeps its own
//! from the same events. Bounded: [`JobLines::MAX`] lines for each job still in the list
//! (at most `state::jobs::MAX_JOBS`); a job's lines go when it leaves the list.
//!
//! In memory: after a restart a job's log holds the lines of the events still in the
//! replay window and, at least, the newest lines its state carries (README "Pages").

use crate::protocol::{Job, JobId, JobLines};
use std::collections::HashMap;

#[derive(Default)]
pub(super) struct LogBook {
    logs: HashMap<JobId, JobLines>,
}

impl LogBook {
    /// Follows the job as the state now holds it (a late event for a finished job changes
    /// nothing there, nor here), and forgets the jobs that left the list.
    pub(super) fn followed(&mut self, jobs: &[Job], id: JobId) {
        if let Some(job) = jobs.iter().find(|j| j.id == id) {
            crate::state::job_log::follow(self.logs.entry(id).or_default(), &job.log);
        }
        self.logs.retain(|id, _| jobs.iter().any(|j| j.id == *id));
    }

    /// After the state was replaced (a restore, a snapshot): every job of the list is
    /// followed from what it carries; a longer log that is still as new stays.
    pub(super) fn seed(&mut self, jobs: &[Job]) {
        self.logs.retain(|id, _| jobs.iter().any(|j| j.id == *id));
        for job in jobs {
            crate::state::job_log::follow(self.logs.entry(job.id).or_default(), &job.log);
        }
    }

    /// The longer log of job `id`, if the list holds it.
    pub(super) fn get(&self, id: JobId) -> Option<&JobLines> {
        self.logs.get(&id)
    }
}
