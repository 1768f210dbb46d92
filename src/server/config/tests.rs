//! Configuration: defaults without the environment, and the checks of origins, tokens
//! and rates.

use super::*;

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
