//! Runs jobs as tokio tasks: at most N at once (the rest stay `queued`), each stoppable.
//! The queue is bounded too (`--max-queued-jobs`): beyond it a start is refused, so no
//! client can make the server hold, or every snapshot carry, an unbounded list of jobs.
//!
//! Cancelling fires the job's token; the task notices before its next step, publishes the
//! `cancelled` state as its last event and exits, so no progress follows a cancellation.
//!
//! On a cluster (the Redis engine) a simulated job runs on the node that started it, and
//! its events go through the engine's log. A cancel that reaches another node publishes the
//! job `cancelled` there; the running node sees its job final in its hub before the next
//! step and stops (a final state is final everywhere, so nothing it sent late counts). If
//! the node dies, the cluster's janitor fails its jobs (`engine/janitor.rs`). Reported jobs
//! are not taken on a cluster yet.

/// The life of one simulated job, as a task.
mod drive;
/// Why an operation on jobs was refused.
mod errors;
/// Jobs after a restart on the same data dir.
mod recover;
/// Reported jobs as a pure state machine.
mod report;
/// Reported jobs on one node: created, reported, ended, watched for silence.
mod reported;
/// The job runner and the state the other files work on.
mod runner;
/// Reported jobs on a cluster, through Redis.
mod shared;
/// What each simulated job kind does per step.
mod work;

pub use errors::{CancelError, CreateError, QueueFull, ReportError, StartError};
pub use runner::{JobLimits, Jobs};
