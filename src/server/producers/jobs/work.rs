//! What each job kind does per step, as a pure state machine over a [`Job`].
//!
//! The runner only sleeps, checks for cancellation and publishes; all the job-specific
//! progress arithmetic is here, where tests can drive it step by step.

use crate::protocol::{ItemError, Job, JobDetail, JobSpec, JobState, PhaseProgress};
use rand::{Rng, SeedableRng, rngs::StdRng};

/// A job in progress: its public view plus what the simulation needs.
pub struct Work {
    pub job: Job,
    spec: JobSpec,
    step: u32,
    rng: StdRng,
}

impl Work {
    /// A queued job for `spec` (validated by the caller).
    pub fn new(id: u64, spec: JobSpec, seed: u64, now: u64) -> Work {
        let detail = match &spec {
            JobSpec::Percent { steps, .. } => JobDetail::Percent {
                done: 0,
                total: *steps,
            },
            JobSpec::Phases { phases, .. } => JobDetail::Phases {
                phases: phases
                    .iter()
                    .map(|p| PhaseProgress {
                        name: p.name.clone(),
                        weight: p.weight,
                        progress: 0.0,
                    })
                    .collect(),
                current: 0,
            },
            JobSpec::Batch { items, .. } => JobDetail::Batch {
                total: *items,
                succeeded: 0,
                failed: 0,
                errors: vec![],
            },
            JobSpec::Logs { .. } => JobDetail::Logs,
            JobSpec::Reported(_) => unreachable!("reported jobs are not simulated"),
        };
        let progress = (!matches!(spec, JobSpec::Logs { .. })).then_some(0.0);
        let title = match &spec {
            JobSpec::Percent { steps, .. } => format!("Report export · {steps} steps"),
            JobSpec::Phases { phases, .. } => format!("Data migration · {} phases", phases.len()),
            JobSpec::Batch { items, .. } => format!("Image batch · {items} items"),
            JobSpec::Logs { .. } => "Deploy · streaming logs".to_owned(),
            JobSpec::Reported(spec) => spec.title.clone(),
        };
        let job = Job {
            id,
            title,
            state: JobState::Queued,
            progress,
            detail,
            error: None,
            message: None,
            log: Default::default(),
            reported: false,
            created_ms: now,
            updated_ms: now,
            timeline: Default::default(),
        };
        Work {
            job,
            spec,
            step: 0,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    pub fn start(&mut self, now: u64) {
        self.job.state = JobState::Running;
        self.job.updated_ms = now;
        self.job.stamp(now);
    }

    /// Ends the job in `state` (a final one), keeping its progress where it stopped.
    pub fn finish(&mut self, state: JobState, error: Option<String>, now: u64) {
        self.job.state = state;
        self.job.error = error;
        self.job.updated_ms = now;
        self.job.stamp(now);
    }

    /// Advances one step; returns true when that was the last one (the job is then final).
    pub fn advance(&mut self, now: u64) -> bool {
        self.step += 1;
        self.job.updated_ms = now;
        let step = self.step;
        let done = match (&self.spec, &mut self.job.detail) {
            (JobSpec::Percent { steps, fail_at, .. }, JobDetail::Percent { done, .. }) => {
                *done = step;
                self.job.progress = Some(f64::from(step) / f64::from(*steps));
                if *fail_at == Some(step) {
                    self.finish(
                        JobState::Failed,
                        Some(format!("step {step} failed: upstream returned 503")),
                        now,
                    );
                    return true;
                }
                step >= *steps
            }
            (JobSpec::Phases { phases: specs, .. }, JobDetail::Phases { phases, current }) => {
                let (index, within) = locate(specs.iter().map(|p| p.steps), step);
                *current = index;
                for (i, phase) in phases.iter_mut().enumerate() {
                    phase.progress = if i < index {
                        1.0
                    } else if i == index {
                        within
                    } else {
                        0.0
                    };
                }
                let total: f64 = phases.iter().map(|p| p.weight).sum();
                self.job.progress =
                    Some(phases.iter().map(|p| p.weight * p.progress).sum::<f64>() / total);
                step >= specs.iter().map(|p| p.steps).sum()
            }
            (
                JobSpec::Batch {
                    items, fail_rate, ..
                },
                JobDetail::Batch {
                    succeeded,
                    failed,
                    errors,
                    ..
                },
            ) => {
                if self.rng.random_bool(*fail_rate) {
                    *failed += 1;
                    errors.push(ItemError {
                        item: step,
                        message: format!("item {step}: checksum mismatch"),
                    });
                    if errors.len() > Job::MAX_ITEM_ERRORS {
                        errors.remove(0);
                    }
                } else {
                    *succeeded += 1;
                }
                self.job.progress = Some(f64::from(step) / f64::from(*items));
                if step >= *items && *failed * 2 > *items {
                    let message = format!("{failed} of {items} items failed");
                    self.finish(JobState::Failed, Some(message), now);
                    return true;
                }
                step >= *items
            }
            (JobSpec::Logs { lines: wanted, .. }, JobDetail::Logs) => {
                self.job.log.push([log_line(step, *wanted)]);
                step >= *wanted
            }
            _ => unreachable!("a job's detail always matches its spec"),
        };
        if done {
            self.finish(JobState::Completed, None, now);
        } else {
            self.job.stamp(now);
        }
        done
    }
}

/// Which phase global step `step` (1-based) falls in, and how far through it.
fn locate(steps: impl Iterator<Item = u32>, step: u32) -> (usize, f64) {
    let mut before = 0;
    let mut last = (0, 0.0);
    for (i, n) in steps.enumerate() {
        if step <= before + n {
            return (i, f64::from(step - before) / f64::from(n));
        }
        before += n;
        last = (i, 1.0);
    }
    last
}

fn log_line(step: u32, total: u32) -> String {
    const STAGES: [&str; 6] = [
        "pulling image registry.internal/app",
        "running database migrations",
        "warming caches",
        "health check passed on",
        "shifting traffic to",
        "draining old replica",
    ];
    let stage = STAGES[(step as usize * STAGES.len() / (total as usize + 1)).min(STAGES.len() - 1)];
    format!("[{step:>4}/{total}] {stage} (node-{})", step % 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::JobLog;

    fn run_to_end(spec: JobSpec) -> (Work, u32) {
        let mut work = Work::new(1, spec, 42, 0);
        work.start(0);
        let mut steps = 1;
        while !work.advance(steps.into()) {
            steps += 1;
        }
        (work, steps)
    }

    #[test]
    fn percent_reaches_one_hundred() {
        let (work, steps) = run_to_end(JobSpec::Percent {
            steps: 5,
            step_ms: 1,
            fail_at: None,
        });
        assert_eq!(
            (steps, work.job.state, work.job.percent()),
            (5, JobState::Completed, Some(100))
        );
    }

    #[test]
    fn percent_can_fail_midway() {
        let (work, steps) = run_to_end(JobSpec::Percent {
            steps: 5,
            step_ms: 1,
            fail_at: Some(3),
        });
        assert_eq!(
            (steps, work.job.state, work.job.percent()),
            (3, JobState::Failed, Some(60))
        );
        assert!(work.job.error.unwrap().contains("step 3"));
    }

    #[test]
    fn phases_weight_overall_progress() {
        let mut work = Work::new(
            1,
            JobSpec::default_for(crate::protocol::JobKind::Phases),
            1,
            0,
        );
        for _ in 0..8 {
            work.advance(0);
        }
        let JobDetail::Phases { phases, current } = &work.job.detail else {
            unreachable!()
        };
        assert_eq!((*current, phases[0].progress), (0, 1.0));
        assert!((work.job.progress.unwrap() - 1.0 / 8.0).abs() < 1e-9);
        work.advance(0);
        let JobDetail::Phases { current, .. } = &work.job.detail else {
            unreachable!()
        };
        assert_eq!(*current, 1);
    }

    #[test]
    fn batch_counts_add_up_and_errors_are_bounded() {
        let (work, _) = run_to_end(JobSpec::Batch {
            items: 40,
            fail_rate: 0.3,
            step_ms: 1,
        });
        let JobDetail::Batch {
            total,
            succeeded,
            failed,
            errors,
        } = &work.job.detail
        else {
            unreachable!()
        };
        assert_eq!(succeeded + failed, *total);
        assert!(*failed > 0 && errors.len() <= Job::MAX_ITEM_ERRORS);
        let (all_fail, _) = run_to_end(JobSpec::Batch {
            items: 4,
            fail_rate: 1.0,
            step_ms: 1,
        });
        assert_eq!(all_fail.job.state, JobState::Failed);
    }

    #[test]
    fn logs_have_no_percentage_and_keep_the_tail() {
        let (work, _) = run_to_end(JobSpec::Logs {
            lines: 30,
            step_ms: 1,
        });
        assert_eq!(work.job.progress, None);
        assert_eq!(work.job.detail, JobDetail::Logs);
        let JobLog { lines, total } = &work.job.log;
        assert_eq!((lines.len(), *total), (Job::MAX_LOG_LINES, 30));
        assert!(lines.last().unwrap().starts_with("[  30/30]"));
    }
}
