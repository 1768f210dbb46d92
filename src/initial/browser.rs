//! Where the page starts, in the browser: the location's path (which history navigation
//! changes), and the dashboard's first state as the server wrote it into the document
//! (`server.rs`), so hydration renders exactly what the server did.

use crate::app::{Initial, STATE_ELEMENT_ID};
use leptos::prelude::*;

/// The location's path, following the browser's back and forward buttons.
pub fn path() -> Signal<String> {
    let current = || location().pathname().unwrap_or_default();
    let path = RwSignal::new(current());
    // The page lives as long as the tab: the listener is never removed (dropping its
    // handle keeps it).
    let _ = window_event_listener(leptos::ev::popstate, move |_| path.set(current()));
    path.into()
}

/// The state the server rendered the page from, if it rendered the dashboard.
pub fn page() -> Option<Initial> {
    let text = document()
        .get_element_by_id(STATE_ELEMENT_ID)?
        .text_content()?;
    Some(crate::live::json::parse(&text).unwrap_or_else(|e| {
        Err(crate::protocol::ErrorBody {
            error: format!("the page state did not decode: {e}"),
            state: None,
        })
    }))
}
