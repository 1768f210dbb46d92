//! What a request may do: the one authorization path for the page, the API, the stream
//! and the CLI. Who it comes from is read by `principal.rs`; this file decides.
//!
//! - **To operate** (every state-changing operation in `app_state/operations.rs` takes an
//!   [`Operator`], and [`authorize`] is the only maker of one from a request): the origin
//!   rule first (a browser labels its requests with `Origin` and `Sec-Fetch-Site`; one sent
//!   by a page of another site is refused with 403, unless `--cors-origins` allows that
//!   origin), then an operator's credential. Without a publish token and without viewer
//!   access, everyone may operate, as on a laptop.
//! - **To watch** (the page's data, `/api/quotes`, `/api/jobs`, `/api/presence`, the
//!   stream; a handler takes a [`Viewer`], made only by [`authorize_view`]): anyone while
//!   viewer access is off; with it on, a viewer's or operator's credential, and only the
//!   topics it opens.
//!
//! A credential presented and wrong (a bearer token, whichever way in) is charged to the
//! client's sign-in rate, so guessing is as slow through the API as through the form.

use super::{
    limits::ClientIp,
    origin::check_origin,
    principal::{self, BadCredential, Matched, Principal, Role},
    rates::{Action, Rates},
    session::{self, Kind},
};
use crate::protocol::{Access, Topic, TopicSet};
use crate::server::{clock::now_ms, config::Config, error::ApiError};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};
use std::{net::IpAddr, sync::Arc};

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

/// Proof that a caller may watch, and what: only [`authorize_view`] makes one.
#[derive(Clone, Debug)]
pub struct Viewer {
    principal: Principal,
}

impl Viewer {
    /// The topics it may watch.
    pub fn topics(&self) -> TopicSet {
        self.principal.topics
    }

    /// Refuses a topic outside its scope with 403.
    pub fn require(&self, topic: Topic) -> Result<(), ApiError> {
        if self.topics().contains(topic) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this credential may not watch `{topic}`"
            )))
        }
    }

    /// The user the sign-on proxy named.
    pub fn user(&self) -> Option<&str> {
        self.principal.user.as_deref()
    }

    /// When its session ends (seconds since the epoch), if it came from a page session.
    pub fn expires_at(&self) -> Option<u64> {
        self.principal.expires_at
    }

    /// Whether it may see who else is watching by name: those who may watch everything
    /// (a screen limited to quotes shows the count only).
    pub fn sees_names(&self) -> bool {
        self.topics() == TopicSet::all()
    }
}

/// Authorizes a state-changing request: the origin rule, then credentials.
pub async fn authorize(
    config: &Config,
    rates: &Rates,
    parts: &mut Parts,
) -> Result<Operator, ApiError> {
    check_origin(config, parts)?;
    let principal = identify(config, rates, parts).await?;
    let ClientIp(ip) = ClientIp::from_request_parts(parts, &()).await?;
    let open = config.publish_token.is_none() && !config.access.restricted();
    match principal.role {
        Role::Operator => Ok(Operator { ip: Some(ip) }),
        _ if open => Ok(Operator { ip: Some(ip) }),
        Role::Viewer => Err(ApiError::Forbidden(
            "viewers may watch but not change anything: an operator is required".into(),
        )),
        Role::Anonymous => Err(ApiError::Unauthorized(
            "an operator is required: send `Authorization: Bearer <token>`, or sign in on the \
             dashboard"
                .into(),
        )),
    }
}

/// Authorizes watching: everyone while viewer access is off; with it on, a credential.
pub async fn authorize_view(
    config: &Config,
    rates: &Rates,
    parts: &mut Parts,
) -> Result<Viewer, ApiError> {
    let mut principal = identify(config, rates, parts).await?;
    if !config.access.restricted() {
        // Watching is open: nothing ends with an operator's session.
        principal.topics = TopicSet::all();
        principal.expires_at = None;
    } else if principal.role == Role::Anonymous {
        return Err(ApiError::Unauthorized(
            "sign in to watch: send `Authorization: Bearer <view token>`, or sign in on the \
             dashboard"
                .into(),
        ));
    }
    Ok(Viewer { principal })
}

/// The request's principal; a wrong credential is charged to the client's sign-in rate
/// (429 once that is spent) and refused.
async fn identify(
    config: &Config,
    rates: &Rates,
    parts: &mut Parts,
) -> Result<Principal, ApiError> {
    match principal::identify(config, parts) {
        Ok(principal) => Ok(principal),
        Err(BadCredential(error)) => {
            if let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, &()).await {
                rates.charge(ip, Action::SignIn)?;
            }
            Err(error)
        }
    }
}

/// Any handler that takes an [`Operator`] is authorized by [`authorize`] first.
impl<S> FromRequestParts<S> for Operator
where
    S: Send + Sync,
    Arc<Config>: FromRef<S>,
    Arc<Rates>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let (config, rates) = (
            Arc::<Config>::from_ref(state),
            Arc::<Rates>::from_ref(state),
        );
        authorize(&config, &rates, parts).await
    }
}

/// Any handler that takes a [`Viewer`] is authorized by [`authorize_view`] first.
impl<S> FromRequestParts<S> for Viewer
where
    S: Send + Sync,
    Arc<Config>: FromRef<S>,
    Arc<Rates>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let (config, rates) = (
            Arc::<Config>::from_ref(state),
            Arc::<Rates>::from_ref(state),
        );
        authorize_view(&config, &rates, parts).await
    }
}

/// What the page offers a request: its controls, or, without access, the sign-in form.
/// (A wrong credential on a page request is no access.)
pub fn page_access(config: &Config, parts: &Parts) -> (Access, Option<Viewer>) {
    let principal = principal::identify(config, parts).ok();
    let role = principal.as_ref().map_or(Role::Anonymous, |p| p.role);
    let access = match role {
        Role::Anonymous if config.access.restricted() => Access::Locked,
        Role::Operator => Access::Operator,
        _ if config.publish_token.is_none() && !config.access.restricted() => Access::Open,
        _ => Access::Viewer,
    };
    let viewer = (access != Access::Locked).then(|| {
        // Without a (valid) credential a page can only be here while watching is open.
        let mut principal = principal.unwrap_or_else(Principal::anonymous);
        if !config.access.restricted() {
            principal.topics = TopicSet::all();
        }
        Viewer { principal }
    });
    (access, viewer)
}

/// Whether a token typed into the page's sign-in form can sign in (one is configured).
pub fn token_sign_in(config: &Config) -> bool {
    config.publish_token.is_some() || !config.access.view_tokens.is_empty()
}

/// Checks a token typed into the sign-in form: the session to set (its kind and value)
/// and the access it gives.
pub fn sign_in(config: &Config, typed: &str) -> Result<(Kind, String, Access), ApiError> {
    if !token_sign_in(config) {
        return Err(ApiError::Conflict(
            "this dashboard has no tokens: there is nothing to sign in to".into(),
        ));
    }
    let (kind, token, access) = match principal::match_token(config, typed.trim()) {
        Some(Matched::Publish(token)) => (Kind::Operator, token, Access::Operator),
        Some(Matched::View(view)) => (Kind::Viewer, view.token.as_str(), Access::Viewer),
        None => {
            return Err(ApiError::Unauthorized(
                "that token is not valid here".into(),
            ));
        }
    };
    let lifetime = config.access.session_lifetime();
    Ok((
        kind,
        session::issue(kind, token, now_ms() / 1_000, lifetime),
        access,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{Request, header};

    fn parts(cookie: &str) -> Parts {
        Request::builder()
            .header(header::COOKIE, cookie)
            .body(())
            .unwrap()
            .into_parts()
            .0
    }

    #[tokio::test]
    async fn a_stream_ends_with_its_session_only_when_watching_needs_one() {
        let token = "publish-token-0123456789";
        let rates = Rates::new(&Config::default());
        let cookie = |config: &Config| {
            let (kind, value, _) = sign_in(config, token).unwrap();
            format!("{}={value}", kind.cookie())
        };
        let open = Config::from_args(["livedash", "--publish-token", token]).unwrap();
        let viewer = authorize_view(&open, &rates, &mut parts(&cookie(&open)))
            .await
            .unwrap();
        assert_eq!(viewer.expires_at(), None);
        let private = Config::from_args([
            "livedash",
            "--publish-token",
            token,
            "--view-token",
            "view-token-0123456789",
        ])
        .unwrap();
        let viewer = authorize_view(&private, &rates, &mut parts(&cookie(&private)))
            .await
            .unwrap();
        assert!(viewer.expires_at().is_some());
        assert!(viewer.sees_names());
    }
}
