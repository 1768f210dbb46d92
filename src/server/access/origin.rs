//! The origin rule: a request a browser sends on behalf of another site's page is refused
//! before it can change anything, and the session cookie is `Secure` wherever the browser
//! speaks HTTPS.

use crate::server::{config::Config, error::ApiError};
use axum::http::{header, request::Parts};

/// Whether the session cookie should be `Secure`: the browser reaches us over HTTPS, here
/// (`over_tls`) or at the proxy in front (`--public-origin https://...`).
pub fn secure_cookies(config: &Config, over_tls: bool) -> bool {
    over_tls
        || config
            .public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
}

/// Refuses a request a browser sent on behalf of another site's page.
pub fn check_origin(config: &Config, parts: &Parts) -> Result<(), ApiError> {
    let text = |name: header::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let origin = text(header::ORIGIN);
    if origin.is_some_and(|o| config.allowed_origins().any(|allowed| allowed == o)) {
        return Ok(());
    }
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site"))
        && !matches!(site, "same-origin" | "none")
    {
        return Err(ApiError::Forbidden(format!(
            "cross-site request refused (Sec-Fetch-Site: {site})"
        )));
    }
    match origin {
        Some(origin) if !is_ours(config, parts, origin) => Err(ApiError::Forbidden(format!(
            "cross-site request from {origin} refused"
        ))),
        _ => Ok(()),
    }
}

/// Whether `origin` is the dashboard's own: `--public-origin`, or else the authority the
/// request was sent to (the scheme is not compared: behind a TLS-terminating proxy the
/// browser's is https and ours http).
fn is_ours(config: &Config, parts: &Parts, origin: &str) -> bool {
    if let Some(public) = config.public_origin.as_deref() {
        return origin.eq_ignore_ascii_case(public);
    }
    let authority = parts.uri.authority().map(|a| a.as_str()).or_else(|| {
        parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
    });
    origin
        .split_once("://")
        .zip(authority)
        .is_some_and(|((_, theirs), ours)| theirs.eq_ignore_ascii_case(ours))
}
