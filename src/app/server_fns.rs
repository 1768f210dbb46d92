//! Server functions: how the page itself reads the snapshot and uses its controls.
//!
//! They go through the same operations as the public API (`AppState`), so the checks are
//! identical. Their forms also work without JavaScript: the browser posts the form and
//! is redirected back to the page.

use crate::protocol::{EventId, JobId, JobKind, Level, Snapshot};
use leptos::prelude::*;

/// The state the page renders first, and the id of the newest event in it: the browser
/// resumes the stream from that id, so nothing published in between is lost or doubled.
#[server(prefix = "/api/ui", endpoint = "snapshot")]
pub async fn get_snapshot() -> Result<(Snapshot, EventId), ServerFnError> {
    Ok(crate::server::AppState::from_context()?.hub.snapshot())
}

/// Starts a job of `kind` with its default parameters.
#[server(prefix = "/api/ui", endpoint = "start_job")]
pub async fn start_job(kind: JobKind) -> Result<(), ServerFnError> {
    crate::server::AppState::from_context()?
        .start_job(crate::protocol::JobSpec::default_for(kind))
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(())
}

#[server(prefix = "/api/ui", endpoint = "cancel_job")]
pub async fn cancel_job(id: JobId) -> Result<(), ServerFnError> {
    crate::server::AppState::from_context()?
        .cancel_job(id)
        .map_err(|e| ServerFnError::new(e.to_string()))
}

#[server(prefix = "/api/ui", endpoint = "notify")]
pub async fn send_notification(
    level: Level,
    title: String,
    body: String,
) -> Result<(), ServerFnError> {
    crate::server::AppState::from_context()?
        .notify(crate::protocol::NotificationRequest { level, title, body })
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(())
}
