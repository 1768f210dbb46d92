//! The server (`ssr` only), as rooms named for their parts. Imports flow down this list,
//! never back (checked by `tests/layout.rs`):
//!
//! - `clock.rs`: the wall clock, in the wire's milliseconds.
//! - `hub/`: numbering, state, replay window, delivery policy, snapshots, reset. Imports
//!   nothing of the server.
//! - `net/`: the accept loop, connection deadlines and shedding, the HTTP/1.1 stream path,
//!   TLS. Imports nothing of the server: it is handed the router.
//! - `config/`: every flag, with its environment variable and checks. Imports nothing.
//! - `engine/`: the stores behind the hub: a node's journal (in memory, or on disk in its
//!   data dir) and the Redis engine of a cluster. Imports `hub`, `clock`.
//! - `producers/`: jobs (simulated, reported) and the market. Imports `hub`, `engine`,
//!   `config`.
//! - `presence/`: who is watching, counted from the streams (in Redis on a cluster).
//!   Imports `engine`, `clock`.
//! - `error.rs`: the API's one error type. Imports `engine` (its store errors become 503).
//! - `access/`: who may do what, and how often. Imports `config`, `error`.
//! - `app_state/`: what every handler holds, and the state-changing operations every way
//!   in shares. Imports the rooms above.
//! - `http/`: the router's parts. Imports all of the above.
//!
//! This file only puts them together: [`router`] builds everything without a socket, so
//! tests can drive it; [`run`] serves it on a listener until a shutdown future resolves,
//! then ends every event stream.

pub mod access;
pub mod app_state;
pub mod clock;
pub mod config;
pub mod engine;
pub mod error;
pub mod http;
pub mod hub;
pub mod net;
pub mod presence;
pub mod producers;

use app_state::AppState;
use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use http::{
    api, build, compression, events, fallbacks, headers, health, metrics, positioned, site, ui,
};
use std::{future::Future, io, time::Duration};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// Largest accepted request body: notifications and job specs are small.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// The whole application: the public API, the event stream, server functions, the
/// server-rendered page and the static site files.
pub fn router(mut state: AppState) -> Router {
    // The page names its bundle where the site's files are served (versioned when embedded),
    // and every response names the build.
    state.leptos_options = site::leptos_options(state.leptos_options);
    state.build = build::id(&state.leptos_options, state.config.build_tag.as_deref()).into();
    let api = Router::new()
        .route("/events", get(events::events))
        .route("/quotes", get(api::quotes).post(api::feed_quotes))
        .route("/presence", get(api::presence))
        .route("/jobs", get(api::jobs).post(api::start_job))
        .route("/jobs/{id}", get(api::job))
        .route("/jobs/{id}/cancel", post(api::cancel_job))
        .route("/jobs/{id}/report", post(api::report_job))
        .route("/notifications", post(api::notify))
        .fallback(api::not_found)
        .method_not_allowed_fallback(fallbacks::method_not_allowed)
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
        .method_not_allowed_fallback(fallbacks::method_not_allowed);
    site::serve(router, &state)
        .layer(state.config.client_ip_source.clone().into_extension())
        .layer(compression::layer())
        .layer(axum::middleware::from_fn(fallbacks::server_fn_status))
        .layer(axum::middleware::from_fn(headers::security))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            build::header,
        ))
        .with_state(state)
}

/// Serves plain HTTP until `shutdown` resolves.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    serve(listener, state, shutdown, None).await
}

/// Serves HTTPS (HTTP/2 and HTTP/1.1 by ALPN) until `shutdown` resolves.
pub async fn run_tls(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    tls: TlsAcceptor,
) -> io::Result<()> {
    serve(listener, state, shutdown, Some(tls)).await
}

/// On the shutdown signal every event stream is told to reconnect and ends, connections
/// that never sent a request are closed, running jobs are cancelled (ending `cancelled`),
/// the market stops, and in-flight requests get `--shutdown-grace-secs` to finish before
/// we return regardless.
async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    tls: Option<TlsAcceptor>,
) -> io::Result<()> {
    metrics::handle();
    // Jobs a restart interrupted end before the first client is accepted.
    state.jobs.recover().await;
    state.start_background();
    let token = state.shutdown.clone();
    tokio::spawn({
        let token = token.clone();
        async move {
            shutdown.await;
            token.cancel();
        }
    });
    let grace = Duration::from_secs(state.config.shutdown_grace_secs);
    let settings = net::Settings {
        tls,
        header_timeout: Duration::from_secs(state.config.header_timeout_secs),
        stream_path: events::PATH,
    };
    let jobs = state.jobs.clone();
    let open = net::serve(listener, router(state), settings, token).await;
    let drained = async {
        open.closed().await;
        jobs.stopped().await;
    };
    if tokio::time::timeout(grace, drained).await.is_err() {
        tracing::warn!(
            "requests still open {}s after the shutdown signal; exiting anyway",
            grace.as_secs()
        );
    }
    Ok(())
}
