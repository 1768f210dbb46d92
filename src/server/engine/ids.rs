//! Ids of jobs and toasts that never name two things, across restarts and lost stores.
//!
//! A log's ids are counted from its epoch: `epoch + 1`, `epoch + 2`, … The epoch is the
//! log's start in microseconds since the Unix epoch (a new process with `--ephemeral`, a new
//! data dir, a Redis that lost its data), so a later log starts above every id an earlier
//! one handed out unless that one made more than a million ids a second on average (jobs are
//! bounded and rate-limited far below that). A report naming an id from a lost log finds
//! no job, and is refused with 404, never applied to a job of the new one.
//!
//! Ids stay below 2^53 until the year 2255, so JavaScript reads them exactly.

/// The base ids of a log with this `epoch` are counted from.
pub fn base(epoch: u64) -> u64 {
    epoch
}
