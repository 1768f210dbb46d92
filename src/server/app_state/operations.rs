//! The state-changing operations: the public API, the page's controls (server functions)
//! and the CLI all go through these. Each takes an [`Operator`] (proof of authorization,
//! see `access/auth.rs`), charges the caller's rate (`access/rates.rs`) and validates
//! alike, then publishes through the store: on disk, answered once the event is committed.

use super::AppState;
use crate::{
    protocol::{
        Event, FedQuote, Job, JobId, JobReport, JobSpec, NotificationRequest, Toast, validate_batch,
    },
    server::{
        access::{Operator, rates::Action},
        clock::now_ms,
        engine::Unavailable,
        error::ApiError,
        producers::{
            fed_quotes,
            jobs::{CancelError, CreateError, QueueFull, ReportError, StartError},
        },
    },
};
use std::sync::atomic::Ordering;

/// Seconds a start refused for a full queue is asked to wait.
const JOB_QUEUE_RETRY_AFTER: u64 = 10;

impl AppState {
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
            link: request.link,
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
