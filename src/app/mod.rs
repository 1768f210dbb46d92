//! The page, shared by server rendering and the browser: the dashboard at `/`, a "not
//! found" note anywhere else. (The HTML document around it is the server's:
//! `server/http/shell.rs`; where it starts from, the request or the document: `initial/`.)
//!
//! One page needs no client-side router: the path is a signal that follows history
//! navigation, and leaving `/` puts the dashboard away (closing its stream) as a route
//! change would. The router and its machinery were a sixth of the browser bundle (README
//! "Performance").

pub mod components;
mod dashboard;
pub mod format;
pub mod server_fns;
pub mod store;

use crate::protocol::{ErrorBody, PageState};
use dashboard::Dashboard;
use leptos::{either::Either, prelude::*};

/// Where the dashboard is served.
pub const DASHBOARD_PATH: &str = "/";

/// The `id` of the script element carrying the first state from server to browser.
pub const STATE_ELEMENT_ID: &str = "page-state";

/// The dashboard's first state, or why the server could not read it.
pub type Initial = Result<PageState, ErrorBody>;

/// The page for the current path; `page` is the dashboard's first state (none when the
/// server rendered something else).
///
/// The dashboard is rendered once and hidden while the path is not `/`, its stream closed
/// meanwhile (`live::connect`); coming back shows it and resumes the stream after the
/// newest event it had, so it catches up losslessly. Nothing re-renders the dashboard as a
/// whole, so the browser bundle carries no code to patch one dashboard into another: that
/// code was 6.6 KB of it (README "Performance").
#[component]
pub fn App(page: Option<Initial>) -> impl IntoView {
    let path = crate::initial::path();
    let shown = Memo::new(move |_| path.with(|p| p == DASHBOARD_PATH));
    let found = page.is_some();
    view! {
        {page.map(|page| match page {
            Ok(page) => Either::Left(view! { <Dashboard page shown/> }),
            Err(e) => Either::Right(view! {
                <p class="load-error" role="alert" hidden=move || !shown.get()>
                    "The dashboard could not load: " {e.to_string()}
                </p>
            }),
        })}
        {move || (!found || !shown.get()).then(|| view! { <p class="not-found">"Page not found."</p> })}
    }
}
