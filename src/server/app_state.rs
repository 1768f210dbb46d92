//! Application state shared by every handler, and the state-changing operations. The
//! public API, the page's controls (server functions) and the CLI all go through these:
//! each takes an [`Operator`] (proof of authorization, see `access/auth.rs`), charges the
//! caller's rate (`access/rates.rs`) and validates alike.

use super::{
    access::{
        Operator,
        limits::Limits,
        rates::{self, Action, Rates},
    },
    clock::now_ms,
    config::{Config, MarketMode},
    engine::{
        Cluster, Journal, Lengths, Unavailable,
        disk::{Disk, OpenError},
        ids,
    },
    error::ApiError,
    hub::{Hub, ReplayWindow},
    producers::{
        fed_quotes,
        jobs::{CancelError, CreateError, JobLimits, Jobs, QueueFull, ReportError, StartError},
        market::{self, Market},
    },
};
use crate::protocol::{
    Event, FedQuote, Job, JobId, JobReport, JobSpec, NotificationRequest, Snapshot, Toast,
    validate_batch,
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU64, Ordering},
};
use tokio_util::sync::CancellationToken;

/// Seconds a start refused for a full queue is asked to wait.
const JOB_QUEUE_RETRY_AFTER: u64 = 10;
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

/// What [`Operator`]'s extractor reads to authorize a request.
impl FromRef<AppState> for Arc<Config> {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
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
        jobs.recover();
        Ok(AppState {
            engine,
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

    /// Charges `operator` for one `action` (in-process callers are not limited).
    pub fn charge(&self, operator: &Operator, action: Action) -> Result<(), ApiError> {
        match operator.ip() {
            Some(ip) => self.rates.charge(ip, action),
            None => Ok(()),
        }
    }

    pub async fn start_job(&self, operator: &Operator, spec: JobSpec) -> Result<Job, ApiError> {
        self.charge(operator, Action::StartJob)?;
        spec.validate().map_err(ApiError::BadRequest)?;
        if let JobSpec::Reported(spec) = &spec {
            let created = self
                .jobs
                .create_reported(&spec.title, spec.total, spec.phases.as_deref())
                .await;
            return created.map_err(|e| match e {
                CreateError::TooMany(max) => ApiError::Unavailable {
                    message: format!(
                        "{max} reported jobs are running, the most allowed; end one first"
                    ),
                    retry_after: JOB_QUEUE_RETRY_AFTER,
                },
                CreateError::Unavailable(e) => e.into(),
            });
        }
        self.jobs.start(spec).await.map_err(|e| match e {
            StartError::QueueFull(QueueFull { queued }) => ApiError::Unavailable {
                message: format!(
                    "the job queue is full ({queued} jobs wait to run); try again later"
                ),
                retry_after: JOB_QUEUE_RETRY_AFTER,
            },
            StartError::Unavailable(e) => e.into(),
        })
    }

    pub async fn cancel_job(&self, operator: &Operator, id: JobId) -> Result<(), ApiError> {
        self.charge(operator, Action::CancelJob)?;
        self.jobs.cancel(id).await.map_err(|e| match e {
            CancelError::NotFound => ApiError::NotFound(format!("no job with id {id}")),
            CancelError::AlreadyFinished(state) => {
                ApiError::Conflict(format!("job {id} already {}", state.as_str()))
            }
            CancelError::Unavailable(e) => e.into(),
        })
    }

    /// Applies a reporter's report to its job; a job that ended answers with its state.
    pub async fn report_job(
        &self,
        operator: &Operator,
        id: JobId,
        report: JobReport,
    ) -> Result<Job, ApiError> {
        self.charge(operator, Action::Report)?;
        self.jobs.report(id, report).await.map_err(|e| match e {
            ReportError::NotFound => ApiError::NotFound(format!("no job with id {id}")),
            ReportError::Ended(state) => ApiError::JobNotRunning {
                message: format!("job {id} already {}", state.as_str()),
                state,
            },
            ReportError::Simulated(state) => ApiError::JobNotRunning {
                message: format!("job {id} is simulated here, not reported"),
                state,
            },
            ReportError::Invalid(message) => ApiError::BadRequest(message),
            ReportError::Unavailable(e) => e.into(),
        })
    }

    /// Publishes a notification to every connected dashboard.
    pub async fn notify(
        &self,
        operator: &Operator,
        request: NotificationRequest,
    ) -> Result<Toast, ApiError> {
        self.charge(operator, Action::Notify)?;
        request.validate().map_err(ApiError::BadRequest)?;
        let id = match &self.engine {
            Some(cluster) => cluster.next_id("toast").await?,
            None => self.next_toast_id.fetch_add(1, Ordering::Relaxed),
        };
        let toast = Toast {
            id,
            level: request.level,
            title: request.title.trim().to_owned(),
            body: request.body.trim().to_owned(),
            ts_ms: now_ms(),
        };
        self.publish(Event::Toast(toast.clone())).await?;
        Ok(toast)
    }

    /// Publishes a batch of fed quotes; returns how many.
    pub async fn feed_quotes(
        &self,
        operator: &Operator,
        batch: Vec<FedQuote>,
    ) -> Result<usize, ApiError> {
        self.charge(operator, Action::FeedQuotes)?;
        let batch = validate_batch(batch).map_err(ApiError::BadRequest)?;
        let quotes = self
            .hub
            .read(|state| fed_quotes::price(state, batch, now_ms()))
            .map_err(ApiError::BadRequest)?;
        let count = quotes.len();
        for quote in quotes {
            self.publish(Event::Quote(quote)).await?;
        }
        Ok(count)
    }

    /// Publishes an event: into the engine's log (returning once Redis has it), or through
    /// this node's journal (returning once it is on disk, with a data dir).
    pub async fn publish(&self, event: Event) -> Result<(), Unavailable> {
        match &self.engine {
            Some(cluster) => cluster.publish(event).await.map(drop),
            None => self.journal.publish(event).await.map(drop),
        }
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
