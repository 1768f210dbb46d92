//! What a job's own page (`/jobs/{id}`) reads beyond the job itself: its longer log.

use super::{EventId, Job};
use serde::{Deserialize, Serialize};

/// A job's longer log as kept for its page: the newest lines, at most [`JobLines::MAX`],
/// and how many came before them (dropped by the bound, or logged before this server
/// knew the job). Followed from the job's events (`state/job_log.rs`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobLines {
    pub skipped: u64,
    pub lines: Vec<String>,
}

impl JobLines {
    /// Lines kept per job. A line is at most 200 characters (`JobReport::MAX_TEXT`), and
    /// only the jobs of the list (at most 12) have one: at most ~1.2 MB of ASCII (4.8 MB
    /// of 4-byte characters) a server holds for all job pages.
    pub const MAX: usize = 500;

    /// How many lines the job had logged when these were its newest.
    pub fn total(&self) -> u64 {
        self.skipped + self.lines.len() as u64
    }
}

/// `GET /api/jobs/{id}`: the job, its longer log, and the newest event they include (a
/// stream for the job resumes after it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    pub job: Job,
    pub log: JobLines,
    pub head: EventId,
}
