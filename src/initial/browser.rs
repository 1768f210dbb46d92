//! Where the page starts, in the browser: the location's path when the page loaded, and
//! the page's first state as the server wrote it into the document (`server.rs`), so
//! hydration renders exactly what the server did. (Later paths are the router's.)

use crate::app::{Initial, STATE_ELEMENT_ID};
use leptos::prelude::*;

/// The location's path as the page loaded.
pub fn path() -> String {
    location().pathname().unwrap_or_default()
}

/// The state the server rendered the page from.
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
