//! The jobs panel: a start control per kind and a card per job, newest first.

use super::{
    access::ReadOnlyNote,
    job_card::JobCard,
    post_form::{Post, PostForm, post_error},
};
use crate::{
    app::server_fns::StartJob,
    protocol::{Access, Job, JobKind},
};
use leptos::{either::Either, prelude::*, server_fn::ServerFn};

fn kind_label(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Percent => "Percent",
        JobKind::Phases => "Phases",
        JobKind::Batch => "Batch",
        JobKind::Logs => "Logs",
    }
}

#[component]
pub fn JobsPanel(jobs: RwSignal<Vec<Job>>, access: RwSignal<Access>) -> impl IntoView {
    let (start, cancel) = (Post::new(), Post::new());
    let can_operate = Memo::new(move |_| access.get().can_operate());
    let empty = Memo::new(move |_| jobs.with(Vec::is_empty));
    view! {
        <section class="panel jobs" aria-labelledby="jobs-title">
            <div class="panel-head">
                <h2 id="jobs-title">"Jobs"</h2>
                <span class="hint">{move || running_label(&jobs.get())}</span>
            </div>
            {move || if can_operate.get() { Either::Left(view! {
            <div class="start-controls" role="group" aria-label="Start a job">
                {JobKind::ALL
                    .into_iter()
                    .map(|kind| view! {
                        <PostForm to=StartJob::PATH post=start class="start-form">
                            <input type="hidden" name="kind" value=kind.as_str()/>
                            <button type="submit" class="btn" data-kind=kind.as_str()>
                                <span aria-hidden="true">"▶ "</span>
                                {kind_label(kind)}
                            </button>
                        </PostForm>
                    })
                    .collect_view()}
            </div>
            }) } else { Either::Right(view! { <ReadOnlyNote what="start or cancel jobs"/> }) }}
            {post_error(&[start, cancel])}
            <ol class="job-list">
                <For each=move || jobs.get() key=|job| (job.id, job.created_ms) let:job>
                    <JobCard initial=job jobs cancel access/>
                </For>
            </ol>
            {move || empty.get().then(|| view! {
                <p class="empty">
                    "No jobs yet."
                    {move || can_operate.get().then_some(" Start one above.")}
                </p>
            })}
        </section>
    }
}

fn running_label(jobs: &[Job]) -> String {
    let running = jobs.iter().filter(|j| !j.state.is_final()).count();
    match running {
        0 => "idle".to_owned(),
        1 => "1 active".to_owned(),
        n => format!("{n} active"),
    }
}
