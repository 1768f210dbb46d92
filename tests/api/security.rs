//! The publish token and the same-origin rule for the page's own controls.

use crate::api::support::TestServer;
use livedash::server::Config;

const TOAST: &str = r#"{"level":"info","title":"hi"}"#;

async fn publish(
    server: &TestServer,
    auth: Option<&str>,
) -> (u16, serde_json::Value, Option<String>) {
    let mut request = server
        .client
        .post(server.url("/api/notifications"))
        .body(TOAST);
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    let response = request.send().await.unwrap();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        response.json().await.unwrap(),
        challenge,
    )
}

#[tokio::test]
async fn with_a_token_configured_publishing_needs_it() {
    let server = TestServer::with(Config {
        publish_token: Some("s3cret-token".into()),
        ..Config::default()
    })
    .await;
    let (status, body, challenge) = publish(&server, None).await;
    assert_eq!((status, challenge.as_deref()), (401, Some("Bearer")));
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );
    for wrong in [
        "Bearer s3cret-toke",
        "Bearer s3cret-token2",
        "Basic s3cret-token",
        "s3cret-token",
    ] {
        assert_eq!(publish(&server, Some(wrong)).await.0, 401, "{wrong}");
    }
    assert_eq!(publish(&server, Some("Bearer s3cret-token")).await.0, 202);
}

#[tokio::test]
async fn without_a_token_publishing_is_open() {
    let server = TestServer::start().await;
    assert_eq!(publish(&server, None).await.0, 202);
}

/// The page's notification form, as a browser would post it.
async fn form_post(server: &TestServer, headers: &[(&str, &str)]) -> u16 {
    let mut request = server
        .client
        .post(server.url("/api/ui/notify"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("level=info&title=from+a+form&body=");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn the_pages_own_controls_refuse_cross_site_requests() {
    let server = TestServer::with(Config {
        publish_token: Some("not-on-the-page".into()),
        ..Config::default()
    })
    .await;
    let own = server.base.clone();
    assert_eq!(
        form_post(
            &server,
            &[("Origin", &own), ("Sec-Fetch-Site", "same-origin")]
        )
        .await,
        200,
        "the page works without the token"
    );
    assert_eq!(
        form_post(&server, &[]).await,
        200,
        "non-browser clients cannot be forged by a browser"
    );
    assert_eq!(
        form_post(&server, &[("Origin", "https://evil.example")]).await,
        403
    );
    assert_eq!(
        form_post(&server, &[("Sec-Fetch-Site", "cross-site")]).await,
        403
    );
    assert_eq!(
        form_post(
            &server,
            &[("Origin", &own), ("Sec-Fetch-Site", "same-site")]
        )
        .await,
        403
    );
}

#[tokio::test]
async fn an_allowed_origin_may_use_them() {
    let config = Config {
        cors_origins: vec!["https://ops.example.com".into()],
        ..Config::default()
    };
    let server = TestServer::with(config).await;
    assert_eq!(
        form_post(&server, &[("Origin", "https://ops.example.com")]).await,
        200
    );
    assert_eq!(
        form_post(&server, &[("Origin", "https://evil.example")]).await,
        403
    );
}
