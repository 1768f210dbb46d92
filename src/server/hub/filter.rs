//! What a stream asks for: its topics, and, for a job's own page, one job only (the page of
//! a job gets that job's events and the toasts, never the market or the other jobs).

use super::published::Published;
use crate::protocol::{JobId, Snapshot, TopicSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Filter {
    pub topics: TopicSet,
    /// Only this job's events (and only it in a snapshot).
    pub job: Option<JobId>,
}

impl From<TopicSet> for Filter {
    fn from(topics: TopicSet) -> Filter {
        Filter { topics, job: None }
    }
}

impl Filter {
    /// Whether a stream with this filter gets `published`.
    pub fn wants(&self, published: &Published) -> bool {
        published
            .kind
            .topic()
            .is_none_or(|t| self.topics.contains(t))
            && self
                .job
                .is_none_or(|job| published.key.job().is_none_or(|j| j == job))
    }

    /// The part of `state` this filter shows.
    pub fn restrict(&self, state: &Snapshot) -> Snapshot {
        let mut part = crate::state::restrict(state, self.topics);
        if let Some(job) = self.job {
            part.jobs.retain(|j| j.id == job);
        }
        part
    }
}
