//! The body of `POST /api/jobs/{id}/report`: what a reporter says about its job's progress.
//! Every field is optional; what is given is checked against the job (`server/producers/jobs/report.rs`)
//! and applied all together or not at all.

use serde::{Deserialize, Serialize};

/// One line or several (`"log": "..."` or `"log": ["...", "..."]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Lines {
    One(String),
    Many(Vec<String>),
}

impl Lines {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            Lines::One(line) => vec![line],
            Lines::Many(lines) => lines,
        }
    }
}

/// How a reporter ends its job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportedEnd {
    Completed,
    Failed,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobReport {
    /// Counted jobs: items done so far (absolute, so a retried report does no harm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<u64>,
    /// Counted jobs: a corrected total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Phased jobs: the phase now under way (by name); the phase fields below apply to it,
    /// or to the current phase when it is not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_done: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_total: Option<u64>,
    /// 0 to 1 within the phase, instead of `phase_done`/`phase_total`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_progress: Option<f64>,
    /// The current status line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Lines to append to the job's log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<Lines>,
    /// Counted jobs: items that succeeded and failed so far (absolute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeded: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<u64>,
    /// Counted jobs: messages of failed items, appended (the newest are kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<String>>,
    /// Ends the job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ReportedEnd>,
    /// Why it failed, with `"state": "failed"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl JobReport {
    /// Longest status line, log line, item error or failure reason.
    pub const MAX_TEXT: usize = 200;
    /// Most log lines or item errors one report may carry.
    pub const MAX_LINES: usize = 100;
}
