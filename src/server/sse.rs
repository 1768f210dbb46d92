//! `GET /api/events`: one multiplexed event stream per browser tab.
//!
//! A stream opens with a `retry:` hint and a `snapshot` of the requested topics, then relays
//! the hub's shared frames for those topics, with heartbeat comments while idle. It ends
//! when the server shuts down. A connection that falls further behind than its buffer is
//! not dropped: it is resynchronised with a fresh snapshot.

use super::{AppState, error::ApiError, hub::Published};
use crate::{
    protocol::{Event, EventId, TopicSet, sse},
    state,
};
use axum::{
    body::Body,
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use futures::stream::{self, Stream};
use serde::Deserialize;
use std::{convert::Infallible, sync::Arc};
use tokio::{
    sync::broadcast::{Receiver, error::RecvError},
    time::{Instant, Interval, MissedTickBehavior},
};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    /// Comma-separated topics; all of them when absent.
    topics: Option<String>,
}

pub async fn events(
    State(app): State<AppState>,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let topics = TopicSet::parse_list(query.topics.as_deref().unwrap_or(""))
        .map_err(ApiError::BadRequest)?;
    let connection = Connection::open(&app, topics);
    let body = Body::from_stream(connection.into_stream());
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        body,
    )
        .into_response())
}

/// The per-connection part of a stream: its topic filter, position and timers.
struct Connection {
    app: AppState,
    topics: TopicSet,
    receiver: Receiver<Arc<Published>>,
    /// The newest event this connection has delivered (or that its snapshot covered).
    last: EventId,
    heartbeat: Interval,
    shutdown: CancellationToken,
    /// The opening bytes (retry hint and snapshot), sent before anything else.
    opening: Option<Bytes>,
}

impl Connection {
    fn open(app: &AppState, topics: TopicSet) -> Connection {
        let sub = app.hub.subscribe();
        let mut opening = format!("retry: {}\n\n", app.config.retry_ms);
        opening.push_str(&snapshot_frame(&sub.snapshot, sub.id, topics));
        let period = app.config.heartbeat();
        let mut heartbeat = tokio::time::interval_at(Instant::now() + period, period);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Connection {
            app: app.clone(),
            topics,
            receiver: sub.receiver,
            last: sub.id,
            heartbeat,
            shutdown: app.shutdown.clone(),
            opening: Some(Bytes::from(opening)),
        }
    }

    fn into_stream(self) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
        stream::unfold(self, |mut conn| async move {
            let bytes = conn.next_frame().await?;
            Some((Ok(bytes), conn))
        })
    }

    /// The next bytes to write, or `None` when the stream should end.
    async fn next_frame(&mut self) -> Option<Bytes> {
        if let Some(opening) = self.opening.take() {
            return Some(opening);
        }
        loop {
            tokio::select! {
                biased;
                () = self.shutdown.cancelled() => return None,
                received = self.receiver.recv() => match received {
                    Ok(published) => {
                        let wanted = published.kind.topic().is_none_or(|t| self.topics.contains(t));
                        if published.id > self.last && wanted {
                            self.last = published.id;
                            return Some(published.frame.clone());
                        }
                    }
                    Err(RecvError::Lagged(missed)) => return Some(self.resync(missed)),
                    Err(RecvError::Closed) => return None,
                },
                _ = self.heartbeat.tick() => return Some(Bytes::from_static(b": heartbeat\n\n")),
            }
        }
    }

    /// The client fell `missed` events behind: replace its state instead of losing events.
    /// Frames still queued that the new snapshot covers are skipped by their ids.
    fn resync(&mut self, missed: u64) -> Bytes {
        let (snapshot, id) = self.app.hub.snapshot();
        tracing::debug!(
            missed,
            "slow event-stream client resynchronised with a snapshot"
        );
        self.last = id;
        Bytes::from(snapshot_frame(&snapshot, id, self.topics))
    }
}

fn snapshot_frame(snapshot: &crate::protocol::Snapshot, id: EventId, topics: TopicSet) -> String {
    sse::encode_event(&Event::Snapshot(state::restrict(snapshot, topics)), id)
}
