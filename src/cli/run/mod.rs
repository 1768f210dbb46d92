//! `livedash run -- COMMAND`: a command run as a reported job. Its output is passed through
//! and becomes the job's log; `::` directives move the bar; its exit status ends the job
//! and is ours. A cancel from the dashboard or the API (seen on the event stream, or as a
//! 409 to a report) terminates it; Ctrl-C or SIGTERM cancels the job.

mod child;
mod directive;
mod pending;
mod relay;
mod reporter;

use super::{
    args::RunArgs,
    client::Client,
    exit,
    feed::{Feed, Item},
    signals::Signals,
};
use crate::protocol::{
    Event, Job, JobId, JobSpec, JobState, ReportedEnd, ReportedPhase, ReportedSpec,
};
use pending::{Pending, Shape};
use relay::{Sink, relay};
use reporter::{Cancelled, Reporter};
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

/// How often gathered output is reported.
const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// How long the command's output may take to drain after it exits (a background process it
/// left may hold the pipes open forever).
const DRAIN: Duration = Duration::from_secs(2);

enum End {
    Exited(std::process::ExitStatus),
    Cancelled,
    Interrupted,
}

pub async fn run(args: RunArgs) -> u8 {
    // Listening before anything starts: a Ctrl-C at any point cancels the job.
    let mut signals = Signals::new();
    let client = Client::new(&args.client);
    let job: Job = match client.post("/api/jobs", &spec_of(&args)).await {
        Ok(job) => job,
        Err(e) => {
            eprintln!("livedash: {e}");
            return e.exit_code();
        }
    };
    eprintln!("livedash: running as job {} on {}", job.id, client.server());
    // The job's own page, where anyone with access follows it live.
    eprintln!("Follow: {}", client.url(&crate::app::job_path(job.id)));
    let shape = match (&args.total, args.phases.is_empty()) {
        (Some(total), _) => Shape::Counted { total: *total },
        (None, false) => Shape::Phased {
            names: args.phases.clone(),
        },
        (None, true) => Shape::Open,
    };
    let pending = Arc::new(Mutex::new(Pending::new(shape)));
    let mut reporter = Reporter::new(client.clone(), job.id);
    let (mut running, stdout, stderr) = match child::start(&args.command) {
        Ok(started) => started,
        Err(not_started) => {
            eprintln!("livedash: {}", not_started.message);
            let error = Some(not_started.message);
            reporter.finish(&pending, ReportedEnd::Failed, error).await;
            return not_started.code;
        }
    };
    let readers = [
        tokio::spawn(relay(stdout, Sink::Stdout, pending.clone())),
        tokio::spawn(relay(stderr, Sink::Stderr, pending.clone())),
    ];
    let mut cancelled = tokio::spawn(cancel_seen(client.clone(), job.id));
    let heartbeat = Duration::from_secs(args.heartbeat_secs);
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    let end = loop {
        tokio::select! {
            status = running.child.wait() => break status.map_or(End::Cancelled, End::Exited),
            _ = tick.tick() => {
                if let Err(Cancelled) = reporter.flush(&pending, heartbeat).await {
                    break End::Cancelled;
                }
            }
            _ = &mut cancelled => break End::Cancelled,
            _ = signals.next() => break End::Interrupted,
        }
    };
    cancelled.abort();
    let grace = Duration::from_secs(args.grace_secs);
    let code = match end {
        End::Exited(status) => {
            drain(readers).await;
            let (end, error) = match status.success() {
                true => (ReportedEnd::Completed, None),
                false => (ReportedEnd::Failed, Some(child::describe(status))),
            };
            reporter.finish(&pending, end, error).await;
            return child::code_of(status);
        }
        End::Cancelled => {
            eprintln!(
                "livedash: job {} was cancelled; stopping the command",
                job.id
            );
            exit::INTERRUPTED
        }
        End::Interrupted => {
            eprintln!("livedash: interrupted; cancelling job {}", job.id);
            let path = format!("/api/jobs/{}/cancel", job.id);
            if let Err(e) = client.post::<_, serde_json::Value>(&path, &()).await {
                eprintln!("livedash: {e}");
            }
            exit::INTERRUPTED
        }
    };
    // A second Ctrl-C does not wait for the grace period.
    running.terminate(grace, signals.next()).await;
    drain(readers).await;
    code
}

/// The job `run` asks for: titled by the command line unless told otherwise.
fn spec_of(args: &RunArgs) -> JobSpec {
    let command_line = args
        .command
        .iter()
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    let title = args.title.clone().unwrap_or(command_line);
    let title = match title.chars().count() > JobSpec::MAX_TITLE {
        true => title
            .chars()
            .take(JobSpec::MAX_TITLE - 1)
            .chain(['…'])
            .collect(),
        false => title,
    };
    let phases = args.phases.iter().map(|name| ReportedPhase {
        name: name.clone(),
        weight: 1.0,
    });
    JobSpec::Reported(ReportedSpec {
        title,
        total: args.total,
        phases: (!args.phases.is_empty()).then(|| phases.collect()),
    })
}

/// Resolves when the event stream shows the job cancelled; never otherwise (a stream that
/// cannot be had leaves it to the 409 the next report gets).
async fn cancel_seen(client: Client, job: JobId) {
    let mut feed = Feed::new(client, &format!("/api/events?topics=jobs&job={job}"));
    let cancelled = |j: &Job| j.id == job && j.state == JobState::Cancelled;
    loop {
        match feed.next().await {
            Ok(Item::Event(event, _)) => match *event {
                Event::Job(j) if cancelled(&j) => return,
                Event::Snapshot(s) if s.jobs.iter().any(cancelled) => return,
                _ => {}
            },
            Ok(_) => {}
            Err(_) => std::future::pending().await,
        }
    }
}

/// Waits for the command's output to be relayed to its end, but not for ever.
async fn drain(readers: [tokio::task::JoinHandle<()>; 2]) {
    for reader in readers {
        let abort = reader.abort_handle();
        if tokio::time::timeout(DRAIN, reader).await.is_err() {
            abort.abort();
        }
    }
}
