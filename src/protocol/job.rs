//! Long-running server jobs as clients see them ([`Job`]); requests are in `job_spec.rs`.

use super::Millis;
use serde::{Deserialize, Serialize};

pub type JobId = u64;

/// The four shapes of work the dashboard knows how to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// N equal steps: a plain percentage.
    Percent,
    /// Weighted named phases (validate, process, finalize): phase and overall progress.
    Phases,
    /// N items processed one by one, some of which fail.
    Batch,
    /// Indeterminate: log lines, no percentage.
    Logs,
}

impl JobKind {
    pub const ALL: [JobKind; 4] = [
        JobKind::Percent,
        JobKind::Phases,
        JobKind::Batch,
        JobKind::Logs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Percent => "percent",
            JobKind::Phases => "phases",
            JobKind::Batch => "batch",
            JobKind::Logs => "logs",
        }
    }
}

/// Lifecycle of a job. The last three are final: nothing follows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl JobState {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Completed | JobState::Failed | JobState::Cancelled
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Completed => "completed",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }
}

/// One phase of a `phases` job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseProgress {
    pub name: String,
    pub weight: f64,
    /// 0.0 ..= 1.0 within this phase.
    pub progress: f64,
}

/// A failed item of a `batch` job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemError {
    pub item: u32,
    pub message: String,
}

/// The kind-specific part of a job's progress. Written with its `kind` beside its fields;
/// read in one pass through `job_detail_wire.rs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    try_from = "super::job_detail_wire::Fields"
)]
pub enum JobDetail {
    Percent {
        done: u32,
        total: u32,
    },
    Phases {
        phases: Vec<PhaseProgress>,
        current: usize,
    },
    Batch {
        total: u32,
        succeeded: u32,
        failed: u32,
        errors: Vec<ItemError>,
    },
    /// Indeterminate: no percentage; the job's log tells its story.
    Logs,
    /// Counted work reported from outside: `done` of `total`, and how many items succeeded
    /// and failed if the reporter says (with the newest failures' messages).
    Counted {
        done: u64,
        total: u64,
        succeeded: u64,
        failed: u64,
        errors: Vec<String>,
    },
}

/// The newest lines a job logged (at most [`Job::MAX_LOG_LINES`], oldest first) and how
/// many it logged in all.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobLog {
    pub lines: Vec<String>,
    pub total: u64,
}

impl JobLog {
    /// Appends lines, dropping the oldest beyond the bound; the lines of this one change
    /// are all kept (a report may carry up to 100), so whoever follows the job's events
    /// sees every line once (the job page's longer log, `state/job_log.rs`).
    pub fn push(&mut self, lines: impl IntoIterator<Item = String>) {
        let before = self.total;
        for line in lines {
            self.lines.push(line);
            self.total += 1;
        }
        let added = (self.total - before) as usize;
        let excess = self
            .lines
            .len()
            .saturating_sub(Job::MAX_LOG_LINES.max(added));
        self.lines.drain(..excess);
    }

    /// The newest lines, at most [`Job::MAX_LOG_LINES`] of them (what a card shows).
    pub fn newest(&self) -> &[String] {
        &self.lines[self.lines.len().saturating_sub(Job::MAX_LOG_LINES)..]
    }
}

/// When a job started running, when each of its phases began (by index, as far as it got)
/// and when it ended. Stamped by whoever changes the job ([`Job::stamp`], with the time
/// of the change), so every event carries it and every store keeps it as it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases_ms: Vec<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_ms: Option<Millis>,
}

impl Timeline {
    pub fn is_empty(&self) -> bool {
        *self == Timeline::default()
    }
}

/// A job as the dashboard shows it. Every `job` event carries the whole (small) job, so a
/// client that missed some events is still exactly right after the next one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub title: String,
    pub state: JobState,
    /// Overall progress 0.0 ..= 1.0; `None` for indeterminate (log-only) jobs.
    pub progress: Option<f64>,
    pub detail: JobDetail,
    /// Why the job failed, when it did.
    pub error: Option<String>,
    /// The status line its reporter sent last (reported jobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default)]
    pub log: JobLog,
    /// Driven from outside (`POST /api/jobs/{id}/report`) rather than simulated here.
    #[serde(default)]
    pub reported: bool,
    pub created_ms: Millis,
    pub updated_ms: Millis,
    #[serde(default, skip_serializing_if = "Timeline::is_empty")]
    pub timeline: Timeline,
}

impl Job {
    /// Log lines a job keeps (the oldest go first; a change that logged more keeps all of
    /// its own, up to a report's 100); every snapshot carries them.
    pub const MAX_LOG_LINES: usize = 20;
    /// Item failures a job keeps, newest last.
    pub const MAX_ITEM_ERRORS: usize = 8;

    /// Stamps the timeline after a change at `now`: the start when it first runs, each
    /// phase when it is first current, the end when it first reaches a final state.
    pub fn stamp(&mut self, now: Millis) {
        let t = &mut self.timeline;
        if self.state != JobState::Queued && t.started_ms.is_none() {
            t.started_ms = Some(now);
        }
        if let (JobDetail::Phases { current, .. }, Some(started)) = (&self.detail, t.started_ms) {
            while t.phases_ms.len() <= *current {
                let first = t.phases_ms.is_empty();
                t.phases_ms.push(if first { started } else { now });
            }
        }
        if self.state.is_final() && t.ended_ms.is_none() {
            t.ended_ms = Some(now);
        }
    }

    /// Progress as a whole percentage, for `aria-valuenow` and labels.
    pub fn percent(&self) -> Option<u32> {
        self.progress
            .map(|p| (p.clamp(0.0, 1.0) * 100.0).round() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeline_is_stamped_once_per_change() {
        let mut job = Job {
            id: 1,
            title: "t".into(),
            state: JobState::Queued,
            progress: Some(0.0),
            detail: JobDetail::Phases {
                phases: Vec::new(),
                current: 0,
            },
            error: None,
            message: None,
            log: JobLog::default(),
            reported: false,
            created_ms: 100,
            updated_ms: 100,
            timeline: Timeline::default(),
        };
        job.stamp(100);
        assert!(job.timeline.is_empty(), "queued: nothing yet");
        job.state = JobState::Running;
        job.stamp(150);
        job.stamp(200);
        job.detail = JobDetail::Phases {
            phases: Vec::new(),
            current: 2,
        };
        job.stamp(300);
        job.state = JobState::Completed;
        job.stamp(400);
        job.stamp(500);
        assert_eq!(job.timeline.started_ms, Some(150));
        assert_eq!(job.timeline.phases_ms, vec![150, 300, 300]);
        assert_eq!(job.timeline.ended_ms, Some(400));
    }
}
