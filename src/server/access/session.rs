//! The operator session: what the page's sign-in form gives a browser so it can change
//! state without ever holding the publish token in script.
//!
//! The cookie says when it expires and carries an HMAC-SHA256 of that, keyed by the publish
//! token. Nothing is stored on the server, so sessions survive a restart and scale to any
//! number of browsers; changing the token ends every session at once. It is `HttpOnly` (no
//! script reads it), `SameSite=Strict` (no other site's page sends it) and `Secure` when
//! the dashboard is served over HTTPS.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// The cookie's name.
pub const COOKIE: &str = "livedash_operator";
/// How long a sign-in lasts.
pub const LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// A fresh session value for `token`, valid until `now_secs + LIFETIME`.
pub fn issue(token: &str, now_secs: u64) -> String {
    let expires = now_secs + LIFETIME.as_secs();
    format!("{expires}.{}", hex::encode(mac(token, expires)))
}

/// Whether `value` is a session issued for `token` that has not expired at `now_secs`.
pub fn verify(token: &str, value: &str, now_secs: u64) -> bool {
    let Some((expires, signature)) = value.split_once('.') else {
        return false;
    };
    let (Ok(expires), Ok(signature)) = (expires.parse::<u64>(), hex::decode(signature)) else {
        return false;
    };
    // `verify_slice` compares in constant time.
    expires > now_secs
        && keyed(token)
            .chain_update(message(expires))
            .verify_slice(&signature)
            .is_ok()
}

/// The session value the request's `Cookie` headers carry, if any.
pub fn read(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_owned())
}

/// `Set-Cookie` for a new session.
pub fn set_cookie(value: String, secure: bool) -> HeaderValue {
    build(
        value,
        CookieDuration::seconds(LIFETIME.as_secs() as i64),
        secure,
    )
}

/// `Set-Cookie` that removes the session (signing out).
pub fn clear_cookie(secure: bool) -> HeaderValue {
    build(String::new(), CookieDuration::ZERO, secure)
}

fn build(value: String, max_age: CookieDuration, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((COOKIE, value))
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

fn message(expires: u64) -> String {
    format!("livedash operator session v1 {expires}")
}

fn mac(token: &str, expires: u64) -> Vec<u8> {
    keyed(token)
        .chain_update(message(expires))
        .finalize()
        .into_bytes()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_valid_for_its_token_until_it_expires() {
        let value = issue("s3cret", 1_000);
        assert!(verify("s3cret", &value, 1_000));
        assert!(verify("s3cret", &value, 1_000 + LIFETIME.as_secs() - 1));
        assert!(!verify("s3cret", &value, 1_000 + LIFETIME.as_secs()));
        assert!(!verify("another token", &value, 1_000));
    }

    #[test]
    fn tampered_or_malformed_sessions_are_refused() {
        let value = issue("s3cret", 1_000);
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
            assert!(!verify("s3cret", &forged, 1_000), "{forged}");
        }
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_under_tls() {
        let plain = set_cookie("v".into(), false);
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("livedash_operator=v;"), "{plain}");
        for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
            assert!(plain.contains(part), "{plain} lacks {part}");
        }
        assert!(!plain.contains("Secure"));
        assert!(
            set_cookie("v".into(), true)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
        assert!(clear_cookie(false).to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn reads_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; livedash_operator=abc"),
        );
        assert_eq!(read(&headers).as_deref(), Some("abc"));
        assert_eq!(read(&HeaderMap::new()), None);
    }
}
