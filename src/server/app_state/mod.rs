//! Application state shared by every handler: built from the configuration (opening the
//! data dir, or joining the Redis engine), with what runs beside the requests. The
//! state-changing operations every way in shares are in `operations.rs`.

use crate::{
    protocol::Snapshot,
    server::{
        access::{
            limits::Limits,
            rates::{self, Rates},
        },
        clock::now_ms,
        config::{Config, MarketMode},
        engine::{
            Cluster, Journal, Lengths,
            disk::{Disk, OpenError},
            ids,
        },
        hub::{Hub, ReplayWindow},
        presence::Presence,
        producers::{
            jobs::{JobLimits, Jobs},
            market::{self, Market},
        },
    },
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::{Arc, Mutex, atomic::AtomicU64};
use tokio_util::sync::CancellationToken;

/// The operations the API, the page and the CLI share.
mod operations;

/// Where the Redis engine keeps its keys.
const KEY_PREFIX: &str = "livedash:";
/// Entries the engine's log keeps (about), for nodes catching up after a pause.
const LOG_LENGTH: usize = 100_000;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub hub: Hub,
    /// Which build serves (the bundle's hash and `--build-tag`): set by `router()`, which
    /// knows where the site's files are.
    pub build: Arc<str>,
    /// Where a single node publishes: the hub directly, or through the data dir.
    pub journal: Journal,
    pub jobs: Jobs,
    /// Fired on shutdown: event streams end, the market stops, jobs are cancelled.
    pub shutdown: CancellationToken,
    pub limits: Arc<Limits>,
    /// Per-client rates of state-changing operations.
    pub rates: Arc<Rates>,
    /// The Redis engine, when this node is one of a cluster: events go through its log.
    pub engine: Option<Cluster>,
    /// Who is watching (shared through Redis on a cluster).
    pub presence: Presence,
    next_toast_id: Arc<AtomicU64>,
    /// The simulated market until [`AppState::start_background`] hands it to its task; `None`
    /// with `--market off`.
    market: Arc<Mutex<Option<Market>>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// What the [`Operator`](crate::server::access::Operator) and
/// [`Viewer`](crate::server::access::Viewer) extractors read to authorize a request.
impl FromRef<AppState> for Arc<Config> {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
    }
}

/// Wrong credentials are charged to the client's sign-in rate.
impl FromRef<AppState> for Arc<Rates> {
    fn from_ref(state: &AppState) -> Self {
        state.rates.clone()
    }
}

impl AppState {
    /// The state of a server with `config`. Without `--ephemeral` or `--redis-url` it opens
    /// the data dir and continues from what it holds; a data dir that cannot be used (in use
    /// by another process, unreadable) is an error that names its path.
    pub fn new(config: Config, leptos_options: LeptosOptions) -> Result<AppState, OpenError> {
        let mut market = (config.market == MarketMode::Simulated)
            .then(|| Market::new(config.symbols.as_ref().map(|s| s.as_slice()), config.seed));
        let initial = Snapshot {
            quotes: market
                .as_mut()
                .map(|m| m.warm_up(now_ms()))
                .unwrap_or_default(),
            ..Snapshot::default()
        };
        let hub = Hub::new(
            initial,
            config.stream_buffer as usize,
            ReplayWindow {
                max_events: config.replay_events as usize,
                max_age: config.replay_age(),
            },
        );
        let shutdown = CancellationToken::new();
        let seed = config.seed.unwrap_or_else(now_ms);
        let limits = JobLimits {
            max_running: config.max_running_jobs as usize,
            max_queued: config.max_queued_jobs as usize,
            max_reported: config.max_reported_jobs as usize,
            report_timeout: std::time::Duration::from_secs(config.report_timeout_secs),
        };
        let engine = config.redis_url.as_deref().map(|url| {
            let lengths = Lengths {
                log: LOG_LENGTH,
                window: config.replay_events as usize,
            };
            let report_timeout = std::time::Duration::from_secs(config.report_timeout_secs);
            Cluster::start(
                url,
                KEY_PREFIX,
                lengths,
                report_timeout,
                hub.clone(),
                shutdown.clone(),
            )
            .expect("a valid Redis URL")
        });
        let (journal, max_job_id, max_toast_id) = match config.state_dir() {
            Some(dir) => {
                let opened = Disk::open(&dir, &hub)?;
                if opened.restored
                    && let Some(market) = market.as_mut()
                {
                    market.resume(&hub.read(|s| s.quotes.clone()));
                }
                tracing::info!(
                    "state kept in {} ({})",
                    dir.display(),
                    if opened.restored { "continued" } else { "new" }
                );
                let journal = Journal::disk(hub.clone(), opened.disk);
                (journal, opened.max_job_id, opened.max_toast_id)
            }
            None => (Journal::memory(hub.clone()), 0, 0),
        };
        // Ids continue above every id this log ever gave, from its epoch's base.
        let base = ids::base(hub.head_id().epoch);
        let jobs = Jobs::new(
            journal.clone(),
            engine.clone(),
            limits,
            seed,
            base.max(max_job_id) + 1,
            shutdown.clone(),
        );
        // Entries live while their stream does and for a short grace after.
        let presence = Presence::start(
            engine.as_ref(),
            2 * config.max_streams as usize,
            shutdown.clone(),
        );
        Ok(AppState {
            engine,
            presence,
            leptos_options,
            limits: Limits::new(&config),
            rates: Arc::new(Rates::new(&config)),
            config: Arc::new(config),
            hub,
            jobs,
            shutdown,
            next_toast_id: Arc::new(AtomicU64::new(base.max(max_toast_id) + 1)),
            market: Arc::new(Mutex::new(market)),
            journal,
            build: Arc::from(""),
        })
    }

    /// Starts what runs beside the requests until shutdown: the simulated market (once;
    /// with `--market simulated`) and the forgetting of idle clients' rates.
    pub fn start_background(&self) {
        let market = self.market.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(market) = market {
            let rate = self.config.quote_rate;
            market::spawn(
                market,
                &self.journal,
                self.engine.as_ref(),
                rate,
                &self.shutdown,
            );
        }
        tokio::spawn(prune_rates(self.rates.clone(), self.shutdown.clone()));
    }
}

/// Forgets idle clients' rate-limit state every minute, until shutdown.
async fn prune_rates(rates: Arc<Rates>, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(rates::PRUNE_EVERY);
    every.tick().await;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => {
                let kept = rates.prune();
                tracing::debug!(kept, "pruned idle clients from the rate limiters");
            }
        }
    }
}
