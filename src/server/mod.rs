//! The server (`ssr` only): the router, its handlers, and the producers feeding the hub.
//!
//! [`router`] builds everything without a socket, so tests can drive it; [`run`] serves it
//! on a listener until a shutdown future resolves, then ends every event stream.

mod api;
mod auth;
mod compression;
mod config;
mod connection;
pub mod delivery;
/// The Redis engine: the cluster's log, stored state, leases and janitor (`--redis-url`).
pub mod engine;
mod error;
mod h1_stream;
mod headers;
mod health;
/// The hub: numbering, state, replay window and fan-out (public for the engine's tests).
pub mod hub;
mod job_stream;
mod jobs;
mod limits;
mod market;
mod metrics;
/// What the page's server functions do on the server (`app/server_fns.rs` calls it).
pub(crate) mod page;
mod positioned;
mod quote_feed;
mod rates;
mod rewind;
mod serve;
mod session;
mod shell;
mod sse;
mod state;
mod tls;
mod ui;

/// The site's files: embedded in the binary (`make dist`) or read from `target/site`.
#[cfg(feature = "embed")]
#[path = "site/embedded.rs"]
mod site;
#[cfg(not(feature = "embed"))]
#[path = "site/disk.rs"]
mod site;

pub use auth::Operator;
pub use config::{Config, LogFormat, MarketMode, Symbols};
pub use error::ApiError;
pub use hub::{Hub, ReplayWindow, Stats};
pub use serve::listen;
pub use state::AppState;
pub use tls::load as load_tls;

use tokio_rustls::TlsAcceptor;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use std::{
    future::Future,
    time::{SystemTime, UNIX_EPOCH},
};
use tokio::net::TcpListener;

/// Largest accepted request body: notifications and job specs are small.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// The whole application: the public API, the event stream, server functions, the
/// server-rendered page and the static site files.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/events", get(sse::events))
        .route("/quotes", get(api::quotes).post(api::feed_quotes))
        .route("/jobs", get(api::jobs).post(api::start_job))
        .route("/jobs/{id}/cancel", post(api::cancel_job))
        .route("/jobs/{id}/report", post(api::report_job))
        .route("/notifications", post(api::notify))
        .fallback(api::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(headers::cors(&state.config));
    let router = ui::routes(Router::new(), &state)
        .nest("/api", api)
        // Everything above waits for a cluster node to hold the cluster's state.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            positioned::gate,
        ))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .method_not_allowed_fallback(error::method_not_allowed);
    site::serve(router, &state)
        .layer(state.config.client_ip_source.clone().into_extension())
        .layer(compression::layer())
        .layer(axum::middleware::from_fn(error::server_fn_status))
        .layer(axum::middleware::from_fn(headers::security))
        .layer(axum::middleware::from_fn(metrics::track))
        .with_state(state)
}

/// Serves plain HTTP until `shutdown` resolves (see `serve.rs` for what shutdown does).
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve::serve(listener, state, shutdown, None).await
}

/// Serves HTTPS (HTTP/2 and HTTP/1.1 by ALPN) until `shutdown` resolves.
pub async fn run_tls(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    tls: TlsAcceptor,
) -> std::io::Result<()> {
    serve::serve(listener, state, shutdown, Some(tls)).await
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
