//! What `GET /api/events` is asked, read and checked (`events.rs` serves it): the topics
//! within the viewer's scope, one job, the quote rate, and where to resume.

use crate::protocol::{EventId, JobId, TopicSet};
use crate::server::{
    access::Viewer,
    error::ApiError,
    hub::{Filter, delivery::Throttle},
};
use axum::http::HeaderMap;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    /// Comma-separated topics; all of them when absent.
    topics: Option<String>,
    /// Only this job's events (a job's own page): a positive integer.
    job: Option<String>,
    /// Where to resume when the `Last-Event-ID` header is absent (a first connection).
    last_event_id: Option<String>,
    /// Most quote batches per second this client wants.
    max_quote_rate: Option<f64>,
    /// Present: the client wants `presence` events. Its value is the watcher entry its
    /// last stream was given (`hello`), to take back; empty the first time.
    pub presence: Option<String>,
}

impl EventsQuery {
    /// What the stream carries. No list: every topic the viewer may watch; a list: each
    /// must be one of them (403 otherwise).
    pub fn filter(&self, viewer: &Viewer) -> Result<Filter, ApiError> {
        let topics = match self.topics.as_deref().filter(|t| !t.trim().is_empty()) {
            None => viewer.topics(),
            Some(list) => {
                let topics = TopicSet::parse_list(list).map_err(ApiError::BadRequest)?;
                topics.iter().try_for_each(|t| viewer.require(t))?;
                topics
            }
        };
        let job = self
            .job
            .as_deref()
            .map(|id| match id.trim().parse::<JobId>() {
                Ok(id) if id > 0 => Ok(id),
                _ => Err(ApiError::BadRequest(format!(
                    "`job` must be a positive integer (got `{id}`)"
                ))),
            })
            .transpose()?;
        Ok(Filter { topics, job })
    }

    /// The client's limit on quote batches a second, if it asked for one.
    pub fn throttle(&self) -> Result<Option<Throttle>, ApiError> {
        self.max_quote_rate
            .map(Throttle::per_second)
            .transpose()
            .map_err(ApiError::BadRequest)
    }

    /// Where to resume. The header (sent by the page and the CLI, and by a reconnecting
    /// EventSource) wins over the query parameter. An id that does not parse is treated
    /// like one from another server: a snapshot.
    pub fn last_event_id(&self, headers: &HeaderMap) -> Option<EventId> {
        headers
            .get("last-event-id")
            .and_then(|v| v.to_str().ok())
            .or(self.last_event_id.as_deref())
            .and_then(|id| id.trim().parse::<EventId>().ok())
    }
}
