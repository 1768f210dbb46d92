//! The CLI's exit codes, documented in the README ("Exit codes"); scripts branch on them.
//!
//! `livedash run` exits with its command's own status instead, except where noted. Bad
//! usage (an unknown flag, a value out of range) exits 2, clap's own code.

/// The server refused a request (4xx or 5xx); the message says why.
pub const REFUSED: u8 = 1;
/// The server could not be reached.
pub const UNREACHABLE: u8 = 3;
/// `watch JOB`: the job failed.
pub const JOB_FAILED: u8 = 4;
/// `watch JOB`: the job was cancelled.
pub const JOB_CANCELLED: u8 = 5;
/// `watch JOB`: the server does not know the job, or lost it in a restart.
pub const JOB_UNKNOWN: u8 = 6;
/// `run`: the command could not be executed (as in a shell).
pub const CANNOT_EXECUTE: u8 = 126;
/// `run`: the command was not found (as in a shell).
pub const NOT_FOUND: u8 = 127;
/// `run`: the job was cancelled (from the dashboard, the API, or Ctrl-C) and the command
/// terminated; also `watch` ended by Ctrl-C.
pub const INTERRUPTED: u8 = 130;
