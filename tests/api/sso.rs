//! The README's single sign-on recipe, run as written: nginx with the README's
//! `auth_request` block, a stand-in for oauth2-proxy on its address (it answers
//! `/oauth2/auth` as oauth2-proxy does: 202 with `X-Auth-Request-User` for a browser with
//! a session cookie, 401 without), and livedash trusting the header from nginx only.

use crate::api::{nginx::Nginx, support::TestServer};
use axum::{
    Router,
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::get,
};
use livedash::server::config::Config;

const COOKIE: &str = "_oauth2_proxy";

/// The README's block, with the test's ports in place of the README's.
fn readme_block(port: u16, oauth2_proxy: u16, livedash: u16) -> String {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("```nginx\n# livedash behind oauth2-proxy")
        .expect("the README's Access section has the oauth2-proxy block");
    let block = &readme[start + "```nginx\n".len()..];
    let block = &block[..block.find("```").unwrap()];
    assert!(block.contains("listen 80;") && block.contains("127.0.0.1:4180"));
    block
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("127.0.0.1:4180", &format!("127.0.0.1:{oauth2_proxy}"))
        .replace("127.0.0.1:3000", &format!("127.0.0.1:{livedash}"))
}

/// oauth2-proxy's contract as nginx sees it: its session cookie names the user here.
async fn stand_in_for_oauth2_proxy() -> u16 {
    async fn auth(headers: HeaderMap) -> impl IntoResponse {
        let user = headers
            .get_all("cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| {
                c.trim()
                    .strip_prefix(&format!("{COOKIE}="))
                    .map(str::to_owned)
            });
        match user {
            Some(user) => (StatusCode::ACCEPTED, [("x-auth-request-user", user)]).into_response(),
            None => StatusCode::UNAUTHORIZED.into_response(),
        }
    }
    let app = Router::new().route("/oauth2/auth", get(auth)).route(
        "/oauth2/sign_in",
        get(|| async { "Sign in with your identity provider" }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    port
}

#[tokio::test]
async fn the_readme_sign_on_recipe_names_the_user_and_shows_strangers_the_sign_in() {
    let server = TestServer::with(
        Config::from_args([
            "livedash",
            "--auth-proxy-header",
            "X-Forwarded-User",
            "--trusted-proxies",
            "127.0.0.1",
            "--operators",
            "alice",
        ])
        .unwrap(),
    )
    .await;
    let oauth2_proxy = stand_in_for_oauth2_proxy().await;
    let nginx = Nginx::start_with(|port| readme_block(port, oauth2_proxy, server.addr.port()));
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("{}{path}", nginx.base()));

    // A stranger gets the proxy's sign-in page, even naming a user themselves.
    for request in [get("/"), get("/").header("x-forwarded-user", "alice")] {
        let text = request.send().await.unwrap().text().await.unwrap();
        assert!(
            text.contains("Sign in with your identity provider"),
            "{text}"
        );
        assert!(!text.contains("AAPL"));
    }
    // A signed-in browser gets the dashboard under its own name; a name it makes up is
    // replaced by the proxy's.
    let bob = format!("{COOKIE}=bob");
    let response = get("/")
        .header("cookie", &bob)
        .header("x-forwarded-user", "alice")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("AAPL") && html.contains(r#"class="role user">bob<"#),
        "{html}"
    );
    // Through the proxy, bob watches (the stream too) and cannot operate; alice can.
    let stream = get("/api/events?topics=toasts")
        .header("cookie", &bob)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let notify = |user: &str| {
        client
            .post(format!("{}/api/notifications", nginx.base()))
            .header("cookie", format!("{COOKIE}={user}"))
            .body(r#"{"level":"info","title":"through sso"}"#)
            .send()
    };
    assert_eq!(notify("bob").await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(
        notify("alice").await.unwrap().status(),
        StatusCode::ACCEPTED
    );
    let presence: serde_json::Value = get("/api/presence")
        .header("cookie", &bob)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(presence["users"], serde_json::json!(["bob"]), "{presence}");
}
