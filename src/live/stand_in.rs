//! Server-side stand-in for the live connection: during SSR the page shows the snapshot it
//! was rendered from, and the browser opens the stream once it has hydrated.

use crate::{
    app::{components::Post, store::Store},
    protocol::{ErrorBody, EventId, JobId, JobView},
};
use leptos::{ev::SubmitEvent, prelude::Memo};

/// Does nothing on the server; see `live/browser.rs` for the real connection.
pub fn connect(
    _store: Store,
    _rendered: EventId,
    _build: String,
    _shown: Memo<bool>,
    _job: Option<JobId>,
) {
}

/// Never called on the server: it renders a job's page from the state it embeds.
pub async fn fetch_job(_id: JobId) -> Result<JobView, ErrorBody> {
    Err(ErrorBody {
        error: "job pages are fetched by the browser".into(),
        state: None,
    })
}

/// Never called on the server (the notice appears only in a live page).
pub fn reload_now() {}

/// Never called on the server, which renders forms but does not submit them; see
/// `live/post.rs` for the browser's posts.
pub fn submit(_event: SubmitEvent, _post: Post) {}
