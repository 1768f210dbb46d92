//! Integration tests: a real server on 127.0.0.1:0, spoken to over HTTP.

mod api {
    pub mod companion;
    pub mod nginx;
    pub mod node_process;
    pub mod proxy;
    pub mod redis_server;
    pub mod support;
}
#[path = "api/access.rs"]
mod access;
#[path = "api/build.rs"]
mod build;
#[path = "api/cli.rs"]
mod cli;
#[path = "api/cli_run.rs"]
mod cli_run;
#[path = "api/cli_watch.rs"]
mod cli_watch;
#[path = "api/cluster.rs"]
mod cluster;
#[path = "api/cluster_market.rs"]
mod cluster_market;
#[path = "api/cluster_reported.rs"]
mod cluster_reported;
#[path = "api/cluster_slow.rs"]
mod cluster_slow;
#[path = "api/compression.rs"]
mod compression;
#[path = "api/connections.rs"]
mod connections;
#[path = "api/durable.rs"]
mod durable;
#[path = "api/durable_faults.rs"]
mod durable_faults;
#[path = "api/engine_cluster.rs"]
mod engine_cluster;
#[path = "api/engine_follow.rs"]
mod engine_follow;
#[path = "api/engine_lease.rs"]
mod engine_lease;
#[path = "api/engine_store.rs"]
mod engine_store;
#[path = "api/errors.rs"]
mod errors;
#[path = "api/failover.rs"]
mod failover;
#[path = "api/headers.rs"]
mod headers;
#[path = "api/health.rs"]
mod health;
#[path = "api/job_page.rs"]
mod job_page;
#[path = "api/jobs.rs"]
mod jobs;
#[path = "api/limits.rs"]
mod limits;
#[path = "api/metrics.rs"]
mod metrics;
#[path = "api/notifications.rs"]
mod notifications;
#[path = "api/operator.rs"]
mod operator;
#[path = "api/page.rs"]
mod page;
#[path = "api/parallel_render.rs"]
mod parallel_render;
#[path = "api/post_stream.rs"]
mod post_stream;
#[path = "api/presence.rs"]
mod presence;
#[path = "api/quotes.rs"]
mod quotes;
#[path = "api/reported.rs"]
mod reported;
#[path = "api/resume.rs"]
mod resume;
#[path = "api/security.rs"]
mod security;
#[path = "api/shutdown.rs"]
mod shutdown;
#[path = "api/slow.rs"]
mod slow;
#[path = "api/sso.rs"]
mod sso;
#[path = "api/stream.rs"]
mod stream;
#[path = "api/tls.rs"]
mod tls;
#[path = "api/wire.rs"]
mod wire;
