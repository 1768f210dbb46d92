//! One job as its page shows it (`/jobs/{id}`, `GET /api/jobs/{id}`), read under the
//! hub's lock so the job, its longer log and the head agree.

use super::Hub;
use crate::protocol::{EventId, Job, JobId, JobLines};

impl Hub {
    /// The job, its longer log (`logbook.rs`), and the newest event both include; `None`
    /// for a job no longer (or never) in the list.
    pub fn job_view(&self, id: JobId) -> Option<(Job, JobLines, EventId)> {
        let current = self.lock();
        let job = current.snapshot.jobs.iter().find(|j| j.id == id)?.clone();
        let log = current.logs.get(id).cloned().unwrap_or_default();
        Some((job, log, self.head(&current)))
    }
}
