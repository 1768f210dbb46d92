//! Viewer access: with `--view-token` (or a sign-on proxy) nothing but health and the
//! sign-in page answers without access; a view token watches and cannot change anything;
//! a scoped one gets its topics only; the proxy's header is believed from trusted
//! addresses only; sessions end on time, and a new token ends the old sessions.

use crate::api::support::{EventStream, TestServer};
use livedash::{
    protocol::{Event, sse::Frame},
    server::config::Config,
};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;

pub const VIEW: &str = "view-token-0123456789";
const SCREEN: &str = "screen-token-0123456789";
const PUBLISH: &str = "publish-token-0123456789";

fn config(extra: &[&str]) -> Config {
    let mut args = vec![
        "livedash",
        "--view-token",
        "view-token-0123456789,screen-token-0123456789:quotes",
        "--publish-token",
        PUBLISH,
        "--heartbeat-secs",
        "1",
        "--quote-rate",
        "50",
    ];
    args.extend(extra);
    Config::from_args(args).unwrap()
}

/// Sends `request`; its status and JSON body (which every refusal must have).
async fn json(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{status} with a body that is not JSON: {text}"));
    (status, body)
}

/// Signs in through the page's form; the session cookie (`name=value`) it sets.
pub async fn sign_in(server: &TestServer, token: &str) -> Result<String, (StatusCode, Value)> {
    let response = server
        .client
        .post(server.url("/api/ui/sign_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(format!("token={token}"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
    match cookie {
        Some(cookie) if status == StatusCode::OK => Ok(cookie),
        _ => Err((status, response.json().await.unwrap())),
    }
}

async fn page(server: &TestServer, header: Option<(&str, &str)>) -> (StatusCode, String) {
    let mut request = server.client.get(server.url("/"));
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test]
async fn without_access_only_health_and_the_sign_in_page_answer_and_they_carry_no_data() {
    let server = TestServer::with(config(&[])).await;
    server.notify("A secret deploy note").await;
    let (status, html) = page(&server, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("Sign in to watch"), "{html}");
    assert!(html.contains(r#""topics":0"#) && html.contains(r#""watching":0"#));
    for data in [
        "AAPL",
        "A secret deploy note",
        "Notifications",
        r#"class="watching""#,
    ] {
        assert!(!html.contains(data), "the sign-in page shows `{data}`");
    }
    for path in [
        "/api/quotes",
        "/api/jobs",
        "/api/events",
        "/api/events?topics=quotes",
        "/api/presence",
    ] {
        let (status, body) = json(server.client.get(server.url(path))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            body["error"].as_str().unwrap().contains("sign in"),
            "{path}: {body}"
        );
    }
    // The POST stream and every change: 401 before anything is read or started.
    let (status, body) = json(
        server
            .client
            .post(server.url("/api/jobs"))
            .header("accept", "text/event-stream")
            .body(r#"{"kind":"percent"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(
        server.state.hub.read(|s| s.jobs.is_empty()),
        "a job started"
    );
    for path in ["/healthz", "/readyz"] {
        let status = server
            .client
            .get(server.url(path))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_view_token_gives_a_read_only_dashboard_that_cannot_publish() {
    let server = TestServer::with(config(&[])).await;
    let get = |path: &str| {
        server
            .client
            .get(server.url(path))
            .header("authorization", bearer(VIEW))
    };
    let (status, quotes) = json(get("/api/quotes")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!quotes.as_array().unwrap().is_empty());
    assert_eq!(json(get("/api/jobs")).await.0, StatusCode::OK);
    let response = get("/api/events").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let snapshot = EventStream::new(response).snapshot().await;
    assert!(!snapshot.quotes.is_empty());

    // Watching is not operating: 403, whichever way in.
    let (status, body) = json(
        server
            .client
            .post(server.url("/api/notifications"))
            .header("authorization", bearer(VIEW))
            .body(r#"{"level":"info","title":"x"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("viewers"),
        "{body}"
    );

    let session = sign_in(&server, VIEW).await.expect("a viewer session");
    assert!(session.starts_with("livedash_viewer="), "{session}");
    let (status, html) = page(&server, Some(("cookie", &session))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("AAPL") && html.contains("read-only-note"));
    assert!(html.contains("Sign out"), "a signed-in viewer may sign out");
    assert!(
        !html.contains("notify-form"),
        "a viewer is offered the form"
    );
    let (status, body) = json(
        server
            .client
            .post(server.url("/api/ui/notify"))
            .header("cookie", &session)
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("level=info&title=x&body="),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(server.state.hub.read(|s| s.toasts.is_empty()));

    // A wrong token is a 401 and counts against the sign-in rate.
    let (status, _) = json(
        server
            .client
            .get(server.url("/api/jobs"))
            .header("authorization", bearer("not-a-token-0123456789")),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The publish token watches too.
    let (status, _) = json(
        server
            .client
            .get(server.url("/api/jobs"))
            .header("authorization", bearer(PUBLISH)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn guessing_tokens_through_the_api_is_rate_limited_like_the_form() {
    let server = TestServer::with(config(&[])).await;
    let mut statuses = Vec::new();
    for i in 0..40 {
        let (status, _) = json(
            server
                .client
                .get(server.url("/api/quotes"))
                .header("authorization", bearer(&format!("guess-{i:020}"))),
        )
        .await;
        statuses.push(status);
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert_eq!(
        *statuses.last().unwrap(),
        StatusCode::TOO_MANY_REQUESTS,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_scoped_token_gets_only_its_topics_and_panels() {
    let server = TestServer::with(config(&[])).await;
    server.notify("Not for the lobby").await;
    let get = |path: &str| {
        server
            .client
            .get(server.url(path))
            .header("authorization", bearer(SCREEN))
    };
    assert_eq!(json(get("/api/quotes")).await.0, StatusCode::OK);
    let (status, body) = json(get("/api/jobs")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"].as_str().unwrap().contains("`jobs`"), "{body}");
    let (status, body) = json(get("/api/events?topics=quotes,toasts")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error"].as_str().unwrap().contains("`toasts`"),
        "{body}"
    );

    // No list: the topics it may watch, and nothing else, from the snapshot on.
    let mut stream = EventStream::new(get("/api/events").send().await.unwrap());
    let snapshot = stream.snapshot().await;
    assert!(!snapshot.quotes.is_empty());
    assert!(snapshot.toasts.is_empty() && snapshot.jobs.is_empty());
    server.notify("Still not for the lobby").await;
    for _ in 0..20 {
        let (event, _) = stream.next_event().await;
        assert!(matches!(event, Event::Quote(_)), "{:?}", event.kind());
    }

    let (status, html) = page(&server, Some(("authorization", &bearer(SCREEN)))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("AAPL"));
    for hidden in ["Not for the lobby", "notifications-title", "jobs-title"] {
        assert!(!html.contains(hidden), "the lobby screen shows `{hidden}`");
    }
}

#[tokio::test]
async fn the_proxy_header_counts_from_trusted_addresses_only() {
    let proxied = &[
        "--auth-proxy-header",
        "X-Forwarded-User",
        "--operators",
        "alice",
        "--scoped-users",
        "lobby:quotes",
    ];
    let trusted = {
        let mut args = proxied.to_vec();
        args.extend(["--trusted-proxies", "127.0.0.0/8"]);
        TestServer::with(config(&args)).await
    };
    let as_user = |server: &TestServer, method: reqwest::Method, path: &str, user: &str| {
        server
            .client
            .request(method, server.url(path))
            .header("x-forwarded-user", user)
    };
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;
    assert_eq!(
        json(as_user(&trusted, get.clone(), "/api/jobs", "bob"))
            .await
            .0,
        StatusCode::OK
    );
    let toast = r#"{"level":"info","title":"from alice"}"#;
    let (status, body) =
        json(as_user(&trusted, post.clone(), "/api/notifications", "alice").body(toast)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let (status, _) =
        json(as_user(&trusted, post.clone(), "/api/notifications", "bob").body(toast)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = json(as_user(&trusted, get.clone(), "/api/jobs", "lobby")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "lobby may watch quotes only");
    let long = "x".repeat(500);
    let (status, body) = json(as_user(&trusted, get.clone(), "/api/jobs", &long)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("x-forwarded-user"),
        "{body}"
    );
    let (status, html) = page(&trusted, Some(("x-forwarded-user", "bob"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"class="role user">bob<"#),
        "the page names its viewer"
    );

    // From an address that is not a trusted proxy, the header is anybody's words.
    let untrusted = {
        let mut args = proxied.to_vec();
        args.extend(["--trusted-proxies", "10.0.0.0/8"]);
        TestServer::with(config(&args)).await
    };
    let (status, _) = json(as_user(&untrusted, get.clone(), "/api/jobs", "alice")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) =
        json(as_user(&untrusted, post, "/api/notifications", "alice").body(toast)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, html) = page(&untrusted, Some(("x-forwarded-user", "alice"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!html.contains("AAPL"));
}

#[tokio::test]
async fn a_stream_ends_with_signed_out_when_its_session_does_and_is_refused_after() {
    let server = TestServer::with(config(&["--session-secs", "2"])).await;
    let session = sign_in(&server, VIEW).await.expect("a session");
    let open = || {
        server
            .client
            .get(server.url("/api/events?topics=toasts"))
            .header("cookie", &session)
            .send()
    };
    let response = open().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = EventStream::new(response);
    let ended = loop {
        match stream.next_frame().await {
            Some(Frame::Event { event, data, .. }) if event == livedash::protocol::SIGNED_OUT => {
                break data;
            }
            Some(_) => continue,
            None => panic!("the stream ended without `signed_out`"),
        }
    };
    assert!(ended.contains("sign in again"), "{ended}");
    assert!(
        stream.next_frame().await.is_none(),
        "the stream goes on after `signed_out`"
    );
    let response = open().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_new_token_ends_the_sessions_made_with_the_old_one() {
    let before = TestServer::with(config(&[])).await;
    let viewer = sign_in(&before, VIEW).await.unwrap();
    let operator = sign_in(&before, PUBLISH).await.unwrap();
    assert!(operator.starts_with("livedash_operator="));
    for cookie in [&viewer, &operator] {
        let (status, _) = page(&before, Some(("cookie", cookie))).await;
        assert_eq!(status, StatusCode::OK);
    }
    // The same dashboard restarted with new tokens.
    let after = TestServer::with(
        Config::from_args([
            "livedash",
            "--view-token",
            "rotated-view-0123456789",
            "--publish-token",
            "rotated-publish-0123456789",
        ])
        .unwrap(),
    )
    .await;
    for cookie in [&viewer, &operator] {
        let (status, html) = page(&after, Some(("cookie", cookie))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{cookie}");
        assert!(html.contains("Sign in to watch"));
        let (status, _) = json(
            after
                .client
                .get(after.url("/api/jobs"))
                .header("cookie", cookie),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert!(sign_in(&after, "rotated-view-0123456789").await.is_ok());
}
