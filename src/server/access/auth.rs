//! Who may change state: the one authorization path for the API, the page and the CLI.
//!
//! Every state-changing operation (`app_state/operations.rs`) takes an [`Operator`], and this file is
//! the only place one is made from a request ([`authorize`]), in two steps:
//!
//! 1. **The origin rule.** A browser labels its requests with `Origin` (and
//!    `Sec-Fetch-Site`); one sent by a page of another site is refused with 403, unless
//!    `--cors-origins` allows that origin. Our own origin is `--public-origin` when set
//!    (behind a proxy that rewrites `Host`), else the request's authority (HTTP/2's
//!    `:authority`, or HTTP/1's `Host`). Requests without those headers (curl, scripts,
//!    the CLI) cannot be forged by a browser and pass this step.
//! 2. **Credentials**, when a publish token is configured: `Authorization: Bearer <token>`
//!    (scripts, the CLI) or the operator session cookie set by the page's sign-in form
//!    (`session.rs`). Without a token configured, everyone may operate, as on a laptop.
//!
//! The operations then charge the caller's rate (`rates.rs`), so the three ways in are
//! limited alike.

use super::{limits::ClientIp, session};
use crate::protocol::Access;
use crate::server::{clock::now_ms, config::Config, error::ApiError};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, header, request::Parts},
};
use std::{net::IpAddr, sync::Arc};
use subtle::ConstantTimeEq;

/// Proof that a caller passed [`authorize`]: only this file makes one from a request.
#[derive(Clone, Debug)]
pub struct Operator {
    /// Who to charge for rate limits; `None` for code inside this process.
    ip: Option<IpAddr>,
}

impl Operator {
    /// The client address the operation's rate is charged to.
    pub fn ip(&self) -> Option<IpAddr> {
        self.ip
    }

    /// For producers inside this process (tests, embedding): they are trusted and not
    /// rate-limited. Requests from outside are authorized by [`authorize`].
    pub fn in_process() -> Operator {
        Operator { ip: None }
    }
}

/// Authorizes a state-changing request: the origin rule, then credentials.
pub async fn authorize(config: &Config, parts: &mut Parts) -> Result<Operator, ApiError> {
    check_origin(config, parts)?;
    let ClientIp(ip) = ClientIp::from_request_parts(parts, &()).await?;
    let Some(token) = config.publish_token.as_deref() else {
        return Ok(Operator { ip: Some(ip) });
    };
    if let Some(authorization) = parts.headers.get(header::AUTHORIZATION) {
        // A request that names a credential is judged by it alone.
        let presented = authorization
            .to_str()
            .ok()
            .and_then(bearer)
            .ok_or_else(|| {
                ApiError::Unauthorized("the `Authorization` header must be `Bearer <token>`".into())
            })?;
        return if bool::from(presented.as_bytes().ct_eq(token.as_bytes())) {
            Ok(Operator { ip: Some(ip) })
        } else {
            Err(ApiError::Unauthorized(
                "the bearer token is not valid".into(),
            ))
        };
    }
    if has_session(token, &parts.headers) {
        return Ok(Operator { ip: Some(ip) });
    }
    Err(ApiError::Unauthorized(
        "an operator is required: send `Authorization: Bearer <token>`, or sign in on the \
         dashboard"
            .into(),
    ))
}

/// Any handler that takes an [`Operator`] is authorized by [`authorize`] first.
impl<S> FromRequestParts<S> for Operator
where
    S: Send + Sync,
    Arc<Config>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        authorize(&Arc::<Config>::from_ref(state), parts).await
    }
}

/// What the viewer of the page may do, for rendering its controls.
pub fn access(config: &Config, headers: &HeaderMap) -> Access {
    match config.publish_token.as_deref() {
        None => Access::Open,
        Some(token) if has_session(token, headers) => Access::Operator,
        Some(_) => Access::Viewer,
    }
}

/// Checks a token typed into the sign-in form; returns the session to set.
pub fn sign_in(config: &Config, typed: &str) -> Result<String, ApiError> {
    let Some(token) = config.publish_token.as_deref() else {
        return Err(ApiError::Conflict(
            "this dashboard has no publish token: there is nothing to sign in to".into(),
        ));
    };
    if bool::from(typed.trim().as_bytes().ct_eq(token.as_bytes())) {
        Ok(session::issue(token, now_ms() / 1_000))
    } else {
        Err(ApiError::Unauthorized(
            "that is not the operator token".into(),
        ))
    }
}

/// Whether the session cookie should be `Secure`: the browser reaches us over HTTPS, here
/// (`over_tls`) or at the proxy in front (`--public-origin https://...`).
pub fn secure_cookies(config: &Config, over_tls: bool) -> bool {
    over_tls
        || config
            .public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
}

fn has_session(token: &str, headers: &HeaderMap) -> bool {
    session::read(headers).is_some_and(|value| session::verify(token, &value, now_ms() / 1_000))
}

/// The token of `Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim_start();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
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

#[cfg(test)]
mod tests {
    use super::bearer;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for value in [
            "Bearer t0k",
            "bearer t0k",
            "BEARER t0k",
            "bEaReR   t0k",
            " Bearer t0k ",
        ] {
            assert_eq!(bearer(value), Some("t0k"), "{value}");
        }
        for value in ["Basic t0k", "Bearer", "Bearer ", "t0k", "Bearert0k"] {
            assert_eq!(bearer(value), None, "{value}");
        }
    }
}
