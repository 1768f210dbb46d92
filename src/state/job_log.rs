//! A job's longer log, followed from its events: each `job` event carries the job's newest
//! lines and how many it logged in all, and every line of the change that made it
//! (`JobLog::push`), so the lines not yet seen are the last `total - known` of them.

use crate::protocol::{JobLines, JobLog};

/// Appends what `job` logged since `log` last followed it, then drops the oldest beyond
/// [`JobLines::MAX`]. After a gap (events this follower never saw) it starts over from
/// the lines the job carries, counting the rest as skipped.
pub fn follow(log: &mut JobLines, job: &JobLog) {
    let known = log.total();
    if job.total <= known {
        return;
    }
    let new = (job.total - known) as usize;
    if new > job.lines.len() {
        log.lines = job.lines.clone();
        log.skipped = job.total - job.lines.len() as u64;
    } else {
        log.lines
            .extend_from_slice(&job.lines[job.lines.len() - new..]);
    }
    let excess = log.lines.len().saturating_sub(JobLines::MAX);
    log.lines.drain(..excess);
    log.skipped += excess as u64;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Job;

    fn lines(range: std::ops::Range<u32>) -> Vec<String> {
        range.map(|i| format!("line {i}")).collect()
    }

    #[test]
    fn follows_every_line_once_past_the_jobs_own_bound() {
        let (mut job, mut log) = (JobLog::default(), JobLines::default());
        for i in 0..60 {
            job.push(lines(i * 3..i * 3 + 3));
            follow(&mut log, &job);
            follow(&mut log, &job);
        }
        assert_eq!(job.lines.len(), Job::MAX_LOG_LINES);
        assert_eq!(log.lines, lines(0..180));
        assert_eq!(log.skipped, 0);
        // A change that logged 100 lines at once: the event carries them all.
        job.push(lines(180..280));
        follow(&mut log, &job);
        assert_eq!(log.lines, lines(0..280));
    }

    #[test]
    fn bounded_and_starting_over_after_a_gap() {
        let (mut job, mut log) = (JobLog::default(), JobLines::default());
        for i in 0..7 {
            job.push(lines(i * 100..i * 100 + 100));
            follow(&mut log, &job);
        }
        assert_eq!(log.lines.len(), JobLines::MAX);
        assert_eq!((log.skipped, log.total()), (200, 700));
        assert_eq!(log.lines[0], "line 200");
        job.push(lines(700..730));
        job.push(lines(730..731));
        follow(&mut log, &job);
        assert_eq!(log.lines, job.lines, "after a gap, what the job carries");
        assert_eq!(log.total(), 731);
    }
}
