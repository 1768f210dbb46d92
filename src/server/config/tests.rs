//! Configuration: defaults without the environment, and the checks of origins, tokens
//! and rates.

use super::*;
use crate::protocol::{Topic, TopicSet};

#[test]
fn the_defaults_ignore_the_environment() {
    // SAFETY: no other test of this crate reads or writes these variables, and Rust's
    // own environment functions are synchronised with each other.
    unsafe {
        std::env::set_var("LIVEDASH_MAX_STREAMS", "7");
        std::env::set_var("LIVEDASH_PUBLISH_TOKEN", "from-the-developers-shell");
    }
    let config = Config::default();
    let parsed = Config::from_args(["livedash", "--max-streams", "9"]).unwrap();
    unsafe {
        std::env::remove_var("LIVEDASH_MAX_STREAMS");
        std::env::remove_var("LIVEDASH_PUBLISH_TOKEN");
    }
    assert_eq!(config.max_streams, 10_000);
    assert_eq!(config.publish_token, None);
    assert_eq!(parsed.max_streams, 9);
}

#[test]
fn origins_and_tokens_are_checked() {
    assert_eq!(
        parse_origin("HTTPS://Dash.Example.com:8443/").as_deref(),
        Ok("https://dash.example.com:8443")
    );
    for bad in [
        "dash.example.com",
        "ftp://x",
        "https://x/path",
        "https://u@x",
        "https://x?q",
    ] {
        assert!(parse_origin(bad).is_err(), "{bad}");
    }
    assert!(parse_token("short").is_err());
    assert!(parse_token("sixteen chars ok").is_err(), "spaces");
    assert!(parse_token("0123456789abcdef").is_ok());
    for bad in ["0", "0.001", "1e-300", "NaN", "inf", "10001"] {
        assert!(parse_rate(bad).is_err(), "{bad}");
    }
}

#[test]
fn view_tokens_may_be_scoped() {
    let config = Config::from_args([
        "livedash",
        "--view-token",
        "0123456789abcdef,screen-0123456789:quotes,ops-0123456789ab:jobs+toasts",
    ])
    .unwrap();
    let tokens = &config.access.view_tokens;
    assert_eq!(tokens[0].topics, TopicSet::all());
    assert_eq!(tokens[1].token, "screen-0123456789");
    assert_eq!(tokens[1].topics, [Topic::Quotes].into_iter().collect());
    assert_eq!(
        tokens[2].topics,
        [Topic::Jobs, Topic::Toasts].into_iter().collect()
    );
    assert!(config.access.restricted());
    assert!(!Config::default().access.restricted());
    for bad in ["short", "0123456789abcdef:", "0123456789abcdef:prices"] {
        assert!(
            Config::from_args(["livedash", "--view-token", bad]).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn the_proxy_header_needs_trusted_proxies() {
    assert!(Config::from_args(["livedash", "--auth-proxy-header", "X-User"]).is_err());
    assert!(Config::from_args(["livedash", "--operators", "alice"]).is_err());
    let config = Config::from_args([
        "livedash",
        "--auth-proxy-header",
        "X-Forwarded-User",
        "--trusted-proxies",
        "127.0.0.1,10.0.0.0/8",
        "--operators",
        "alice",
        "--scoped-users",
        "lobby:quotes",
    ])
    .unwrap();
    let access = &config.access;
    assert!(access.trusts("127.0.0.1".parse().unwrap()));
    assert!(access.trusts("::ffff:10.1.2.3".parse().unwrap()));
    assert!(!access.trusts("192.168.0.1".parse().unwrap()));
    assert!(access.is_operator("alice") && !access.is_operator("bob"));
    assert_eq!(
        access.user_topics("lobby"),
        [Topic::Quotes].into_iter().collect()
    );
    assert_eq!(access.user_topics("bob"), TopicSet::all());
    assert!(
        Config::from_args([
            "livedash",
            "--auth-proxy-header",
            "X",
            "--trusted-proxies",
            "nope"
        ])
        .is_err()
    );
}
