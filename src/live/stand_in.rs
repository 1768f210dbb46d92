//! Server-side stand-in for the live connection: during SSR the page shows the snapshot it
//! was rendered from, and the browser opens the stream once it has hydrated.

use crate::{
    app::{components::Post, store::Store},
    protocol::EventId,
};
use leptos::{ev::SubmitEvent, prelude::Memo};

/// Does nothing on the server; see `live/browser.rs` for the real connection.
pub fn connect(_store: Store, _rendered: EventId, _build: String, _shown: Memo<bool>) {}

/// Never called on the server (the notice appears only in a live page).
pub fn reload_now() {}

/// Never called on the server, which renders forms but does not submit them; see
/// `live/post.rs` for the browser's posts.
pub fn submit(_event: SubmitEvent, _post: Post) {}
