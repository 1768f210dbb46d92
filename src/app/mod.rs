//! The page, shared by server rendering and the browser: the dashboard at `/`, a job's own
//! page at `/jobs/{id}`, routed by leptos_router (the server lists the same routes through
//! leptos_axum: `server/http/ui.rs`). The HTML document around it is the server's
//! (`server/http/shell.rs`); where it starts from, the request or the document: `initial/`.
//!
//! The dashboard is rendered once, outside the router's `<Routes>`, and hidden while the
//! path is not `/` (its stream closed meanwhile, `live::connect`): its `/` route renders
//! nothing. Rendered as a route's view, the dashboard's whole view type would be erased
//! into an `AnyView`, which costs the browser bundle 73 KB of brotli (README
//! "Performance"); coming back from a job's page shows it as it was and resumes its stream
//! after the newest event it had.

pub mod components;
mod dashboard;
pub mod format;
mod hydrated;
mod job_page;
pub mod server_fns;
pub mod store;

use crate::protocol::{ErrorBody, JobId, PageState};
use dashboard::Dashboard;
use leptos::{either::Either, prelude::*};
use leptos_router::{
    components::{FlatRoutes, Route, Router},
    hooks::use_location,
    path,
};

/// Where the dashboard is served.
pub const DASHBOARD_PATH: &str = "/";

/// The `id` of the script element carrying the first state from server to browser.
pub const STATE_ELEMENT_ID: &str = "page-state";

/// The page's first state, or why the server could not read it.
pub type Initial = Result<PageState, ErrorBody>;

/// A job page's address.
pub fn job_path(id: JobId) -> String {
    format!("/jobs/{id}")
}

/// The job a path is the page of: `Some(0)`, no job's id, for `/jobs/` followed by
/// anything but a positive integer (the page then says the job is unknown).
pub fn job_of_path(path: &str) -> Option<JobId> {
    let id = path.strip_prefix("/jobs/")?;
    (!id.contains('/')).then(|| id.parse().unwrap_or(0))
}

/// The page for the current path; `page` is the first state of the page the server
/// rendered (the dashboard's or a job page's; none for another path).
#[component]
pub fn App(page: Option<Initial>) -> impl IntoView {
    let job = job_of_path(&crate::initial::path());
    let (dashboard, first_job) = match job {
        Some(id) => (None, page.map(|page| (id, page))),
        None => (page, None),
    };
    let rendered = dashboard.is_some();
    // A job page rendered by the server hydrates from its state; one opened later by a
    // link reads its job with a request (`job_page.rs`).
    provide_context(StoredValue::new(first_job));
    provide_context(StoredValue::new(None::<dashboard::Opened>));
    view! {
        <Router>
            {dashboard.map(|page| view! { <DashboardPart page/> })}
            <FlatRoutes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                <Route path=path!("/") view=move || (!rendered).then(job_page::load_dashboard)/>
                <Route path=path!("/jobs/:id") view=job_page::route/>
            </FlatRoutes>
        </Router>
    }
}

/// The dashboard, shown while the path is `/`.
#[component]
fn DashboardPart(page: Initial) -> impl IntoView {
    let location = use_location();
    let shown = Memo::new(move |_| location.pathname.with(|p| p == DASHBOARD_PATH));
    match page {
        Ok(page) => Either::Left(view! { <Dashboard page shown/> }),
        Err(e) => Either::Right(view! {
            <p class="load-error" role="alert" hidden=move || !shown.get()>
                "The dashboard could not load: " {e.to_string()}
            </p>
        }),
    }
}
