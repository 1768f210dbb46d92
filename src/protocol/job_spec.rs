//! What a client may ask for when it starts a job: the kind and its parameters, each with a
//! default, and the range checks serde cannot express.

use super::JobKind;
use serde::{Deserialize, Serialize};

/// Body of `POST /api/jobs`: the kind and its parameters, every parameter optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum JobSpec {
    Percent {
        #[serde(default = "defaults::steps")]
        steps: u32,
        #[serde(default = "defaults::step_ms")]
        step_ms: u64,
        /// Make the job fail at this step (to see and test the failed state).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fail_at: Option<u32>,
    },
    Phases {
        #[serde(default = "defaults::phases")]
        phases: Vec<PhaseSpec>,
        #[serde(default = "defaults::step_ms")]
        step_ms: u64,
    },
    Batch {
        #[serde(default = "defaults::items")]
        items: u32,
        /// Share of items that fail, 0.0 ..= 1.0.
        #[serde(default = "defaults::fail_rate")]
        fail_rate: f64,
        #[serde(default = "defaults::step_ms")]
        step_ms: u64,
    },
    Logs {
        #[serde(default = "defaults::lines")]
        lines: u32,
        #[serde(default = "defaults::step_ms")]
        step_ms: u64,
    },
    /// Work done elsewhere that its owner reports (`POST /api/jobs/{id}/report`).
    Reported(ReportedSpec),
}

/// A reported job: counted (`total`), in weighted `phases`, or neither (indeterminate: log
/// lines only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportedSpec {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases: Option<Vec<ReportedPhase>>,
}

/// A phase of a reported job: its name and how much it counts toward the whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportedPhase {
    pub name: String,
    #[serde(default = "defaults::weight")]
    pub weight: f64,
}

/// A phase of a `phases` job request: `steps` ticks, counting `weight` toward the whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseSpec {
    pub name: String,
    #[serde(default = "defaults::weight")]
    pub weight: f64,
    #[serde(default = "defaults::phase_steps")]
    pub steps: u32,
}

mod defaults {
    use super::PhaseSpec;
    pub fn steps() -> u32 {
        40
    }
    pub fn step_ms() -> u64 {
        150
    }
    pub fn items() -> u32 {
        30
    }
    pub fn fail_rate() -> f64 {
        0.15
    }
    pub fn lines() -> u32 {
        30
    }
    pub fn weight() -> f64 {
        1.0
    }
    pub fn phase_steps() -> u32 {
        10
    }
    pub fn phases() -> Vec<PhaseSpec> {
        [
            ("validate", 1.0, 8),
            ("process", 6.0, 24),
            ("finalize", 1.0, 8),
        ]
        .into_iter()
        .map(|(name, weight, steps)| PhaseSpec {
            name: name.into(),
            weight,
            steps,
        })
        .collect()
    }
}

impl JobSpec {
    /// Upper bound on any count (steps, items, lines), against absurd requests.
    pub const MAX_COUNT: u32 = 10_000;
    /// Upper bound on a step's duration.
    pub const MAX_STEP_MS: u64 = 60_000;
    pub const MAX_PHASES: usize = 20;
    /// Upper bound on a reported job's total.
    pub const MAX_TOTAL: u64 = 1_000_000_000_000;
    /// Longest title.
    pub const MAX_TITLE: usize = 120;

    /// The spec with every parameter at its default.
    pub fn default_for(kind: JobKind) -> JobSpec {
        let json = format!(r#"{{"kind":"{}"}}"#, kind.as_str());
        serde_json::from_str(&json).expect("every kind has defaults for all parameters")
    }

    /// The simulated kind, or `None` for a reported job.
    pub fn kind(&self) -> Option<JobKind> {
        match self {
            JobSpec::Percent { .. } => Some(JobKind::Percent),
            JobSpec::Phases { .. } => Some(JobKind::Phases),
            JobSpec::Batch { .. } => Some(JobKind::Batch),
            JobSpec::Logs { .. } => Some(JobKind::Logs),
            JobSpec::Reported(_) => None,
        }
    }

    /// A simulated step's duration (0 for a reported job: it has no steps).
    pub fn step_ms(&self) -> u64 {
        match self {
            JobSpec::Percent { step_ms, .. }
            | JobSpec::Phases { step_ms, .. }
            | JobSpec::Batch { step_ms, .. }
            | JobSpec::Logs { step_ms, .. } => *step_ms,
            JobSpec::Reported(_) => 0,
        }
    }

    fn validate_reported(
        title: &str,
        total: Option<u64>,
        phases: Option<&[ReportedPhase]>,
    ) -> Result<(), String> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > Self::MAX_TITLE {
            return Err(format!(
                "`title` must be 1 to {} characters",
                Self::MAX_TITLE
            ));
        }
        if total.is_some_and(|t| !(1..=Self::MAX_TOTAL).contains(&t)) {
            return Err(format!("`total` must be between 1 and {}", Self::MAX_TOTAL));
        }
        let Some(phases) = phases else {
            return Ok(());
        };
        if total.is_some() {
            return Err("give `total` (counted) or `phases`, not both".into());
        }
        if phases.is_empty() || phases.len() > Self::MAX_PHASES {
            return Err(format!(
                "`phases` must list 1 to {} phases",
                Self::MAX_PHASES
            ));
        }
        for (i, phase) in phases.iter().enumerate() {
            let name = phase.name.trim();
            if name.is_empty() || name.chars().count() > 40 {
                return Err(format!("`phases[{i}].name` must be 1 to 40 characters"));
            }
            if phases[..i].iter().any(|p| p.name.trim() == name) {
                return Err(format!("`phases[{i}].name` `{name}` is listed twice"));
            }
            if !(phase.weight.is_finite() && phase.weight > 0.0 && phase.weight <= 1e6) {
                return Err(format!("`phases[{i}].weight` must be a positive number"));
            }
        }
        Ok(())
    }

    /// Checks the ranges serde cannot express; the message names the offending field.
    pub fn validate(&self) -> Result<(), String> {
        let count = |name: &str, n: u32| {
            if (1..=Self::MAX_COUNT).contains(&n) {
                Ok(())
            } else {
                Err(format!(
                    "`{name}` must be between 1 and {}, got {n}",
                    Self::MAX_COUNT
                ))
            }
        };
        if let JobSpec::Reported(spec) = self {
            return Self::validate_reported(&spec.title, spec.total, spec.phases.as_deref());
        }
        let step_ms = self.step_ms();
        if !(1..=Self::MAX_STEP_MS).contains(&step_ms) {
            return Err(format!(
                "`step_ms` must be between 1 and {}, got {step_ms}",
                Self::MAX_STEP_MS
            ));
        }
        match self {
            JobSpec::Percent { steps, fail_at, .. } => {
                count("steps", *steps)?;
                match fail_at {
                    Some(at) if !(1..=*steps).contains(at) => Err(format!(
                        "`fail_at` must be between 1 and `steps` ({steps}), got {at}"
                    )),
                    _ => Ok(()),
                }
            }
            JobSpec::Logs { lines, .. } => count("lines", *lines),
            JobSpec::Batch {
                items, fail_rate, ..
            } => {
                count("items", *items)?;
                if (0.0..=1.0).contains(fail_rate) {
                    Ok(())
                } else {
                    Err(format!(
                        "`fail_rate` must be between 0 and 1, got {fail_rate}"
                    ))
                }
            }
            JobSpec::Phases { phases, .. } => {
                if phases.is_empty() || phases.len() > Self::MAX_PHASES {
                    return Err(format!(
                        "`phases` must list 1 to {} phases",
                        Self::MAX_PHASES
                    ));
                }
                for (i, phase) in phases.iter().enumerate() {
                    if phase.name.trim().is_empty() || phase.name.chars().count() > 40 {
                        return Err(format!("`phases[{i}].name` must be 1 to 40 characters"));
                    }
                    if !(phase.weight.is_finite() && phase.weight > 0.0 && phase.weight <= 1e6) {
                        return Err(format!("`phases[{i}].weight` must be a positive number"));
                    }
                    count(&format!("phases[{i}].steps"), phase.steps)?;
                }
                let total: u64 = phases.iter().map(|p| u64::from(p.steps)).sum();
                count(
                    "the sum of phase steps",
                    u32::try_from(total).unwrap_or(u32::MAX),
                )
            }
            JobSpec::Reported(_) => Ok(()),
        }
    }
}

#[cfg(test)]
#[path = "job_spec_tests.rs"]
mod tests;
