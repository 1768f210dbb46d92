//! The page, shared by server rendering and the browser: the dashboard at `/`, a "not
//! found" note anywhere else. (The HTML document around it is the server's:
//! `server/shell.rs`; where it starts from, the request or the document: `initial/`.)
//!
//! One page needs no client-side router: the path is a signal that follows history
//! navigation, and leaving `/` unmounts the dashboard (closing its stream) as a route change
//! would. The router and its machinery were a sixth of the browser bundle (README
//! "Performance").

pub mod components;
mod dashboard;
pub mod format;
pub mod server_fns;
pub mod store;

use crate::protocol::{ErrorBody, PageState};
use dashboard::Dashboard;
use leptos::{either::EitherOf3, prelude::*};

/// Where the dashboard is served.
pub const DASHBOARD_PATH: &str = "/";

/// The `id` of the script element carrying the first state from server to browser.
pub const STATE_ELEMENT_ID: &str = "page-state";

/// The dashboard's first state, or why the server could not read it.
pub type Initial = Result<PageState, ErrorBody>;

/// The page for the current path; `page` is the dashboard's first state (none when the
/// server rendered something else).
#[component]
pub fn App(page: Option<Initial>) -> impl IntoView {
    let path = crate::initial::path();
    // Coming back to `/` (history navigation) mounts the dashboard again from the same
    // state: its stream resumes from that state's event id, so it catches up losslessly.
    let page = StoredValue::new(page);
    move || match page.get_value().filter(|_| path.with(|p| p == DASHBOARD_PATH)) {
        Some(Ok(page)) => EitherOf3::A(view! { <Dashboard page/> }),
        Some(Err(e)) => EitherOf3::B(view! {
            <p class="load-error" role="alert">"The dashboard could not load: " {e.to_string()}</p>
        }),
        None => EitherOf3::C(view! { <p class="not-found">"Page not found."</p> }),
    }
}
