//! Application state shared by every handler, and the operations both the public API and
//! the page's own controls (server functions) go through, so they validate alike.

use super::{
    Config,
    error::ApiError,
    hub::Hub,
    jobs::{CancelError, Jobs},
    limits::Limits,
    market::Market,
    now_ms, site,
};
use crate::protocol::{Event, Job, JobId, JobSpec, NotificationRequest, Snapshot, Toast};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU64, Ordering},
};
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub hub: Hub,
    pub jobs: Jobs,
    /// Fired on shutdown: event streams end, the market stops, jobs are cancelled.
    pub shutdown: CancellationToken,
    pub limits: Arc<Limits>,
    next_toast_id: Arc<AtomicU64>,
    /// The market until [`AppState::take_market`] hands it to its task.
    market: Arc<Mutex<Option<Market>>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    pub fn new(config: Config, leptos_options: LeptosOptions) -> AppState {
        let mut market = Market::new(config.symbols.as_ref().map(|s| s.as_slice()), config.seed);
        let initial = Snapshot {
            quotes: market.warm_up(now_ms()),
            ..Snapshot::default()
        };
        let hub = Hub::new(
            initial,
            config.stream_buffer as usize,
            config.replay_window(),
        );
        let shutdown = CancellationToken::new();
        let seed = config.seed.unwrap_or_else(now_ms);
        let jobs = Jobs::new(
            hub.clone(),
            config.max_running_jobs as usize,
            seed,
            shutdown.clone(),
        );
        AppState {
            leptos_options: site::leptos_options(leptos_options),
            limits: Limits::new(&config),
            config: Arc::new(config),
            hub,
            jobs,
            shutdown,
            next_toast_id: Arc::new(AtomicU64::new(1)),
            market: Arc::new(Mutex::new(Some(market))),
        }
    }

    /// The state inside a server function (leptos_axum provides the router state there).
    pub fn from_context() -> Result<AppState, leptos::prelude::ServerFnError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            leptos::prelude::ServerFnError::new("application state is not available here")
        })
    }

    /// The market, once: whoever runs the feed takes it.
    pub fn take_market(&self) -> Option<Market> {
        self.market.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    pub fn start_job(&self, spec: JobSpec) -> Result<Job, ApiError> {
        spec.validate().map_err(ApiError::BadRequest)?;
        Ok(self.jobs.start(spec))
    }

    pub fn cancel_job(&self, id: JobId) -> Result<(), ApiError> {
        self.jobs.cancel(id).map_err(|e| match e {
            CancelError::NotFound => ApiError::NotFound(format!("no job with id {id}")),
            CancelError::AlreadyFinished(state) => {
                ApiError::Conflict(format!("job {id} already {}", state.as_str()))
            }
        })
    }

    /// Publishes a notification to every connected dashboard.
    pub fn notify(&self, request: NotificationRequest) -> Result<Toast, ApiError> {
        request.validate().map_err(ApiError::BadRequest)?;
        let toast = Toast {
            id: self.next_toast_id.fetch_add(1, Ordering::Relaxed),
            level: request.level,
            title: request.title.trim().to_owned(),
            body: request.body.trim().to_owned(),
            ts_ms: now_ms(),
        };
        self.hub.publish(Event::Toast(toast.clone()));
        Ok(toast)
    }
}
