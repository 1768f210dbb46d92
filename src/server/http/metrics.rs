//! Prometheus metrics: the recorder, the names, the HTTP middleware and `/metrics`.
//!
//! The recorder is process-wide (the `metrics` facade has one global recorder), so every
//! server in a process shares counters; tests compare before and after.

use crate::protocol::{JobState, Topic};
use crate::server::app_state::AppState;
use axum::{
    extract::{MatchedPath, Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics::Counter;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::{sync::OnceLock, time::Instant};

pub const CONNECTIONS: &str = "livedash_sse_connections";
pub const EVENTS_SENT: &str = "livedash_sse_events_sent_total";
pub const CONFLATED: &str = "livedash_sse_conflated_total";
pub const JOBS: &str = "livedash_jobs";
pub const HTTP_REQUESTS: &str = "livedash_http_requests_total";
pub const HTTP_DURATION: &str = "livedash_http_request_duration_seconds";

/// Installs the recorder on first use and returns its handle.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let buckets = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
        ];
        PrometheusBuilder::new()
            .set_buckets(&buckets)
            .expect("bucket list is not empty")
            .install_recorder()
            .expect("no other metrics recorder is installed in this process")
    })
}

/// The event streams' counters, looked up in the registry once per process: looking them
/// up per delivered batch and stream was ~3% of the server's time in a `perf` profile of
/// 10,000 streams taking quotes.
pub struct StreamCounters {
    /// By topic, in the order of `Topic::ALL`.
    pub sent: [Counter; 3],
    pub conflated: Counter,
}

impl StreamCounters {
    pub fn get() -> &'static StreamCounters {
        static COUNTERS: OnceLock<StreamCounters> = OnceLock::new();
        COUNTERS.get_or_init(|| {
            // Handles taken before the recorder exists would count nowhere.
            handle();
            StreamCounters {
                sent: Topic::ALL
                    .map(|topic| metrics::counter!(EVENTS_SENT, "topic" => topic.as_str())),
                conflated: metrics::counter!(CONFLATED),
            }
        })
    }
}

/// `GET /metrics`: the Prometheus text format.
pub async fn render(State(app): State<AppState>) -> Response {
    let states = [
        JobState::Queued,
        JobState::Running,
        JobState::Completed,
        JobState::Failed,
        JobState::Cancelled,
    ];
    app.hub.read(|s| {
        for state in states {
            let count = s.jobs.iter().filter(|j| j.state == state).count();
            metrics::gauge!(JOBS, "state" => state.as_str()).set(count as f64);
        }
    });
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle().render(),
    )
        .into_response()
}

/// Counts requests and times them to the response head, labelled by the matched route
/// (never the raw path, so ids do not create new series).
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!(HTTP_DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Counts one open stream per topic while it lives.
pub struct ConnectionGauge(Vec<Topic>);

impl ConnectionGauge {
    pub fn open(topics: impl Iterator<Item = Topic>) -> ConnectionGauge {
        let topics: Vec<_> = topics.collect();
        for topic in &topics {
            metrics::gauge!(CONNECTIONS, "topic" => topic.as_str()).increment(1.0);
        }
        ConnectionGauge(topics)
    }
}

impl Drop for ConnectionGauge {
    fn drop(&mut self) {
        for topic in &self.0 {
            metrics::gauge!(CONNECTIONS, "topic" => topic.as_str()).decrement(1.0);
        }
    }
}
