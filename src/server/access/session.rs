//! The page's sessions: what the sign-in form gives a browser so it can operate, or watch,
//! without ever holding a token in script.
//!
//! The cookie says when it expires and carries an HMAC-SHA256 of that, keyed by the token
//! it was made with (the publish token for an operator, a view token for a viewer).
//! Nothing is stored on the server, so sessions survive a restart and scale to any number
//! of browsers; changing a token (a restart with a new one) ends every session made with
//! the old one at once. It is `HttpOnly` (no script reads it), `SameSite=Strict` (no other
//! site's page sends it) and `Secure` when the dashboard is served over HTTPS.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// Which role a session gives: each has its cookie and its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Operator,
    Viewer,
}

impl Kind {
    /// The cookie's name.
    pub fn cookie(self) -> &'static str {
        match self {
            Kind::Operator => "livedash_operator",
            Kind::Viewer => "livedash_viewer",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Operator => "operator",
            Kind::Viewer => "viewer",
        }
    }
}

/// A fresh session value for `token`, valid for `lifetime` from `now_secs`.
pub fn issue(kind: Kind, token: &str, now_secs: u64, lifetime: Duration) -> String {
    let expires = now_secs + lifetime.as_secs();
    format!("{expires}.{}", hex::encode(mac(kind, token, expires)))
}

/// When `value` expires, if it is a session issued for `token` that has not expired at
/// `now_secs`.
pub fn verify(kind: Kind, token: &str, value: &str, now_secs: u64) -> Option<u64> {
    let (expires, signature) = value.split_once('.')?;
    let (Ok(expires), Ok(signature)) = (expires.parse::<u64>(), hex::decode(signature)) else {
        return None;
    };
    // `verify_slice` compares in constant time.
    (expires > now_secs
        && keyed(token)
            .chain_update(message(kind, expires))
            .verify_slice(&signature)
            .is_ok())
    .then_some(expires)
}

/// The session value of `kind` the request's `Cookie` headers carry, if any.
pub fn read(kind: Kind, headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == kind.cookie())
        .map(|c| c.value().to_owned())
}

/// `Set-Cookie` for a new session.
pub fn set_cookie(kind: Kind, value: String, lifetime: Duration, secure: bool) -> HeaderValue {
    let max_age = CookieDuration::seconds(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
    build(kind, value, max_age, secure)
}

/// `Set-Cookie` that removes the session (signing out).
pub fn clear_cookie(kind: Kind, secure: bool) -> HeaderValue {
    build(kind, String::new(), CookieDuration::ZERO, secure)
}

fn build(kind: Kind, value: String, max_age: CookieDuration, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((kind.cookie(), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(max_age)
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("a cookie of hex digits is a valid header")
}

fn keyed(token: &str) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(token.as_bytes()).expect("HMAC takes a key of any length")
}

fn message(kind: Kind, expires: u64) -> String {
    format!("livedash {} session v1 {expires}", kind.label())
}

fn mac(kind: Kind, token: &str, expires: u64) -> Vec<u8> {
    keyed(token)
        .chain_update(message(kind, expires))
        .finalize()
        .into_bytes()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFETIME: Duration = Duration::from_secs(43_200);
    const OP: Kind = Kind::Operator;

    #[test]
    fn a_session_is_valid_for_its_token_and_role_until_it_expires() {
        let value = issue(OP, "s3cret", 1_000, LIFETIME);
        let expires = 1_000 + LIFETIME.as_secs();
        assert_eq!(verify(OP, "s3cret", &value, 1_000), Some(expires));
        assert!(verify(OP, "s3cret", &value, expires - 1).is_some());
        assert!(verify(OP, "s3cret", &value, expires).is_none());
        assert!(verify(OP, "another token", &value, 1_000).is_none());
        // A viewer's session is not an operator's, even with the same token.
        let viewer = issue(Kind::Viewer, "s3cret", 1_000, LIFETIME);
        assert!(verify(OP, "s3cret", &viewer, 1_000).is_none());
        assert!(verify(Kind::Viewer, "s3cret", &viewer, 1_000).is_some());
    }

    #[test]
    fn tampered_or_malformed_sessions_are_refused() {
        let value = issue(OP, "s3cret", 1_000, LIFETIME);
        let (expires, signature) = value.split_once('.').unwrap();
        let later = expires.parse::<u64>().unwrap() + 3_600;
        for forged in [
            format!("{later}.{signature}"),
            format!("{expires}.{}", &signature[2..]),
            format!("{expires}.zz{}", &signature[2..]),
            format!("{expires}.é{}", &signature[1..]),
            expires.to_owned(),
            String::new(),
            "99999999999999999999999.00".to_owned(),
        ] {
            assert!(verify(OP, "s3cret", &forged, 1_000).is_none(), "{forged}");
        }
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_under_tls() {
        let plain = set_cookie(OP, "v".into(), LIFETIME, false);
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("livedash_operator=v;"), "{plain}");
        for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
            assert!(plain.contains(part), "{plain} lacks {part}");
        }
        assert!(!plain.contains("Secure"));
        assert!(
            set_cookie(Kind::Viewer, "v".into(), LIFETIME, true)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
        assert!(
            clear_cookie(OP, false)
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
    }

    #[test]
    fn reads_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; livedash_operator=abc; livedash_viewer=def"),
        );
        assert_eq!(read(OP, &headers).as_deref(), Some("abc"));
        assert_eq!(read(Kind::Viewer, &headers).as_deref(), Some("def"));
        assert_eq!(read(OP, &HeaderMap::new()), None);
    }
}
