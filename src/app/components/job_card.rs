//! One job: its title linking to its page, state badge, progress bar, kind-specific
//! detail and a cancel control.

use super::post_form::{Post, PostForm};
use crate::{
    app::{
        format::{fixed, short},
        job_path,
        server_fns::CancelJob,
    },
    protocol::{Access, Job, JobDetail},
};
use leptos::{either::EitherOf5, prelude::*, server_fn::ServerFn};

/// One card per job. Its job is a memo over the list, so the card re-renders only when its
/// own job changes; it then renders from plain values in one go, and Leptos patches the
/// DOM in place (same elements, changed text and attributes). One reactive closure per
/// card, rather than one per field, keeps the browser bundle small (README "Performance").
#[component]
pub fn JobCard(
    initial: Job,
    jobs: RwSignal<Vec<Job>>,
    cancel: Post,
    access: RwSignal<Access>,
) -> impl IntoView {
    // A card is for an id *and* a start time: ids no longer repeat (each log counts them from
    // its epoch), but a page can outlive its server's log, and the time costs nothing.
    let (id, created) = (initial.id, initial.created_ms);
    let job = Memo::new(move |_| {
        jobs.with(|list| {
            list.iter()
                .find(|j| (j.id, j.created_ms) == (id, created))
                .cloned()
        })
        .unwrap_or_else(|| initial.clone())
    });
    move || {
        let can_operate = access.get().can_operate();
        job.with(|job| card(job, can_operate, cancel))
    }
}

fn card(job: &Job, can_operate: bool, cancel: Post) -> impl IntoView + use<> {
    let (id, state, percent) = (job.id, job.state.as_str(), job.percent());
    let title = job.title.clone();
    let cancellable = can_operate && !job.state.is_final();
    view! {
        <li class=format!("job state-{state}") data-job-id=id>
            <div class="job-head">
                <h3><a href=job_path(id) class="job-link">{title.clone()}</a></h3>
                {job.reported.then(|| view! { <span class="source" title="Reported by an outside system">"reported"</span> })}
                <span class="badge">{state}</span>
            </div>
            {progress(&title, percent)}
            <div class="job-detail">{detail(job)}</div>
            {job.message.clone().map(|m| view! { <p class="job-message">{m}</p> })}
            {log(job.log.newest())}
            {job.error.clone().map(|e| view! { <p class="job-error">{e}</p> })}
            {cancellable.then(|| cancel_form(id, cancel, "btn btn-quiet", "Cancel"))}
        </li>
    }
}

/// The job's cancel control: a form posted to the `cancel_job` server function.
pub(super) fn cancel_form(
    id: u64,
    cancel: Post,
    class: &'static str,
    label: &'static str,
) -> impl IntoView + use<> {
    view! {
        <PostForm to=CancelJob::PATH post=cancel class="cancel-form">
            <input type="hidden" name="id" value=id/>
            <button type="submit" class=class aria-label=format!("Cancel job {id}")>{label}</button>
        </PostForm>
    }
}

/// The job's bar and percentage (a moving stripe when it has none).
pub(super) fn progress(title: &str, percent: Option<u32>) -> impl IntoView + use<> {
    view! {
        <div class="job-progress">
            <div class="bar" class:indeterminate=percent.is_none() role="progressbar"
                aria-label=format!("{title} progress") aria-valuemin="0" aria-valuemax="100"
                aria-valuenow=percent.map(|p| p.to_string())>
                <div class="fill" style:width=percent.map(|p| format!("{p}%"))></div>
            </div>
            <span class="pct">{percent.map_or_else(|| "—".to_owned(), |p| format!("{p}%"))}</span>
        </div>
    }
}

/// The kind's own part: steps, phases, items and their failures, lines logged.
pub(super) fn detail(job: &Job) -> impl IntoView + use<> {
    match &job.detail {
        JobDetail::Percent { done, total } => {
            EitherOf5::A(view! { <p class="meta">{format!("{done} of {total} steps")}</p> })
        }
        JobDetail::Phases { phases, current } => {
            let current = *current;
            EitherOf5::B(view! {
                <p class="meta">"Phase: " <strong class="phase-name">{phases.get(current).map(|p| p.name.clone())}</strong>
                    {phases.get(current).map(|p| format!(" · {}%", fixed(p.progress * 100.0, 0)))}</p>
                <ol class="phases">
                    {phases.iter().enumerate().map(|(i, p)| {
                        let status = if p.progress >= 1.0 { "done" } else if i == current { "current" } else { "pending" };
                        view! { <li class=status style:flex-grow=short(p.weight)>{p.name.clone()}</li> }
                    }).collect_view()}
                </ol>
            })
        }
        JobDetail::Batch {
            total,
            succeeded,
            failed,
            errors,
        } => EitherOf5::C(view! {
            <p class="meta">
                <span class="ok">{format!("✓ {succeeded} succeeded")}</span>
                " · "
                <span class="bad">{format!("✗ {failed} failed")}</span>
                {format!(" · {} of {total}", succeeded + failed)}
            </p>
            <ul class="item-errors">
                {errors.iter().map(|e| view! { <li>{e.message.clone()}</li> }).collect_view()}
            </ul>
        }),
        JobDetail::Logs => {
            EitherOf5::D(view! { <p class="meta">{format!("{} log lines", job.log.total)}</p> })
        }
        JobDetail::Counted {
            done,
            total,
            succeeded,
            failed,
            errors,
        } => {
            let outcomes = (*succeeded + *failed > 0).then(|| {
                view! {
                    " · " <span class="ok">{format!("✓ {succeeded}")}</span>
                    " · " <span class="bad">{format!("✗ {failed}")}</span>
                }
            });
            EitherOf5::E(view! {
                <p class="meta">{format!("{done} of {total}")} {outcomes}</p>
                <ul class="item-errors">
                    {errors.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}
                </ul>
            })
        }
    }
}

/// The job's newest log lines, if it logged any.
fn log(lines: &[String]) -> Option<impl IntoView + use<>> {
    (!lines.is_empty()).then(|| log_box(lines, "log"))
}

/// A job's log lines in a box (`class`: `log`, and `log long` on the job's page). A
/// reversed flex column keeps the scroll position pinned to the newest line; the box is
/// focusable, so it scrolls from the keyboard too.
pub(super) fn log_box(lines: &[String], class: &'static str) -> impl IntoView + use<> {
    view! {
        <div class=class role="log" tabindex="0" aria-label="Job log"><pre>{lines.join("\n")}</pre></div>
    }
}
