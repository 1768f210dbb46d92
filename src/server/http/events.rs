//! `GET /api/events`: one multiplexed event stream per browser tab.
//!
//! A stream opens with a jittered `retry:` hint and its starting point: a `snapshot`, or,
//! for a client resuming from an id the replay window still covers, exactly the events it
//! missed. Then it relays the hub's shared frames for the requested topics, batching
//! whatever queued up and applying the delivery policy (`hub/delivery.rs`), with heartbeat
//! comments while idle. A connection that falls behind the hub's buffer is caught up the
//! same way a reconnecting client is; it is never dropped. Streams end on shutdown.
//!
//! With viewer access on, a stream is opened only for a viewer (`access/auth.rs`), for
//! the topics its credential opens (another is refused with 403); one opened by a session
//! ends when the session does, with a `signed_out` event, so the page asks to sign in
//! rather than reconnect. Every stream counts as a watcher (`presence/`) and tells its
//! client who is watching, in `presence` events.

use super::{
    events_query::EventsQuery,
    metrics::{self, ConnectionGauge},
    watcher::{self, Watcher},
};
use crate::protocol::{EventId, EventKind, Topic};
use crate::server::{
    access::{
        Viewer,
        limits::{ClientIp, StreamPermit, Transport},
    },
    app_state::AppState,
    error::ApiError,
    hub::{
        Filter, Published, Start,
        delivery::{self, Throttle},
    },
    presence::Told,
};
use axum::{
    body::Body,
    extract::{Query, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use futures::stream::{self, Stream, StreamExt};
use rand::Rng;
use std::{convert::Infallible, sync::Arc};
use tokio::{
    sync::{
        broadcast::{
            Receiver,
            error::{RecvError, TryRecvError},
        },
        watch,
    },
    time::{Instant, Interval, MissedTickBehavior},
};
use tokio_util::sync::CancellationToken;

/// Where the stream is served (the router nests it under `/api`).
pub const PATH: &str = "/api/events";

const HEARTBEAT: &[u8] = b": heartbeat\n\n";

pub async fn events(
    State(app): State<AppState>,
    viewer: Viewer,
    ClientIp(ip): ClientIp,
    transport: Transport,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let (filter, throttle) = (query.filter(&viewer)?, query.throttle()?);
    let last = query.last_event_id(&headers);
    let permit = app.limits.open_stream(ip, transport)?;
    // A cluster node may not have read as far in the log as the node that served this
    // client before: it catches up (briefly) rather than answer an id it does not know
    // yet with a snapshot.
    if let (Some(cluster), Some(last)) = (&app.engine, last) {
        cluster.until_applied(last).await;
    }
    let watcher = Watcher::new(&app, &viewer, query.presence.as_deref());
    let body = Body::from_stream(
        Connection::open(&app, filter, last, throttle, Some(permit), Some(watcher)).into_stream(),
    );
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

/// The per-connection part of a stream: its filter, position, policy state and timers.
struct Connection {
    app: AppState,
    filter: Filter,
    receiver: Receiver<Arc<Published>>,
    /// The newest event this connection has delivered or that its start covered.
    last: EventId,
    throttle: Option<Throttle>,
    heartbeat: Interval,
    shutdown: CancellationToken,
    /// The opening frames (retry hint and starting point), sent before anything else.
    opening: Option<Vec<Bytes>>,
    /// The farewell has been written; the stream ends.
    closed: bool,
    /// Counts this stream as open while it lives.
    _gauge: ConnectionGauge,
    /// Its place in the stream limits, freed when the stream ends.
    _permit: Option<StreamPermit>,
    /// Who is watching, sent when it changes.
    presence: watch::Receiver<Arc<Told>>,
    watcher: Option<Watcher>,
}

impl Connection {
    fn open(
        app: &AppState,
        filter: impl Into<Filter>,
        last: Option<EventId>,
        throttle: Option<Throttle>,
        permit: Option<StreamPermit>,
        watcher: Option<Watcher>,
    ) -> Connection {
        let filter = filter.into();
        let sub = app.hub.subscribe(last, filter);
        let mut presence = app.presence.subscribe();
        // Jitter, so a restart does not bring every client back in the same millisecond.
        let retry = app.config.retry_ms + rand::rng().random_range(0..=app.config.retry_ms / 2);
        let mut opening = vec![
            Bytes::from(format!("retry: {retry}\n\n")),
            super::build::hello(
                &app.build,
                last.unwrap_or(EventId { seq: 0, ..sub.head }),
                &app.config,
                watcher.as_ref().map(Watcher::id),
            ),
        ];
        opening.extend(frames(sub.start));
        if let Some(watcher) = watcher.as_ref().filter(|w| w.told()) {
            opening.push(watcher.presence_frame(&presence.borrow_and_update()));
        }
        let period = app.config.heartbeat();
        let mut heartbeat = tokio::time::interval_at(Instant::now() + period, period);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Connection {
            app: app.clone(),
            filter,
            receiver: sub.receiver,
            last: sub.head,
            throttle,
            heartbeat,
            shutdown: app.shutdown.clone(),
            opening: Some(opening),
            closed: false,
            _gauge: ConnectionGauge::open(filter.topics.iter()),
            _permit: permit,
            presence,
            watcher,
        }
    }

    fn into_stream(self) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
        stream::unfold(self, |mut conn| async move {
            let frames = conn.next_frames().await?;
            Some((stream::iter(frames.into_iter().map(Ok)), conn))
        })
        .flatten()
    }

    /// The next frames to write, or `None` when the stream should end.
    async fn next_frames(&mut self) -> Option<Vec<Bytes>> {
        if let Some(opening) = self.opening.take() {
            return Some(opening);
        }
        if self.closed {
            return None;
        }
        let ends_at = self.watcher.as_ref().and_then(Watcher::ends_at);
        let told = self.watcher.as_ref().is_some_and(Watcher::told);
        loop {
            let due = self.throttle.as_ref().and_then(Throttle::due_at);
            let batch = tokio::select! {
                biased;
                () = self.shutdown.cancelled() => return self.farewell(),
                () = sleep_until(ends_at), if ends_at.is_some() => {
                    self.closed = true;
                    return Some(vec![watcher::signed_out()]);
                }
                Ok(()) = self.presence.changed(), if told => {
                    let told = self.presence.borrow_and_update().clone();
                    return self.watcher.as_ref().map(|w| vec![w.presence_frame(&told)]);
                }
                received = self.receiver.recv() => match received {
                    Ok(first) => match self.drain(first) {
                        // The hub started over from another log's state (the Redis engine
                        // lost its data, or this node could not follow it event by event):
                        // this client's state may be of the old one.
                        Some(batch) if batch.iter().any(|p| p.kind == EventKind::Snapshot) => {
                            return Some(self.catch_up());
                        }
                        Some(batch) => batch,
                        None => return Some(self.catch_up()),
                    },
                    Err(RecvError::Lagged(_)) => return Some(self.catch_up()),
                    Err(RecvError::Closed) => return None,
                },
                () = sleep_until(due), if due.is_some() => Vec::new(),
                _ = self.heartbeat.tick() => return Some(vec![Bytes::from_static(HEARTBEAT)]),
            };
            let out = self.deliver(batch);
            if !out.is_empty() {
                self.heartbeat.reset();
                return Some(out);
            }
        }
    }

    /// On shutdown: one last write telling the client to come back (soon, but not all at
    /// the same moment), then the end of the stream.
    fn farewell(&mut self) -> Option<Vec<Bytes>> {
        if std::mem::replace(&mut self.closed, true) {
            return None;
        }
        let retry = 500 + rand::rng().random_range(0..=self.app.config.retry_ms);
        Some(vec![Bytes::from(format!(
            ": server shutting down; reconnect\nretry: {retry}\n\n"
        ))])
    }

    /// `first` plus whatever else is already queued (at most the hub's buffer, so a
    /// publisher cannot keep us draining); `None` if the buffer overflowed meanwhile.
    fn drain(&mut self, first: Arc<Published>) -> Option<Vec<Arc<Published>>> {
        let mut batch = vec![first];
        while batch.len() < self.app.config.stream_buffer as usize {
            match self.receiver.try_recv() {
                Ok(published) => batch.push(published),
                Err(TryRecvError::Lagged(_)) => return None,
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        Some(batch)
    }

    /// Applies the topic filter and the delivery policy; returns the frames to write.
    fn deliver(&mut self, mut batch: Vec<Arc<Published>>) -> Vec<Bytes> {
        let (last, filter) = (self.last, self.filter);
        batch.retain(|p| p.id > last && filter.wants(p));
        let conflated = delivery::conflate(&mut batch);
        let counters = metrics::StreamCounters::get();
        if conflated > 0 {
            counters.conflated.increment(conflated as u64);
        }
        let out = match &mut self.throttle {
            Some(throttle) => throttle.pass(batch, Instant::now()),
            None => batch,
        };
        if let Some(newest) = out.last() {
            self.last = newest.id;
        }
        // One counter update per topic and batch, not per frame: this runs per connection.
        for (topic, counter) in Topic::ALL.into_iter().zip(&counters.sent) {
            let sent = out.iter().filter(|p| p.kind.topic() == Some(topic)).count();
            if sent > 0 {
                counter.increment(sent as u64);
            }
        }
        out.iter().map(|p| p.frame.clone()).collect()
    }

    /// The connection fell further behind than the hub buffers: continue from the replay
    /// window if it still covers us, else replace the client's state with a snapshot.
    fn catch_up(&mut self) -> Vec<Bytes> {
        let (start, head) = self.app.hub.catch_up(self.last, self.filter);
        tracing::debug!(last = %self.last, %head, "caught up a slow event-stream client");
        self.last = head;
        if let Some(throttle) = &mut self.throttle {
            throttle.clear();
        }
        frames(start)
    }
}

/// The frames of a stream's starting point, with superseded replay events removed.
fn frames(start: Start) -> Vec<Bytes> {
    match start {
        Start::Snapshot(frame) => vec![frame],
        Start::Replay(mut missed) => {
            delivery::conflate(&mut missed);
            missed.iter().map(|p| p.frame.clone()).collect()
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
