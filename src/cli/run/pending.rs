//! What `livedash run` has yet to report: log lines gathered between reports (so a chatty
//! command costs a request every quarter second, not one per line) and the newest progress.
//! Progress is checked here against the job's shape, so a bad `::progress` line is refused
//! with a warning and never costs the log lines sent with it.

use super::directive::Directive;
use crate::protocol::{JobReport, JobSpec, Lines};

/// Lines kept while the server cannot be reached; beyond, the oldest are dropped (and said
/// so in the log).
const MAX_BUFFERED: usize = 10_000;

/// The job's shape as far as progress goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// Log lines only, until a `::progress` gives it a total.
    Open,
    Counted {
        total: u64,
    },
    Phased {
        names: Vec<String>,
    },
}

#[derive(Debug)]
pub struct Pending {
    shape: Shape,
    lines: std::collections::VecDeque<String>,
    dropped: u64,
    /// Progress fields not yet sent (the newest of each).
    progress: JobReport,
}

impl Pending {
    pub fn new(shape: Shape) -> Pending {
        Pending {
            shape,
            lines: Default::default(),
            dropped: 0,
            progress: JobReport::default(),
        }
    }

    pub fn line(&mut self, line: &str) {
        if self.lines.len() == MAX_BUFFERED {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(fit(line));
    }

    /// Applies a directive, or says why it does not fit this job.
    pub fn directive(&mut self, directive: Directive) -> Result<(), String> {
        let p = &mut self.progress;
        match (directive, &self.shape) {
            (Directive::Message(text), _) => p.message = Some(fit(&text)),
            (Directive::Phase(name), Shape::Phased { names }) => {
                if !names.contains(&name) {
                    return Err(format!(
                        "no phase named `{name}` (declared: {})",
                        names.join(", ")
                    ));
                }
                (p.phase, p.phase_done, p.phase_total) = (Some(name), None, None);
                p.phase_progress = Some(0.0);
            }
            (Directive::Phase(_), _) => {
                return Err("`::phase` needs phases: declare them with `--phase NAME`".into());
            }
            (Directive::Progress { done, total }, Shape::Phased { .. }) => {
                let total = total.ok_or("`::progress N` needs a total: `N/TOTAL` or `N%`")?;
                (p.phase_done, p.phase_total, p.phase_progress) = (Some(done), Some(total), None);
            }
            (Directive::Percent(percent), Shape::Phased { .. }) => {
                (p.phase_done, p.phase_total) = (None, None);
                p.phase_progress = Some(percent / 100.0);
            }
            (Directive::Progress { done, total }, shape) => {
                let known = match shape {
                    Shape::Counted { total } => Some(*total),
                    _ => None,
                };
                let total = total
                    .or(known)
                    .ok_or("`::progress N` needs a total: `N/TOTAL`, `N%` or `--total`")?;
                if total > JobSpec::MAX_TOTAL {
                    return Err(format!("a total is at most {}", JobSpec::MAX_TOTAL));
                }
                if done > total {
                    return Err(format!("{done} is more than the total, {total}"));
                }
                (p.done, p.total) = (Some(done), Some(total));
                self.shape = Shape::Counted { total };
            }
            (Directive::Percent(percent), shape) => {
                let total = match shape {
                    Shape::Counted { total } => *total,
                    _ => 100,
                };
                let done = (percent / 100.0 * total as f64).round() as u64;
                (p.done, p.total) = (Some(done.min(total)), Some(total));
                self.shape = Shape::Counted { total };
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.dropped == 0 && self.progress == JobReport::default()
    }

    /// The next report: the progress and up to the most lines one report may carry.
    pub fn take(&mut self) -> JobReport {
        let mut lines = Vec::new();
        if self.dropped > 0 {
            let n = std::mem::take(&mut self.dropped);
            lines.push(format!(
                "[livedash: {n} lines dropped while the server was unreachable]"
            ));
        }
        let room = JobReport::MAX_LINES - lines.len();
        lines.extend(self.lines.drain(..room.min(self.lines.len())));
        let mut report = std::mem::take(&mut self.progress);
        report.log = (!lines.is_empty()).then_some(Lines::Many(lines));
        report
    }

    /// Puts back a report that could not be sent, before anything that came since.
    pub fn restore(&mut self, report: JobReport) {
        if let Some(lines) = report.log {
            for line in lines.into_vec().into_iter().rev() {
                self.lines.push_front(line);
            }
            let excess = self.lines.len().saturating_sub(MAX_BUFFERED);
            self.lines.drain(..excess);
            self.dropped += excess as u64;
        }
        // Progress that came since is newer; from the old, keep what it does not replace.
        let newer = &mut self.progress;
        if *newer == JobReport::default() {
            *newer = JobReport {
                log: None,
                ..report
            };
        } else {
            newer.phase = newer.phase.take().or(report.phase);
            newer.message = newer.message.take().or(report.message);
        }
    }
}

/// A line as a report may carry it: at most [`JobReport::MAX_TEXT`] characters.
fn fit(line: &str) -> String {
    let line = line.trim_end();
    if line.chars().count() <= JobReport::MAX_TEXT {
        return line.to_owned();
    }
    let mut short: String = line.chars().take(JobReport::MAX_TEXT - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
#[path = "pending_tests.rs"]
mod tests;
