//! How `watch` shows jobs: progress bars (indicatif) on a terminal, and otherwise one line
//! per change, so its output can be piped, logged and tested.

use crate::protocol::{Job, JobDetail, JobId, JobState};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::{collections::HashMap, io::IsTerminal, time::Duration};

/// Steps of a bar: progress is shown to a tenth of a percent.
const STEPS: u64 = 1000;

pub enum View {
    Bars {
        multi: MultiProgress,
        bars: HashMap<JobId, ProgressBar>,
        logged: HashMap<JobId, u64>,
    },
    Lines {
        /// Per job: what was printed last, and how many log lines were seen.
        shown: HashMap<JobId, (String, u64)>,
    },
}

impl View {
    pub fn new() -> View {
        if std::io::stderr().is_terminal() {
            View::Bars {
                multi: MultiProgress::new(),
                bars: HashMap::new(),
                logged: HashMap::new(),
            }
        } else {
            View::Lines {
                shown: HashMap::new(),
            }
        }
    }

    /// Shows `job` as it is now, and the log lines it gained since it was last shown.
    pub fn update(&mut self, job: &Job) {
        match self {
            View::Bars {
                multi,
                bars,
                logged,
            } => {
                for line in new_lines(job, logged.insert(job.id, job.log.total)) {
                    let _ = multi.println(format!("#{} │ {line}", job.id));
                }
                let bar = bars.entry(job.id).or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new(STEPS));
                    bar.set_prefix(format!("#{} {}", job.id, shorten(&job.title, 32)));
                    bar
                });
                show_on_bar(bar, job);
            }
            View::Lines { shown } => {
                let seen = shown.get(&job.id).map(|(_, total)| *total);
                for line in new_lines(job, seen) {
                    println!("job {} | {line}", job.id);
                }
                let summary = summary(job);
                let before = shown.insert(job.id, (summary.clone(), job.log.total));
                if before.is_none_or(|(last, _)| last != summary) {
                    println!("job {} {:?}: {summary}", job.id, job.title);
                }
            }
        }
    }

    /// A line about the connection, not a job.
    pub fn note(&mut self, text: &str) {
        match self {
            View::Bars { multi, .. } => {
                let _ = multi.println(format!("livedash: {text}"));
            }
            View::Lines { .. } => eprintln!("livedash: {text}"),
        }
    }

    /// Forgets every job shown (their bars go).
    pub fn reset(&mut self) {
        match self {
            View::Bars {
                multi,
                bars,
                logged,
            } => {
                let _ = multi.clear();
                bars.drain().for_each(|(_, bar)| multi.remove(&bar));
                logged.clear();
            }
            View::Lines { shown } => shown.clear(),
        }
    }

    /// Leaves the terminal clean: bars of jobs still running are cleared.
    pub fn clear(&mut self) {
        if let View::Bars { multi, .. } = self {
            let _ = multi.clear();
        }
    }
}

fn show_on_bar(bar: &ProgressBar, job: &Job) {
    let style = match (job.progress, job.state.is_final()) {
        (None, false) => ProgressStyle::with_template("{spinner} {prefix:.bold} {msg}"),
        _ => {
            ProgressStyle::with_template("{prefix:.bold} [{bar:30.cyan/blue}] {percent:>3}% {msg}")
        }
    };
    bar.set_style(
        style
            .expect("the templates are valid")
            .progress_chars("█▌ "),
    );
    if job.progress.is_none() && !job.state.is_final() {
        bar.enable_steady_tick(Duration::from_millis(120));
    }
    let position = (job.progress.unwrap_or(0.0).clamp(0.0, 1.0) * STEPS as f64) as u64;
    let text = detail(job, true);
    // The message first: a redraw between the two never pairs a new bar with an old phase.
    match job.state {
        JobState::Completed => {
            bar.set_position(position);
            bar.finish_with_message(format!("✔ completed {text}"));
        }
        JobState::Failed | JobState::Cancelled => {
            bar.set_position(position);
            bar.abandon_with_message(state_line(job));
        }
        JobState::Queued | JobState::Running => {
            bar.set_message(text);
            bar.set_position(position);
        }
    }
}

/// The log lines `job` has that were not shown yet (`seen` of its total were).
fn new_lines(job: &Job, seen: Option<u64>) -> impl Iterator<Item = &String> {
    let fresh = job.log.total.saturating_sub(seen.unwrap_or(0)) as usize;
    let kept = job.log.lines.len();
    job.log.lines[kept - fresh.min(kept)..].iter()
}

/// One line for a change worth printing: state, whole percent in steps of ten, phase and
/// status line.
fn summary(job: &Job) -> String {
    match job.state {
        JobState::Queued | JobState::Running => {
            let step = job.percent().map(|p| format!("{}%", p / 10 * 10));
            [
                Some(job.state.as_str().to_owned()),
                step,
                Some(detail(job, false)),
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
        }
        _ => state_line(job),
    }
}

fn state_line(job: &Job) -> String {
    match (&job.state, &job.error) {
        (JobState::Failed, Some(error)) => format!("✘ failed: {error}"),
        (JobState::Cancelled, _) => "✘ cancelled".to_owned(),
        (state, _) => state.as_str().to_owned(),
    }
}

/// Phase, counts (with `counts`) and status line, as far as the job has them.
fn detail(job: &Job, counts: bool) -> String {
    let mut parts = Vec::new();
    match &job.detail {
        JobDetail::Phases { phases, current } => {
            if let Some(phase) = phases.get(*current) {
                parts.push(format!(
                    "phase {} ({}/{})",
                    phase.name,
                    current + 1,
                    phases.len()
                ));
            }
        }
        JobDetail::Counted { done, total, .. } if counts => parts.push(format!("{done}/{total}")),
        JobDetail::Percent { done, total } if counts => parts.push(format!("{done}/{total}")),
        JobDetail::Batch {
            succeeded,
            failed,
            total,
            ..
        } if counts => parts.push(format!("{}/{total}, {failed} failed", succeeded + failed)),
        _ => {}
    }
    if let Some(message) = &job.message {
        parts.push(format!("— {message}"));
    }
    parts.join(" ")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('…');
    short
}
