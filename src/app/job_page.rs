//! A job's own page, `/jobs/{id}`: rendered by the server from the state it embeds, or,
//! opened by a link within the page, read with one request (`GET /api/jobs/{id}`); then
//! kept live by a stream for that job alone (`?job=ID`: no prices, no notifications).

use super::{
    Initial,
    components::{JobView, SignInPage},
    dashboard::{Brand, Opened},
    hydrated::Hydrated,
    store::Store,
};
use crate::protocol::{Access, ErrorBody, JobId, PageState, Snapshot, Topic};
use leptos::{
    either::{Either, EitherOf4},
    prelude::*,
};
use leptos_router::hooks::use_params_map;

/// The job page's route view, hydrated the plain way (`hydrated.rs`). It is not a lazy
/// route: a lazy route needs the whole page hydrated asynchronously, which cost the
/// dashboard's first load more than splitting the job page out saved (README
/// "Performance").
pub fn route() -> Hydrated<impl IntoView> {
    Hydrated(view! { <JobRoute first=expect_context()/> })
}

/// The page for the path's job. The state the server rendered is used once, by the page
/// of its own job; back at it later (history), the page reads its job again.
#[component]
fn JobRoute(first: StoredValue<Option<(JobId, Initial)>>) -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|id| id.parse().ok()).unwrap_or(0))
    });
    move || {
        let id = id.get();
        let rendered = first
            .try_update_value(|first| first.take_if(|(job, _)| *job == id))
            .flatten()
            .map(|(_, page)| page);
        view! { <JobPage id rendered/> }
    }
}

/// A page this document cannot show by itself (the dashboard, from a job page the server
/// rendered): the browser loads it, in place of the history entry the router made.
pub fn load_dashboard() {
    Effect::new(|_| {
        let _ = window().location().replace(super::DASHBOARD_PATH);
    });
}

enum Loaded {
    Loading,
    Ready(PageState),
    Failed(ErrorBody),
}

#[component]
fn JobPage(id: JobId, rendered: Option<Initial>) -> impl IntoView {
    let loaded = RwSignal::new(match rendered {
        Some(Ok(page)) => Loaded::Ready(page),
        Some(Err(e)) => Loaded::Failed(e),
        None => Loaded::Loading,
    });
    // Opened from a link: the dashboard this document holds says who is watching.
    if loaded.with_untracked(|l| matches!(l, Loaded::Loading)) {
        let opened = use_context::<StoredValue<Option<Opened>>>().and_then(|o| o.get_value());
        Effect::new(move |_| {
            let opened = opened.clone();
            leptos::task::spawn_local(async move {
                let outcome = match (crate::live::fetch_job(id).await, opened) {
                    (Ok(view), Some(opened)) => Loaded::Ready(opened.job_page(view)),
                    (Ok(_), None) => return,
                    (Err(e), _) => Loaded::Failed(e),
                };
                loaded.set(outcome);
            });
        });
    }
    view! {
        <div class="job-page-wrap">
            <header class="topbar">
                <a class="brand-link" href="/"><Brand/></a>
            </header>
            {move || loaded.with(|l| match l {
                Loaded::Loading => EitherOf4::A(view! { <p class="loading" role="status">"Loading job " {id} "…"</p> }),
                Loaded::Failed(e) => EitherOf4::B(view! { <Problem id error=e.error.clone()/> }),
                Loaded::Ready(page) if page.access == Access::Locked => EitherOf4::C(view! {
                    <main class="sign-in-main"><SignInPage token=page.token_sign_in ended=false/></main>
                }),
                Loaded::Ready(page) => EitherOf4::D(live(id, page.clone())),
            })}
        </div>
    }
}

/// The job, live; or, when the list does not hold it, the page that says so.
fn live(id: JobId, page: PageState) -> impl IntoView {
    if page.snapshot.jobs.is_empty() {
        return Either::Left(view! {
            <Problem id error=format!(
                "Job {id} was not found. It never existed, or it finished and left the \
                 list: the dashboard keeps the newest {} jobs.",
                crate::state::jobs::MAX_JOBS
            )/>
        });
    }
    let (head, build) = (page.head, page.build.clone());
    let log = RwSignal::new(page.log.clone().unwrap_or_default());
    let store = Store::new(page);
    // Every line the job logs from now on joins its longer log.
    Effect::new(move |_| {
        store.jobs.with(|jobs| {
            if let Some(job) = jobs.iter().find(|j| j.id == id) {
                log.update(|log| crate::state::job_log::follow(log, &job.log));
            }
        })
    });
    crate::live::connect(store, head, build, Memo::new(|_| true), Some(id));
    Either::Right(view! { <JobView id store log/> })
}

#[component]
fn Problem(id: JobId, error: String) -> impl IntoView {
    view! {
        <main class="job-main">
            <section class="panel job-missing" aria-labelledby="job-missing-title">
                <h2 id="job-missing-title">{format!("Job {id}")}</h2>
                <p class="problem" role="alert">{error}</p>
                <p><a href="/">"Back to the dashboard"</a></p>
            </section>
        </main>
    }
}

impl Opened {
    /// A job page's state from its job read by a link, and what this document's
    /// dashboard knows of its viewer (the access as it is now, after any sign-in).
    fn job_page(self, view: crate::protocol::JobView) -> PageState {
        let mut page = self.page;
        page.access = self.store.access.get_untracked();
        page.job = Some(view.job.id);
        page.snapshot = Snapshot {
            jobs: vec![view.job],
            ..Snapshot::default()
        };
        page.head = view.head;
        page.topics = [Topic::Jobs].into_iter().collect();
        page.log = Some(view.log);
        page
    }
}
