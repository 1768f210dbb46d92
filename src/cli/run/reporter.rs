//! Sends what [`Pending`] gathered as the job's reports, and learns from the answers: a 409
//! saying `cancelled` means stop the command; a server away for a while means keep the
//! lines and try again (the command never waits for the dashboard).

use super::pending::Pending;
use crate::cli::client::{CliError, Client};
use crate::protocol::{Job, JobId, JobReport, JobState, ReportedEnd};
use reqwest::StatusCode;
use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

/// Reports one flush may send back to back (a chatty command waits for the next tick).
const MAX_REPORTS_PER_FLUSH: usize = 10;

/// The job was cancelled (from the dashboard or the API).
pub struct Cancelled;

pub struct Reporter {
    client: Client,
    job: JobId,
    path: String,
    last_sent: Instant,
    /// The server ended the job (other than by cancelling it) or refuses our token: the
    /// command runs on, unreported.
    stopped: bool,
    /// A warning about the server being away was printed and not yet taken back.
    away: bool,
}

impl Reporter {
    pub fn new(client: Client, job: JobId) -> Reporter {
        Reporter {
            client,
            job,
            path: format!("/api/jobs/{job}/report"),
            last_sent: Instant::now(),
            stopped: false,
            away: false,
        }
    }

    /// Sends what is pending, or an empty report when nothing was sent for `heartbeat`.
    pub async fn flush(
        &mut self,
        pending: &Mutex<Pending>,
        heartbeat: Duration,
    ) -> Result<(), Cancelled> {
        for _ in 0..MAX_REPORTS_PER_FLUSH {
            let report = {
                let mut pending = pending.lock().expect("no panics while holding it");
                if !pending.is_empty() {
                    pending.take()
                } else if self.last_sent.elapsed() >= heartbeat {
                    JobReport::default()
                } else {
                    return Ok(());
                }
            };
            if self.stopped {
                return Ok(());
            }
            match self.send(&report).await {
                Ok(()) => {}
                Err(e) if e.ended_state() == Some(JobState::Cancelled) => return Err(Cancelled),
                Err(e) if e.is_transient() => {
                    pending
                        .lock()
                        .expect("no panics while holding it")
                        .restore(report);
                    if !std::mem::replace(&mut self.away, true) {
                        eprintln!("livedash: {e}; keeping the output to report later");
                    }
                    return Ok(());
                }
                Err(e) => self.refused(e, report).await?,
            }
        }
        Ok(())
    }

    /// Sends the rest of the output, then the end: completed, or failed with `error`.
    pub async fn finish(
        &mut self,
        pending: &Mutex<Pending>,
        end: ReportedEnd,
        error: Option<String>,
    ) {
        loop {
            if self.stopped {
                return;
            }
            let (mut report, last) = {
                let mut pending = pending.lock().expect("no panics while holding it");
                let report = pending.take();
                (report, pending.is_empty())
            };
            if last {
                (report.state, report.error) = (Some(end), error.clone());
            }
            // A server that is away gets a few more chances with the end of the job.
            let mut outcome = self.send(&report).await;
            for pause in [1, 2, 4] {
                match &outcome {
                    Err(e) if e.is_transient() => {
                        tokio::time::sleep(Duration::from_secs(pause)).await;
                        outcome = self.send(&report).await;
                    }
                    _ => break,
                }
            }
            match outcome {
                Ok(()) if last => return,
                Ok(()) => {}
                Err(e) if e.ended_state().is_some() || e.is_transient() => {
                    eprintln!("livedash: {e}");
                    return;
                }
                Err(e) => {
                    if self.refused(e, report).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    async fn send(&mut self, report: &JobReport) -> Result<(), CliError> {
        let _: Job = self.client.post(&self.path, report).await?;
        self.last_sent = Instant::now();
        if std::mem::take(&mut self.away) {
            eprintln!("livedash: reporting again");
        }
        Ok(())
    }

    /// A report the server refused for good: a 400 for its progress is sent again without
    /// it (the log lines are not lost to a bad `::progress`); an ended job or a refused
    /// token stops the reporting.
    async fn refused(&mut self, e: CliError, report: JobReport) -> Result<(), Cancelled> {
        eprintln!("livedash: {e}");
        let CliError::Refused { status, state, .. } = &e else {
            return Ok(());
        };
        match (*status, *state) {
            (_, Some(JobState::Cancelled)) => Err(Cancelled),
            (StatusCode::BAD_REQUEST, _) if report.log.is_some() => {
                let lines_only = JobReport {
                    log: report.log,
                    state: report.state,
                    error: report.error,
                    ..JobReport::default()
                };
                match self.send(&lines_only).await {
                    Err(e) if e.ended_state() == Some(JobState::Cancelled) => Err(Cancelled),
                    _ => Ok(()),
                }
            }
            (StatusCode::BAD_REQUEST, _) => Ok(()),
            (_, state) => {
                let why = state.map_or("it refuses our reports".into(), |s| {
                    format!("the job is {}", s.as_str())
                });
                eprintln!(
                    "livedash: no longer reporting job {} ({why}); the command runs on",
                    self.job
                );
                self.stopped = true;
                Ok(())
            }
        }
    }
}
