//! Why an operation on jobs was refused: each caller (`app_state/operations.rs`) turns these into
//! the API's status and message.

use crate::{protocol::JobState, server::engine::Unavailable};

/// A start refused because `running + queued` jobs already wait for their turn.
#[derive(Debug, PartialEq, Eq)]
pub struct QueueFull {
    pub queued: usize,
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

/// Why a report was refused.
#[derive(Debug)]
pub enum ReportError {
    NotFound,
    /// The job ended: its state, for the reporter to act on (e.g. `cancelled`).
    Ended(JobState),
    /// The job is simulated here; nobody reports it.
    Simulated(JobState),
    Invalid(String),
    /// On a cluster: Redis cannot take the report now.
    Unavailable(Unavailable),
}

/// A start refused because `--max-reported-jobs` are still running.
#[derive(Debug, PartialEq, Eq)]
pub struct TooManyReported(pub usize);

/// Why a reported job was not created.
#[derive(Debug)]
pub enum CreateError {
    /// `--max-reported-jobs` are running (in the whole cluster).
    TooMany(usize),
    Unavailable(Unavailable),
}
