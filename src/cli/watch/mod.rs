//! `livedash watch [JOB]`: jobs followed live in the terminal over the event stream.
//!
//! With a job id it ends with the job: 0 completed, [`exit::JOB_FAILED`], or
//! [`exit::JOB_CANCELLED`]. A server that restarted shows up as a snapshot of a new epoch
//! (the first half of every event id): if the job is not in it, it was lost, and watching
//! it any longer would wait forever ([`exit::JOB_UNKNOWN`]).

mod view;

use super::{
    args::WatchArgs,
    client::Client,
    exit,
    feed::{Feed, Item},
    signals::Signals,
};
use crate::protocol::{Event, EventId, Job, JobId, JobState};
use view::View;

pub async fn watch(args: WatchArgs) -> u8 {
    let mut signals = Signals::new();
    let client = Client::new(&args.client);
    // One job: the server sends that job's events only.
    let path = match args.job {
        Some(job) => format!("/api/events?topics=jobs&job={job}"),
        None => "/api/events?topics=jobs".to_owned(),
    };
    let mut feed = Feed::new(client, &path);
    let mut watcher = Watcher {
        target: args.job,
        created: None,
        epoch: None,
        view: View::new(),
    };
    let mut connections = 0u32;
    loop {
        let item = tokio::select! {
            item = feed.next() => item,
            _ = signals.next() => {
                watcher.view.clear();
                return exit::INTERRUPTED;
            }
        };
        let outcome = match item {
            Ok(Item::Connected) => {
                connections += 1;
                if connections > 1 {
                    watcher.view.note("reconnected");
                }
                None
            }
            Ok(Item::Dropped(reason)) => {
                watcher.view.note(&format!("{reason}; reconnecting…"));
                None
            }
            Ok(Item::Event(event, id)) => watcher.take(*event, id),
            Err(e) => {
                watcher.view.clear();
                eprintln!("livedash: {e}");
                return e.exit_code();
            }
        };
        if let Some(code) = outcome {
            watcher.view.clear();
            return code;
        }
    }
}

struct Watcher {
    target: Option<JobId>,
    /// When the target job was created, once seen: a job of the same id created at another
    /// time (by a restarted server) is not it.
    created: Option<u64>,
    epoch: Option<u64>,
    view: View,
}

impl Watcher {
    /// Takes one event; `Some(exit code)` when watching is over.
    fn take(&mut self, event: Event, id: Option<EventId>) -> Option<u8> {
        let new_epoch = id.map(|id| id.epoch).filter(|e| Some(*e) != self.epoch);
        if let Some(epoch) = new_epoch {
            // Another lifetime of the server: the jobs shown so far are not its jobs.
            if self.epoch.replace(epoch).is_some() && self.target.is_none() {
                self.view.reset();
                self.view.note("the server restarted; following its jobs");
            }
        }
        match event {
            Event::Snapshot(snapshot) => {
                let Some(target) = self.target else {
                    for job in snapshot.jobs.iter().filter(|j| !j.state.is_final()) {
                        self.view.update(job);
                    }
                    return None;
                };
                let same = |job: &&Job| {
                    job.id == target && self.created.is_none_or(|c| c == job.created_ms)
                };
                match snapshot.jobs.iter().find(same) {
                    Some(job) => self.see(job.clone()),
                    None if self.created.is_some() => {
                        self.say(&format!(
                            "job {target} is gone: the server restarted and no longer knows it"
                        ));
                        Some(exit::JOB_UNKNOWN)
                    }
                    None => {
                        self.say(&format!("the server has no job {target}"));
                        Some(exit::JOB_UNKNOWN)
                    }
                }
            }
            Event::Job(job) if self.target.is_none_or(|t| t == job.id) => self.see(job),
            _ => None,
        }
    }

    fn see(&mut self, job: Job) -> Option<u8> {
        self.view.update(&job);
        self.target?;
        let code = match job.state {
            JobState::Completed => Some(0),
            JobState::Failed => Some(exit::JOB_FAILED),
            JobState::Cancelled => Some(exit::JOB_CANCELLED),
            JobState::Queued | JobState::Running => None,
        };
        self.created.get_or_insert(job.created_ms);
        code
    }

    fn say(&mut self, line: &str) {
        self.view.clear();
        eprintln!("livedash: {line}");
    }
}
