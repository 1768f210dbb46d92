//! Security headers on every response, a CSP that names the page's script nonce, and CORS
//! that admits only the configured origins.

use crate::api::support::TestServer;
use livedash::server::config::Config;

#[tokio::test]
async fn the_page_has_a_csp_whose_nonce_is_on_its_scripts() {
    let server = TestServer::start().await;
    let response = server.client.get(server.url("/")).send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(header("referrer-policy").as_deref(), Some("same-origin"));
    let csp = header("content-security-policy").expect("a CSP on the page");
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce");
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the CSP's nonce"
    );
    let again = server.client.get(server.url("/")).send().await.unwrap();
    assert!(
        !again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(nonce),
        "a fresh nonce per page"
    );
}

#[tokio::test]
async fn api_responses_carry_the_security_headers_too() {
    let server = TestServer::start().await;
    let response = server
        .client
        .get(server.url("/api/quotes"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

async fn cors_origin(server: &TestServer, path: &str, origin: &str) -> Option<String> {
    let response = server
        .client
        .get(server.url(path))
        .header("Origin", origin)
        .send()
        .await
        .unwrap();
    response
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn cors_admits_only_configured_origins() {
    let server = TestServer::start().await;
    assert_eq!(
        cors_origin(&server, "/api/quotes", "https://elsewhere.example").await,
        None,
        "same-origin by default"
    );

    let config = Config {
        cors_origins: vec!["https://ops.example.com".into()],
        ..Config::default()
    };
    let server = TestServer::with(config).await;
    let allowed = "https://ops.example.com";
    assert_eq!(
        cors_origin(&server, "/api/quotes", allowed)
            .await
            .as_deref(),
        Some(allowed)
    );
    assert_eq!(
        cors_origin(&server, "/api/quotes", "https://evil.example").await,
        None
    );
    let preflight = server
        .client
        .request(reqwest::Method::OPTIONS, server.url("/api/events"))
        .header("Origin", allowed)
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "last-event-id")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.headers()["access-control-allow-origin"], allowed);
    assert!(
        preflight.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("last-event-id")
    );
}
