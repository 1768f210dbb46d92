//! Who may watch: the flags that turn viewer access on, and what they mean.
//!
//! Off by default: without `--view-token` and `--auth-proxy-header` anyone who reaches the
//! dashboard sees it (the publish token still guards changes). With either, nothing but
//! `/healthz`, `/readyz`, `/metrics`, the site's files and the sign-in form answers
//! without access (see `access/` and the README's "Access").

use crate::protocol::TopicSet;
use axum::http::HeaderName;
use clap::Args;
use ipnet::IpNet;
use std::{net::IpAddr, time::Duration};

#[derive(Clone, Debug, Args)]
pub struct AccessFlags {
    /// Tokens that let someone watch (read-only), comma-separated: typed into the page's
    /// sign-in form once, or sent as `Authorization: Bearer <token>` (the API, the stream,
    /// `livedash watch --token`). `TOKEN:quotes+toasts` limits one to those topics (a
    /// public ticker screen: `TOKEN:quotes`). The publish token also grants viewing. Set,
    /// nothing but health and the sign-in page answers without a token.
    #[arg(long = "view-token", env = "LIVEDASH_VIEW_TOKEN", hide_env_values = true, value_delimiter = ',', value_parser = parse_view_token)]
    pub view_tokens: Vec<ViewToken>,

    /// Single sign-on behind a proxy (oauth2-proxy, Pomerium, nginx `auth_request`): the
    /// request header naming the signed-in user (e.g. `X-Forwarded-User`). Trusted only on
    /// requests from `--trusted-proxies`; the user it names may watch.
    #[arg(long, env = "LIVEDASH_AUTH_PROXY_HEADER", requires = "trusted_proxies")]
    pub auth_proxy_header: Option<HeaderName>,

    /// Addresses (CIDR, e.g. `127.0.0.1/32,10.0.0.0/8`, or single IPs) of the proxies
    /// whose `--auth-proxy-header` is believed. From anywhere else the header is ignored.
    #[arg(long, env = "LIVEDASH_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_net, requires = "auth_proxy_header")]
    pub trusted_proxies: Vec<IpNet>,

    /// Users (as the proxy names them) who may also operate: start and cancel jobs, send
    /// notifications. Comma-separated.
    #[arg(long, env = "LIVEDASH_OPERATORS", value_delimiter = ',', value_parser = parse_user, requires = "auth_proxy_header")]
    pub operators: Vec<String>,

    /// Users limited to some topics, e.g. `lobby-screen:quotes,intern:quotes+toasts`.
    /// Others see every topic.
    #[arg(long, env = "LIVEDASH_SCOPED_USERS", value_delimiter = ',', value_parser = parse_scoped_user, requires = "auth_proxy_header")]
    pub scoped_users: Vec<ScopedUser>,

    /// Seconds a sign-in on the page lasts (operators and viewers): 1 to 2592000 (30
    /// days). When it ends, open streams end with a `signed_out` event.
    #[arg(long, env = "LIVEDASH_SESSION_SECS", default_value_t = 43_200, value_parser = clap::value_parser!(u64).range(1..=2_592_000))]
    pub session_secs: u64,
}

/// A view token and the topics it opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewToken {
    pub token: String,
    pub topics: TopicSet,
}

/// A proxy user limited to some topics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopedUser {
    pub user: String,
    pub topics: TopicSet,
}

/// The longest user name taken from the proxy's header.
pub const MAX_USER_LEN: usize = 128;

impl AccessFlags {
    /// Whether watching needs access: a view token or a proxy is configured.
    pub fn restricted(&self) -> bool {
        !self.view_tokens.is_empty() || self.auth_proxy_header.is_some()
    }

    pub fn session_lifetime(&self) -> Duration {
        Duration::from_secs(self.session_secs)
    }

    /// Whether `peer` is one of `--trusted-proxies`.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        let peer = peer.to_canonical();
        self.trusted_proxies.iter().any(|net| net.contains(&peer))
    }

    pub fn is_operator(&self, user: &str) -> bool {
        self.operators.iter().any(|o| o == user)
    }

    /// The topics `user` may watch.
    pub fn user_topics(&self, user: &str) -> TopicSet {
        self.scoped_users
            .iter()
            .find(|s| s.user == user)
            .map_or_else(TopicSet::all, |s| s.topics)
    }
}

fn parse_view_token(s: &str) -> Result<ViewToken, String> {
    let (token, topics) = match s.trim().split_once(':') {
        Some((token, topics)) => (token, parse_topics(topics)?),
        None => (s, TopicSet::all()),
    };
    Ok(ViewToken {
        token: super::values::parse_token(token)?,
        topics,
    })
}

fn parse_scoped_user(s: &str) -> Result<ScopedUser, String> {
    let (user, topics) = s
        .trim()
        .rsplit_once(':')
        .ok_or_else(|| format!("`{s}` is not `USER:topic+topic`"))?;
    Ok(ScopedUser {
        user: parse_user(user)?,
        topics: parse_topics(topics)?,
    })
}

/// `quotes+toasts`: at least one topic, each known.
fn parse_topics(s: &str) -> Result<TopicSet, String> {
    if s.split('+').any(|t| t.trim().is_empty()) {
        return Err(format!(
            "`{s}`: expected topics joined by `+`, e.g. `quotes+toasts`"
        ));
    }
    TopicSet::parse_list(&s.replace('+', ","))
}

fn parse_user(s: &str) -> Result<String, String> {
    let user = s.trim();
    if user.is_empty() || user.len() > MAX_USER_LEN || user.chars().any(char::is_control) {
        return Err(format!(
            "`{s}` is not a user name (1 to {MAX_USER_LEN} bytes, no control characters)"
        ));
    }
    Ok(user.to_owned())
}

fn parse_net(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{s}` is not an address or CIDR range like `10.0.0.0/8`"))
}
