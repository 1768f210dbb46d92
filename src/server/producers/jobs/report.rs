//! Reported jobs as a pure state machine: a new job's first state, and a report applied to
//! a job all together or not at all. The message of a refused report names the field.

use crate::protocol::{
    Job, JobDetail, JobReport, JobSpec, JobState, PhaseProgress, ReportedEnd, ReportedPhase,
};

const MAX_TEXT: usize = JobReport::MAX_TEXT;
const MAX_LINES: usize = JobReport::MAX_LINES;

/// A reported job, `running` from creation; its shape follows `total` / `phases`.
pub fn new_job(
    id: u64,
    title: &str,
    total: Option<u64>,
    phases: Option<&[ReportedPhase]>,
    now: u64,
) -> Job {
    let detail = match (total, phases) {
        (Some(total), _) => JobDetail::Counted {
            done: 0,
            total,
            succeeded: 0,
            failed: 0,
            errors: Vec::new(),
        },
        (None, Some(phases)) => JobDetail::Phases {
            phases: phases
                .iter()
                .map(|p| PhaseProgress {
                    name: p.name.trim().to_owned(),
                    weight: p.weight,
                    progress: 0.0,
                })
                .collect(),
            current: 0,
        },
        (None, None) => JobDetail::Logs,
    };
    let mut job = Job {
        id,
        title: title.trim().to_owned(),
        state: JobState::Running,
        progress: (!matches!(detail, JobDetail::Logs)).then_some(0.0),
        detail,
        error: None,
        message: None,
        log: Default::default(),
        reported: true,
        created_ms: now,
        updated_ms: now,
        timeline: Default::default(),
    };
    job.stamp(now);
    job
}

/// `job` (running) after `report`, or why the report is refused; `job` is not touched.
pub fn apply(job: &Job, report: JobReport, now: u64) -> Result<Job, String> {
    let mut next = job.clone();
    let phase_progress = phase_progress(&report)?;
    if let Some(message) = report.message {
        let message = text("message", message)?;
        next.message = (!message.is_empty()).then_some(message);
    }
    if let Some(lines) = report.log {
        next.log.push(lines_of("log", lines.into_vec())?);
    }
    let counted = [
        ("done", report.done.is_some()),
        ("total", report.total.is_some()),
        ("succeeded", report.succeeded.is_some()),
        ("failed", report.failed.is_some()),
        ("errors", report.errors.is_some()),
    ];
    let phased = [
        ("phase", report.phase.is_some()),
        ("phase_done", report.phase_done.is_some()),
        ("phase_total", report.phase_total.is_some()),
        ("phase_progress", report.phase_progress.is_some()),
    ];
    // A log-only job becomes counted once its reporter knows the total (as `livedash run`
    // does at a command's first `::progress 3/10`); a phased one keeps its phases.
    if matches!(next.detail, JobDetail::Logs) && report.total.is_some() {
        next.detail = JobDetail::Counted {
            done: 0,
            total: 0,
            succeeded: 0,
            failed: 0,
            errors: Vec::new(),
        };
    }
    match &next.detail {
        JobDetail::Counted { .. } => refuse_fields(&phased, "jobs created with `phases`")?,
        JobDetail::Phases { .. } => refuse_fields(&counted, "jobs with a `total`")?,
        _ => {
            refuse_fields(&counted, "jobs with a `total`")?;
            refuse_fields(&phased, "jobs created with `phases`")?;
        }
    }
    if let JobDetail::Counted {
        done,
        total,
        succeeded,
        failed,
        errors,
    } = &mut next.detail
    {
        if let Some(new_total) = report.total {
            if !(1..=JobSpec::MAX_TOTAL).contains(&new_total) {
                return Err(format!(
                    "`total` must be between 1 and {}",
                    JobSpec::MAX_TOTAL
                ));
            }
            *total = new_total;
        }
        *succeeded = report.succeeded.unwrap_or(*succeeded);
        *failed = report.failed.unwrap_or(*failed);
        *done = report.done.unwrap_or(*done).max(*succeeded + *failed);
        if *done > *total {
            return Err(format!("`done` ({done}) must not exceed `total` ({total})"));
        }
        if let Some(new) = report.errors {
            errors.extend(lines_of("errors", new)?);
            let excess = errors.len().saturating_sub(Job::MAX_ITEM_ERRORS);
            errors.drain(..excess);
        }
        next.progress = Some(*done as f64 / *total as f64);
    }
    if let JobDetail::Phases { phases, current } = &mut next.detail {
        if let Some(name) = &report.phase {
            let index = phases
                .iter()
                .position(|p| p.name == name.trim())
                .ok_or_else(|| format!("`phase`: this job has no phase named `{}`", name.trim()))?;
            // Moving on means the phases before are complete.
            for phase in &mut phases[..index] {
                phase.progress = 1.0;
            }
            *current = index;
        }
        if let Some(progress) = phase_progress {
            phases[*current].progress = progress;
        }
        let weight: f64 = phases.iter().map(|p| p.weight).sum();
        let done: f64 = phases.iter().map(|p| p.weight * p.progress).sum();
        next.progress = Some(done / weight);
    }
    if report.error.is_some() && report.state != Some(ReportedEnd::Failed) {
        return Err("`error` goes with `\"state\": \"failed\"`".into());
    }
    match report.state {
        Some(ReportedEnd::Completed) => {
            next.state = JobState::Completed;
            if let JobDetail::Counted { done, total, .. } = &mut next.detail {
                *done = *total;
            }
            if let JobDetail::Phases { phases, .. } = &mut next.detail {
                phases.iter_mut().for_each(|p| p.progress = 1.0);
            }
            next.progress = next.progress.map(|_| 1.0);
        }
        Some(ReportedEnd::Failed) => {
            next.state = JobState::Failed;
            let reason = report.error.map(|e| text("error", e)).transpose()?;
            next.error = Some(reason.unwrap_or_else(|| "the reporter said it failed".into()));
        }
        None => {}
    }
    next.updated_ms = now;
    next.stamp(next.updated_ms);
    Ok(next)
}

/// The phase's progress from `phase_progress`, or `phase_done` of `phase_total`.
fn phase_progress(report: &JobReport) -> Result<Option<f64>, String> {
    match (report.phase_progress, report.phase_done, report.phase_total) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            Err("give `phase_progress` or `phase_done`/`phase_total`, not both".into())
        }
        (Some(p), None, None) if (0.0..=1.0).contains(&p) => Ok(Some(p)),
        (Some(p), None, None) => Err(format!("`phase_progress` must be between 0 and 1, got {p}")),
        (None, Some(done), Some(total)) if total >= 1 && done <= total => {
            Ok(Some(done as f64 / total as f64))
        }
        (None, Some(done), Some(total)) => Err(format!(
            "`phase_done` ({done}) must be between 0 and `phase_total` ({total}), which must be at least 1"
        )),
        (None, Some(_), None) => Err("`phase_done` needs `phase_total`".into()),
        (None, None, Some(_)) => Err("`phase_total` needs `phase_done`".into()),
        (None, None, None) => Ok(None),
    }
}

fn refuse_fields(fields: &[(&str, bool)], applies_to: &str) -> Result<(), String> {
    match fields.iter().find(|(_, given)| *given) {
        Some((name, _)) => Err(format!("`{name}` applies only to {applies_to}")),
        None => Ok(()),
    }
}

/// A line of at most [`MAX_TEXT`] characters, trailing white space removed.
fn text(field: &str, value: String) -> Result<String, String> {
    let value = value.trim_end().to_owned();
    if value.chars().count() > MAX_TEXT {
        return Err(format!("`{field}` is longer than {MAX_TEXT} characters"));
    }
    Ok(value)
}

/// At most [`MAX_LINES`] lines of at most [`MAX_TEXT`] characters each.
fn lines_of(field: &str, lines: Vec<String>) -> Result<Vec<String>, String> {
    if lines.len() > MAX_LINES {
        return Err(format!("`{field}` carries more than {MAX_LINES} lines"));
    }
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| text(&format!("{field}[{i}]"), line))
        .collect()
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
