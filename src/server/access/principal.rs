//! Who a request comes from, read from its credentials once, the same way for every way
//! in: the page, the API, the stream and the CLI (`auth.rs` decides from it what the
//! request may do).
//!
//! In order, the first that is present decides:
//! 1. `Authorization: Bearer <token>`: the publish token (an operator) or a view token (a
//!    viewer of its topics). A request that names a credential is judged by it alone: a
//!    wrong one is refused, never taken for a stranger.
//! 2. The sign-on proxy's header (`--auth-proxy-header`), only on a request whose TCP peer
//!    is one of `--trusted-proxies`; from anywhere else the header is ignored, as anybody
//!    can write it. `--operators` are operators, the rest viewers.
//! 3. The page's session cookies (`session.rs`): an operator's, then a viewer's.
//!
//! Nothing else is believed: no query parameter, nothing a page's script says.

use super::session::{self, Kind};
use crate::protocol::TopicSet;
use crate::server::{
    clock::now_ms,
    config::{Config, ViewToken},
    error::ApiError,
};
use axum::{
    extract::ConnectInfo,
    http::{HeaderMap, header, request::Parts},
};
use std::net::SocketAddr;
use subtle::ConstantTimeEq;

/// What a request's credentials make it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// No credential.
    Anonymous,
    Viewer,
    Operator,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub role: Role,
    /// The topics its credential opens (every topic for an operator; none for a stranger).
    pub topics: TopicSet,
    /// The user the sign-on proxy named.
    pub user: Option<String>,
    /// When its session ends (seconds since the epoch); `None` for a bearer token or the
    /// proxy's header, checked on every request.
    pub expires_at: Option<u64>,
}

impl Principal {
    /// No credential: nothing to watch of its own.
    pub fn anonymous() -> Principal {
        Principal {
            role: Role::Anonymous,
            topics: TopicSet::empty(),
            user: None,
            expires_at: None,
        }
    }

    fn operator() -> Principal {
        Principal {
            role: Role::Operator,
            topics: TopicSet::all(),
            user: None,
            expires_at: None,
        }
    }

    fn viewer(topics: TopicSet) -> Principal {
        Principal {
            role: Role::Viewer,
            topics,
            user: None,
            expires_at: None,
        }
    }
}

/// A credential was presented and is not valid (the caller charges it against guessing).
#[derive(Debug)]
pub struct BadCredential(pub ApiError);

/// Reads the request's credentials (see the module's list).
pub fn identify(config: &Config, parts: &Parts) -> Result<Principal, BadCredential> {
    if let Some(authorization) = parts.headers.get(header::AUTHORIZATION) {
        let presented = authorization
            .to_str()
            .ok()
            .and_then(bearer)
            .ok_or_else(|| {
                BadCredential(ApiError::Unauthorized(
                    "the `Authorization` header must be `Bearer <token>`".into(),
                ))
            })?;
        return by_token(config, presented).ok_or_else(|| {
            BadCredential(ApiError::Unauthorized(
                "the bearer token is not valid".into(),
            ))
        });
    }
    if let Some(principal) = by_proxy(config, parts)? {
        return Ok(principal);
    }
    Ok(by_session(config, &parts.headers).unwrap_or_else(Principal::anonymous))
}

/// Which configured token was presented.
pub enum Matched<'a> {
    /// The publish token.
    Publish(&'a str),
    View(&'a ViewToken),
}

/// Finds `presented` among the configured tokens, comparing in constant time; every view
/// token is compared, so the time taken does not tell which one nearly matched.
pub fn match_token<'a>(config: &'a Config, presented: &str) -> Option<Matched<'a>> {
    let matches = |token: &str| bool::from(presented.as_bytes().ct_eq(token.as_bytes()));
    if let Some(token) = config.publish_token.as_deref().filter(|t| matches(t)) {
        return Some(Matched::Publish(token));
    }
    let mut found = None;
    for view in &config.access.view_tokens {
        if matches(&view.token) && found.is_none() {
            found = Some(Matched::View(view));
        }
    }
    found
}

/// Whom a token sent makes its holder: the publish token an operator, a view token a
/// viewer of its topics.
fn by_token(config: &Config, presented: &str) -> Option<Principal> {
    Some(match match_token(config, presented)? {
        Matched::Publish(_) => Principal::operator(),
        Matched::View(view) => Principal::viewer(view.topics),
    })
}

/// The user the trusted proxy names, if this request came through it.
fn by_proxy(config: &Config, parts: &Parts) -> Result<Option<Principal>, BadCredential> {
    let access = &config.access;
    let Some(name) = access.auth_proxy_header.as_ref() else {
        return Ok(None);
    };
    let Some(value) = parts.headers.get(name) else {
        return Ok(None);
    };
    let trusted = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| access.trusts(peer.ip()));
    if !trusted {
        tracing::debug!("ignored `{name}` from an address not in --trusted-proxies");
        return Ok(None);
    }
    let user = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|u| {
            !u.is_empty()
                && u.len() <= crate::server::config::MAX_USER_LEN
                && !u.chars().any(char::is_control)
        })
        .ok_or_else(|| {
            BadCredential(ApiError::BadRequest(format!(
                "the `{name}` header must name a user (1 to {} bytes)",
                crate::server::config::MAX_USER_LEN
            )))
        })?;
    let mut principal = if access.is_operator(user) {
        Principal::operator()
    } else {
        Principal::viewer(access.user_topics(user))
    };
    principal.user = Some(user.to_owned());
    Ok(Some(principal))
}

/// The page's session: an operator's (made with the publish token), then a viewer's (made
/// with one of the view tokens, whose topics it opens).
fn by_session(config: &Config, headers: &HeaderMap) -> Option<Principal> {
    let now = now_ms() / 1_000;
    if let (Some(token), Some(value)) = (
        config.publish_token.as_deref(),
        session::read(Kind::Operator, headers),
    ) && let Some(expires) = session::verify(Kind::Operator, token, &value, now)
    {
        return Some(Principal {
            expires_at: Some(expires),
            ..Principal::operator()
        });
    }
    let value = session::read(Kind::Viewer, headers)?;
    config.access.view_tokens.iter().find_map(|view| {
        let expires = session::verify(Kind::Viewer, &view.token, &value, now)?;
        Some(Principal {
            expires_at: Some(expires),
            ..Principal::viewer(view.topics)
        })
    })
}

/// The token of `Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim_start();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
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
