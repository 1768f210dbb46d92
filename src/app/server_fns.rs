//! Server functions: how the page uses its controls (posted by `components/post_form.rs`).
//!
//! Each body is one call into `server/http/page.rs`, which runs the same operations as the
//! public API through the same authorization, so the checks are identical; a failure comes
//! back with the API's status and `{"error": ...}` ([`ErrorBody`]). The forms also work
//! without JavaScript: the browser posts the form and is redirected back to the page.

use crate::protocol::{Access, ErrorBody, JobId, JobKind, Level};
use leptos::{
    prelude::*,
    server_fn::{codec::JsonEncoding, error::FromServerFnError},
};

/// Failures of the framework itself (the request never reached the server, its arguments
/// did not decode) carry its message in the same shape as ours.
impl FromServerFnError for ErrorBody {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ErrorBody {
            error: value.to_string(),
            state: None,
        }
    }
}

/// Starts a job of `kind` with its default parameters.
#[server(prefix = "/api/ui", endpoint = "start_job")]
pub async fn start_job(kind: JobKind) -> Result<(), ErrorBody> {
    crate::server::http::page::start_job(kind).await
}

#[server(prefix = "/api/ui", endpoint = "cancel_job")]
pub async fn cancel_job(id: JobId) -> Result<(), ErrorBody> {
    crate::server::http::page::cancel_job(id).await
}

#[server(prefix = "/api/ui", endpoint = "notify")]
pub async fn send_notification(level: Level, title: String, body: String) -> Result<(), ErrorBody> {
    crate::server::http::page::notify(level, title, body).await
}

/// Takes the operator token once and sets an HttpOnly session cookie.
#[server(prefix = "/api/ui", endpoint = "sign_in")]
pub async fn sign_in(token: String) -> Result<Access, ErrorBody> {
    crate::server::http::page::sign_in(token).await
}

#[server(prefix = "/api/ui", endpoint = "sign_out")]
pub async fn sign_out() -> Result<Access, ErrorBody> {
    crate::server::http::page::sign_out().await
}
