//! Who may do what: the publish API's bearer token, and the same-origin rule for the
//! page's own controls.
//!
//! The dashboard's forms call server functions under `/api/ui/` without any token, so a
//! page on another site must not be able to submit them (CSRF). Browsers label every
//! request with `Sec-Fetch-Site` and, for POSTs, `Origin`; a cross-site value is refused.
//! Requests without either (curl, scripts) cannot be forged by a browser and pass.

use super::{AppState, error::ApiError};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use subtle::ConstantTimeEq;

/// Checks `Authorization: Bearer <token>` when a publish token is configured.
pub fn authorize_publish(app: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = app.config.publish_token.as_deref() else {
        return Ok(());
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::Unauthorized("an `Authorization: Bearer <token>` header is required".into())
        })?;
    // Constant time: how much of a guess matches must not show in the response time.
    if bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized(
            "the bearer token is not valid".into(),
        ))
    }
}

/// Middleware: state-changing requests to the page's own endpoints must come from a page
/// of this same origin.
pub async fn same_origin(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let guarded = request.uri().path().starts_with("/api/ui/")
        && !matches!(*request.method(), Method::GET | Method::HEAD);
    if guarded && let Err(refusal) = check_origin(&app, request.headers()) {
        return refusal.into_response();
    }
    next.run(request).await
}

fn check_origin(app: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return Err(ApiError::Forbidden(format!(
            "cross-site request refused (Sec-Fetch-Site: {site})"
        )));
    }
    if let Some(origin) = text("origin") {
        let host = text("host").unwrap_or_default();
        let same = origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority == host);
        if !same && !app.config.allowed_origins().any(|o| o == origin) {
            return Err(ApiError::Forbidden(format!(
                "cross-site request from {origin} refused"
            )));
        }
    }
    Ok(())
}
