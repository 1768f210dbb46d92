//! The job list: newest first, final states are final, finished jobs age out.

use crate::protocol::Job;

/// Jobs kept in the list; the oldest finished ones leave first, running ones never do.
pub const MAX_JOBS: usize = 12;

/// Inserts a new job at the top or replaces the known one. An update to a job that already
/// reached a final state is ignored, so a late or duplicated event cannot revive it.
pub fn apply(jobs: &mut Vec<Job>, job: &Job) {
    match jobs.iter_mut().find(|j| j.id == job.id) {
        Some(known) if known.state.is_final() => {}
        Some(known) => *known = job.clone(),
        None => {
            jobs.insert(0, job.clone());
            evict(jobs);
        }
    }
}

fn evict(jobs: &mut Vec<Job>) {
    while jobs.len() > MAX_JOBS {
        match jobs.iter().rposition(|j| j.state.is_final()) {
            Some(oldest_finished) => {
                jobs.remove(oldest_finished);
            }
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{JobDetail, JobState};

    fn job(id: u64, state: JobState, done: u32) -> Job {
        Job {
            id,
            title: format!("job {id}"),
            state,
            progress: Some(f64::from(done) / 10.0),
            detail: JobDetail::Percent { done, total: 10 },
            error: None,
            message: None,
            log: Default::default(),
            reported: false,
            created_ms: 0,
            updated_ms: 0,
            timeline: Default::default(),
        }
    }

    #[test]
    fn newest_first_and_updates_replace() {
        let mut jobs = Vec::new();
        apply(&mut jobs, &job(1, JobState::Running, 0));
        apply(&mut jobs, &job(2, JobState::Running, 0));
        apply(&mut jobs, &job(1, JobState::Running, 5));
        assert_eq!(jobs.iter().map(|j| j.id).collect::<Vec<_>>(), vec![2, 1]);
        assert_eq!(jobs[1].percent(), Some(50));
    }

    #[test]
    fn final_states_are_final() {
        let mut jobs = vec![job(1, JobState::Cancelled, 3)];
        apply(&mut jobs, &job(1, JobState::Running, 4));
        assert_eq!(jobs[0].state, JobState::Cancelled);
        assert_eq!(jobs[0].percent(), Some(30));
    }

    #[test]
    fn evicts_oldest_finished_but_never_running_jobs() {
        let mut jobs = Vec::new();
        apply(&mut jobs, &job(0, JobState::Running, 0));
        for id in 1..=MAX_JOBS as u64 + 3 {
            apply(&mut jobs, &job(id, JobState::Completed, 10));
        }
        assert_eq!(jobs.len(), MAX_JOBS);
        assert!(jobs.iter().any(|j| j.id == 0), "running job was evicted");
        assert!(!jobs.iter().any(|j| j.id == 1), "oldest finished job kept");
    }
}
