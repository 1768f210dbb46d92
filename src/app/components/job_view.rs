//! A job's page, live: the whole of its progress, its timeline, its longer log and its
//! cancel control (under the same access as the dashboard's).

use super::{
    ConnectionBadge, UpdateNotice,
    job_card::{cancel_form, detail, log_box, progress},
    post_form::{Post, post_error},
};
use crate::{
    app::{
        format::{clock, duration},
        store::Store,
    },
    protocol::{Job, JobDetail, JobId, JobLines, JobState},
};
use leptos::{either::Either, prelude::*};

#[component]
pub fn JobView(id: JobId, store: Store, log: RwSignal<JobLines>) -> impl IntoView {
    let cancel = Post::new();
    let job = Memo::new(move |_| {
        store
            .jobs
            .with(|jobs| jobs.iter().find(|j| j.id == id).cloned())
    });
    let can_operate = Memo::new(move |_| store.access.get().can_operate());
    view! {
        <UpdateNotice updated=store.updated/>
        <main class="job-main">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href="/">"Dashboard"</a>
                <span aria-hidden="true">" / "</span>
                <span aria-current="page">{format!("Job {id}")}</span>
                <ConnectionBadge status=store.connection/>
            </nav>
            {move || job.with(|job| job.as_ref().map(|job| summary(job, can_operate.get(), cancel)))}
            {post_error(&[cancel])}
            <section class="panel job-log-panel" aria-labelledby="log-title">
                <div class="panel-head">
                    <h2 id="log-title">"Log"</h2>
                    <span class="hint">{move || log.with(log_hint)}</span>
                </div>
                {move || log.with(|log| if log.lines.is_empty() {
                    Either::Left(view! { <p class="empty">"Nothing logged yet."</p> })
                } else {
                    Either::Right(log_box(&log.lines, "log long"))
                })}
            </section>
        </main>
    }
}

fn summary(job: &Job, can_operate: bool, cancel: Post) -> impl IntoView + use<> {
    let (id, state, title) = (job.id, job.state.as_str(), job.title.clone());
    let cancellable = can_operate && !job.state.is_final();
    view! {
        <section class=format!("panel job job-page state-{state}") data-job-id=id aria-labelledby="job-title">
            <div class="job-head">
                <h2 id="job-title">{title.clone()}</h2>
                {job.reported.then(|| view! { <span class="source" title="Reported by an outside system">"reported"</span> })}
                <span class="badge">{state}</span>
            </div>
            {progress(&title, job.percent())}
            <div class="job-detail">{detail(job)}</div>
            {job.message.clone().map(|m| view! { <p class="job-message">{m}</p> })}
            {job.error.clone().map(|e| view! { <p class="job-error">{e}</p> })}
            <h3 class="sub">"Timeline"</h3>
            <ol class="timeline">
                {timeline(job).into_iter().map(|(at, what)| view! {
                    <li><span class="at">{at}</span><span class="what">{what}</span></li>
                }).collect_view()}
            </ol>
            {cancellable.then(|| cancel_form(id, cancel, "btn", "Cancel job"))}
        </section>
    }
}

/// The job's story as (time, what happened): created, started, each phase, ended, and
/// how long it ran (so far, while it runs).
fn timeline(job: &Job) -> Vec<(String, String)> {
    let t = &job.timeline;
    let mut rows = vec![(clock(job.created_ms), "Created".to_owned())];
    if let Some(started) = t.started_ms {
        rows.push((clock(started), "Started".to_owned()));
    }
    if let JobDetail::Phases { phases, .. } = &job.detail {
        for (at, phase) in t.phases_ms.iter().zip(phases) {
            rows.push((clock(*at), format!("Phase {}", phase.name)));
        }
    }
    match (t.started_ms, t.ended_ms) {
        (started, Some(ended)) => {
            let mut what = match job.state {
                JobState::Failed => "Failed",
                JobState::Cancelled => "Cancelled",
                _ => "Completed",
            }
            .to_owned();
            if let Some(started) = started {
                what = format!("{what} after {}", duration(ended.saturating_sub(started)));
            }
            rows.push((clock(ended), what));
        }
        (Some(started), None) => rows.push((
            clock(job.updated_ms),
            format!(
                "Running for {}",
                duration(job.updated_ms.saturating_sub(started))
            ),
        )),
        (None, None) => {}
    }
    rows
}

fn log_hint(log: &JobLines) -> String {
    let lines = |n: u64| {
        if n == 1 {
            "1 line".to_owned()
        } else {
            format!("{n} lines")
        }
    };
    match log.skipped {
        0 => lines(log.total()),
        skipped => format!("{} · the first {} not kept", lines(log.total()), skipped),
    }
}
