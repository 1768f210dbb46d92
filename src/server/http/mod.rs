//! The router's parts: the public API, the event stream, the POST streams, the page and its
//! server functions, health, metrics, the answers to requests no handler takes, compression,
//! headers and the site's files. `server/mod.rs` puts them together.
//!
//! Handlers hold the [`AppState`](crate::server::app_state::AppState) and change state only
//! through its operations, with an [`Operator`](crate::server::access::Operator) from
//! `access/`; they read the hub for snapshots and streams.

/// The JSON endpoints of the public API.
pub mod api;
/// Which build serves: its id, the header and the stream's `hello`.
pub mod build;
/// Brotli or gzip for what the server generates; never for the event stream.
pub mod compression;
/// `GET /api/events`: one multiplexed event stream per browser tab.
pub mod events;
/// What a stream is asked: topics, one job, a quote rate, where to resume.
mod events_query;
/// Methods a path does not serve, and server functions whose arguments did not decode.
pub mod fallbacks;
/// Headers every response carries, and CORS.
pub mod headers;
/// `/healthz` and `/readyz`.
pub mod health;
/// `POST /api/jobs` answered with the job's own event stream.
mod job_stream;
/// Prometheus: the recorder, the HTTP middleware and `/metrics`.
pub mod metrics;
/// What the page's server functions (`app/server_fns.rs`) do on the server.
pub mod page;
/// A cluster node serves pages and streams only once its hub holds the cluster's state.
pub mod positioned;
/// The HTML document around the app, and the page's Content-Security-Policy.
mod shell;
/// The dashboard's route and the server functions' routes.
pub mod ui;
/// A stream's viewer: counted among the watchers, told who watches, ended with its session.
mod watcher;

/// The site's files: embedded in the binary (`make dist`) or read from `target/site`.
#[cfg(feature = "embed")]
#[path = "site/embedded.rs"]
pub mod site;
#[cfg(not(feature = "embed"))]
#[path = "site/disk.rs"]
pub mod site;
