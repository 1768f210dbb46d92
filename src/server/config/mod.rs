//! Runtime configuration: every knob is a flag with an environment-variable twin.

pub use access::{AccessFlags, MAX_USER_LEN, ScopedUser, ViewToken};
use axum_client_ip::ClientIpSource;
use clap::Parser;
use std::{str::FromStr, time::Duration};
pub use values::{LogFormat, MarketMode, Symbols};
use values::{parse_origin, parse_rate, parse_redis_url, parse_symbols, parse_tag, parse_token};

/// livedash: a live dashboard over Server-Sent Events.
///
/// The listen address comes from Leptos' own configuration (`LEPTOS_SITE_ADDR`, default
/// 127.0.0.1:3000), so `cargo leptos` and the binary agree on it.
#[derive(Clone, Debug, Parser)]
#[command(version, about)]
pub struct Config {
    /// Address to listen on; defaults to Leptos' site address (`LEPTOS_SITE_ADDR`,
    /// 127.0.0.1:3000), which `cargo leptos` sets.
    #[arg(long, env = "LIVEDASH_ADDR")]
    pub addr: Option<std::net::SocketAddr>,

    /// Certificate chain (PEM) for HTTPS; with `--tls-key`, the server speaks HTTPS with
    /// HTTP/2 and HTTP/1.1 (by ALPN) instead of plain HTTP.
    #[arg(long, env = "LIVEDASH_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,

    /// Private key (PEM) for `--tls-cert`.
    #[arg(long, env = "LIVEDASH_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,

    /// Log lines as human-readable text or as JSON objects (one per line).
    #[arg(long, env = "LIVEDASH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Symbols the simulated market quotes, comma-separated (e.g. `AAPL,MSFT,ACME`). Known
    /// ones keep their company name and typical price; others open at a random price.
    /// Unset: 24 large US stocks.
    #[arg(long, env = "LIVEDASH_SYMBOLS", value_parser = parse_symbols)]
    pub symbols: Option<Symbols>,

    /// Where the ticker's prices come from: `simulated` runs the built-in market (prices
    /// fed through `POST /api/quotes` join it); `off` shows only what is fed.
    #[arg(long, env = "LIVEDASH_MARKET", value_enum, default_value_t = MarketMode::Simulated)]
    pub market: MarketMode,

    /// Quote updates per second across all symbols: 0.01 to 10000.
    #[arg(long, env = "LIVEDASH_QUOTE_RATE", default_value_t = 12.0, value_parser = parse_rate)]
    pub quote_rate: f64,

    /// Seed for the simulated market and jobs; the same seed gives the same prices.
    #[arg(long, env = "LIVEDASH_SEED")]
    pub seed: Option<u64>,

    /// Seconds between heartbeat comments on idle event streams.
    #[arg(long, env = "LIVEDASH_HEARTBEAT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub heartbeat_secs: u64,

    /// Seconds a browser keeps its stream open while none of its tabs is visible; it
    /// reopens the moment one is shown again (missed events are replayed).
    #[arg(long, env = "LIVEDASH_HIDDEN_PAUSE_SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub hidden_pause_secs: u64,

    /// Reconnect delay the server suggests to browsers (SSE `retry:`), in milliseconds.
    #[arg(long, env = "LIVEDASH_RETRY_MS", default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    pub retry_ms: u64,

    /// Seconds to wait for open requests after a shutdown signal before exiting anyway.
    #[arg(long, env = "LIVEDASH_SHUTDOWN_GRACE_SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=300))]
    pub shutdown_grace_secs: u64,

    /// Token every state-changing operation needs (notifications, starting and cancelling
    /// jobs): from scripts as `Authorization: Bearer <token>`, from the page by signing in
    /// with it once. Unset, everyone may operate: fine on a laptop, not on a network.
    #[arg(long, env = "LIVEDASH_PUBLISH_TOKEN", hide_env_values = true, value_parser = parse_token)]
    pub publish_token: Option<String>,

    /// Who may watch (viewer access, off by default).
    #[command(flatten)]
    pub access: AccessFlags,

    /// The origin browsers use to reach the dashboard (e.g. `https://dash.example.com`)
    /// when a reverse proxy in front rewrites `Host`; the page's own requests are recognised
    /// by it. Unset: the authority each request was sent to.
    #[arg(long, env = "LIVEDASH_PUBLIC_ORIGIN", value_parser = parse_origin)]
    pub public_origin: Option<String>,

    /// Other origins (e.g. `https://ops.example.com`) allowed to call the API and the
    /// stream from a browser; comma-separated. Unset: same-origin only.
    #[arg(long, env = "LIVEDASH_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Event streams open at once, in total (503 with `Retry-After` beyond).
    #[arg(long, env = "LIVEDASH_MAX_STREAMS", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_streams: u32,

    /// Event streams one client IP may hold open (429 with `Retry-After` beyond).
    #[arg(long, env = "LIVEDASH_MAX_STREAMS_PER_IP", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_streams_per_ip: u32,

    /// Where a client's address comes from, for the per-client limits: `ConnectInfo` (the
    /// TCP peer: clients connect directly) or the header a reverse proxy sets:
    /// `RightmostXForwardedFor`, `XRealIp`, `RightmostForwarded`... (any source of the
    /// axum-client-ip crate). Use a header only if clients can reach the server through
    /// that proxy alone, as they could forge it otherwise.
    #[arg(long, env = "LIVEDASH_CLIENT_IP_SOURCE", default_value = "ConnectInfo", value_parser = ClientIpSource::from_str)]
    pub client_ip_source: ClientIpSource,

    /// Notifications one client IP may publish per minute (429 with `Retry-After` beyond).
    #[arg(long, env = "LIVEDASH_PUBLISH_PER_MINUTE", default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..))]
    pub publish_per_minute: u32,

    /// Jobs one client IP may start per minute (429 with `Retry-After` beyond).
    #[arg(long, env = "LIVEDASH_JOBS_PER_MINUTE", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub jobs_per_minute: u32,

    /// Jobs that may wait for a free slot; a start beyond that is refused (503 with
    /// `Retry-After`).
    #[arg(long, env = "LIVEDASH_MAX_QUEUED_JOBS", default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub max_queued_jobs: u32,

    /// Reported jobs (driven through `POST /api/jobs/{id}/report`) that may be running at
    /// once; a creation beyond that is refused (503 with `Retry-After`).
    #[arg(long, env = "LIVEDASH_MAX_REPORTED_JOBS", default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub max_reported_jobs: u32,

    /// Seconds a reported job may go without a report before it ends `failed`.
    #[arg(long, env = "LIVEDASH_REPORT_TIMEOUT_SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub report_timeout_secs: u64,

    /// Run as one node of a cluster on this Redis (e.g. `redis://10.0.0.5:6379/0`): every
    /// event goes through its log, every node serves every client. Unset: one process with
    /// nothing to install.
    #[arg(long, env = "LIVEDASH_REDIS_URL", hide_env_values = true, value_parser = parse_redis_url)]
    pub redis_url: Option<String>,

    /// Where a single node keeps its state (an SQLite database and its lock): the event log,
    /// the jobs, the feed and the prices, so a restart loses nothing. Default:
    /// `$STATE_DIRECTORY` (systemd's `StateDirectory=`), else `$XDG_STATE_HOME/livedash`,
    /// else `~/.local/state/livedash`. Not used with `--redis-url` (Redis is the store).
    #[arg(long, env = "LIVEDASH_DATA_DIR", conflicts_with = "ephemeral")]
    pub data_dir: Option<std::path::PathBuf>,

    /// Appended to the build id (the hash of the browser bundle): a page open on another
    /// build reloads itself. Change it to make open pages reload after a change that is not
    /// in the bundle. 1 to 32 letters, digits, `.`, `_` or `-`.
    #[arg(long, env = "LIVEDASH_BUILD_TAG", value_parser = parse_tag)]
    pub build_tag: Option<String>,

    /// Keep everything in memory only: a restart starts empty (demos, tests).
    #[arg(long, env = "LIVEDASH_EPHEMERAL")]
    pub ephemeral: bool,

    /// Seconds a connection may take to send a request's headers, and may stay idle
    /// between requests, before it is closed.
    #[arg(long, env = "LIVEDASH_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_timeout_secs: u64,

    /// Jobs that may run at once; the rest wait in the `queued` state.
    #[arg(long, env = "LIVEDASH_MAX_RUNNING_JOBS", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub max_running_jobs: u32,

    /// Job and toast events kept for clients that resume (`Last-Event-ID`).
    #[arg(long, env = "LIVEDASH_REPLAY_EVENTS", default_value_t = 4_096, value_parser = clap::value_parser!(u32).range(0..=10_000_000))]
    pub replay_events: u32,

    /// Seconds job and toast events are kept for clients that resume.
    #[arg(long, env = "LIVEDASH_REPLAY_SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub replay_secs: u64,

    /// Events buffered per stream before a slow client is caught up from the replay window
    /// (or, beyond it, resynchronised with a snapshot).
    #[arg(long, env = "LIVEDASH_STREAM_BUFFER", default_value_t = 1_024, value_parser = clap::value_parser!(u32).range(16..=1_000_000))]
    pub stream_buffer: u32,
}

impl Config {
    pub fn heartbeat(&self) -> Duration {
        Duration::from_secs(self.heartbeat_secs)
    }

    pub fn hidden_pause(&self) -> Duration {
        Duration::from_secs(self.hidden_pause_secs)
    }

    pub fn allowed_origins(&self) -> impl Iterator<Item = &str> {
        self.cors_origins.iter().map(String::as_str)
    }

    /// Where this node keeps its state: `None` with `--ephemeral`, or on a cluster (Redis
    /// keeps it).
    pub fn state_dir(&self) -> Option<std::path::PathBuf> {
        if self.ephemeral || self.redis_url.is_some() {
            return None;
        }
        Some(
            self.data_dir
                .clone()
                .unwrap_or_else(values::default_data_dir),
        )
    }

    /// How long a resuming client may have been away: `--replay-secs`.
    pub fn replay_age(&self) -> Duration {
        Duration::from_secs(self.replay_secs)
    }
}

impl Config {
    /// Parses `args` (the program name first) as the command line, ignoring the
    /// environment: what tests and embedders get is what they wrote, whatever a developer's
    /// shell exports.
    pub fn from_args<I, T>(args: I) -> Result<Config, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{CommandFactory, FromArgMatches};
        let command = Config::command().mut_args(|arg| arg.env(None::<&str>));
        Config::from_arg_matches(&command.try_get_matches_from(args)?)
    }
}

impl Default for Config {
    /// The documented defaults, ignoring the process environment (for tests and embedding).
    fn default() -> Self {
        Config::from_args(["livedash"]).expect("the defaults are valid")
    }
}

/// The flags of viewer access.
mod access;
/// The values flags take, and how each is read and checked.
mod values;

#[cfg(test)]
mod tests;
