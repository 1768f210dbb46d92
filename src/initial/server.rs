//! Where the page starts, on the server: the request's path, and for the dashboard its
//! first state, read from the hub and written into the document for the browser to
//! hydrate from (`browser.rs` reads it back).

use crate::app::{DASHBOARD_PATH, Initial, STATE_ELEMENT_ID};
use axum::http::request::Parts;
use leptos::prelude::*;

/// The requested path.
pub fn path() -> String {
    use_context::<Parts>().map_or_else(String::new, |parts| parts.uri.path().to_owned())
}

/// The first state of the page asked for: the dashboard's, or a job's page's.
pub fn page() -> Option<Initial> {
    let path = path();
    let state = crate::server::http::page::page_state;
    match crate::app::job_of_path(&path) {
        Some(id) => Some(state(Some(id))),
        None => (path == DASHBOARD_PATH).then(|| state(None)),
    }
}

/// The state as JSON in a script element the browser does not run. `<` is escaped, so no
/// text in it (a toast's title, say) can close the element.
pub fn embed(page: &Initial) -> impl IntoView + use<> {
    let json = serde_json::to_string(page)
        .unwrap_or_else(|e| {
            format!(r#"{{"Err":{{"error":"the page state did not encode: {e}"}}}}"#)
        })
        .replace('<', "\\u003c");
    view! { <script type="application/json" id=STATE_ELEMENT_ID inner_html=json></script> }
}
