//! The jobs panel: a start control per kind and a card per job, newest first.

use super::{access::ReadOnlyNote, job_card::JobCard};
use crate::{
    app::server_fns::{CancelJob, StartJob},
    protocol::{Access, Job, JobKind},
};
use leptos::prelude::*;

fn kind_label(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Percent => "Percent",
        JobKind::Phases => "Phases",
        JobKind::Batch => "Batch",
        JobKind::Logs => "Logs",
    }
}

#[component]
pub fn JobsPanel(jobs: RwSignal<Vec<Job>>, access: RwSignal<Access>) -> AnyView {
    let start = ServerAction::<StartJob>::new();
    let cancel = ServerAction::<CancelJob>::new();
    let error = move || {
        [
            start.value().get(),
            cancel.value().get().map(|r| r.map(|_| ())),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
        .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    view! {
        <section class="panel jobs" aria-labelledby="jobs-title">
            <div class="panel-head">
                <h2 id="jobs-title">"Jobs"</h2>
                <span class="hint">{move || running_label(&jobs.get())}</span>
            </div>
            <Show
                when=move || access.get().can_operate()
                fallback=|| view! { <ReadOnlyNote what="start or cancel jobs"/> }
            >
            <div class="start-controls" role="group" aria-label="Start a job">
                {JobKind::ALL
                    .into_iter()
                    .map(|kind| view! {
                        <ActionForm action=start attr:class="start-form">
                            <input type="hidden" name="kind" value=kind.as_str()/>
                            <button type="submit" class="btn" data-kind=kind.as_str()>
                                <span aria-hidden="true">"▶ "</span>
                                {kind_label(kind)}
                            </button>
                        </ActionForm>
                    })
                    .collect_view()}
            </div>
            </Show>
            {error}
            <ol class="job-list">
                <For each=move || jobs.get() key=|job| (job.id, job.created_ms) let:job>
                    <JobCard initial=job jobs cancel access/>
                </For>
            </ol>
            <Show when=move || jobs.with(Vec::is_empty)>
                <p class="empty">
                    "No jobs yet."
                    {move || access.get().can_operate().then_some(" Start one above.")}
                </p>
            </Show>
        </section>
    }
    .into_any()
}

fn running_label(jobs: &[Job]) -> String {
    let running = jobs.iter().filter(|j| !j.state.is_final()).count();
    match running {
        0 => "idle".to_owned(),
        1 => "1 active".to_owned(),
        n => format!("{n} active"),
    }
}
