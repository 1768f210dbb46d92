//! One authorization path: with a token configured, every state-changing operation needs
//! it, from the API (a bearer token) and from the page (an operator session) alike; a
//! browser request on behalf of another site is refused everywhere.

use crate::api::support::TestServer;
use livedash::server::config::Config;
use reqwest::header::HeaderMap;
use serde_json::Value;

pub const TOKEN: &str = "s3cret-token-0123456789";

pub fn with_token() -> Config {
    Config {
        publish_token: Some(TOKEN.into()),
        ..Config::default()
    }
}

/// One state-changing request: the public API's JSON or the page's form post.
#[derive(Clone, Copy)]
pub struct Change {
    pub path: &'static str,
    pub body: &'static str,
    pub form: bool,
}

pub const API_CHANGES: [Change; 3] = [
    Change {
        path: "/api/notifications",
        body: r#"{"level":"info","title":"hi"}"#,
        form: false,
    },
    Change {
        path: "/api/jobs",
        body: r#"{"kind":"logs","lines":1000}"#,
        form: false,
    },
    Change {
        path: "/api/jobs/{first_job}/cancel",
        body: "",
        form: false,
    },
];

pub const PAGE_CHANGES: [Change; 3] = [
    Change {
        path: "/api/ui/notify",
        body: "level=info&title=x&body=y",
        form: true,
    },
    Change {
        path: "/api/ui/start_job",
        body: "kind=logs",
        form: true,
    },
    Change {
        path: "/api/ui/cancel_job",
        body: "id={first_job}",
        form: true,
    },
];

/// Sends `change` with extra headers; returns the status, the JSON body and the headers.
/// `{first_job}` in its path or body is the id of the first job the server hands out.
pub async fn send(
    server: &TestServer,
    change: Change,
    headers: &[(&str, &str)],
) -> (u16, Value, HeaderMap) {
    let first_job = server.first_job_id().to_string();
    let mut request = server
        .client
        .post(server.url(&change.path.replace("{first_job}", &first_job)))
        .body(change.body.replace("{first_job}", &first_job));
    if change.form {
        request = request.header("content-type", "application/x-www-form-urlencoded");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, json, headers)
}

#[tokio::test]
async fn with_a_token_every_state_change_needs_it_from_the_api_and_the_page() {
    let server = TestServer::with(with_token()).await;
    let own = server.base.as_str();
    for change in API_CHANGES.into_iter().chain(PAGE_CHANGES) {
        for headers in [
            &[][..],
            &[("Authorization", "Bearer wrong-token-0123456789")][..],
            &[("Authorization", "Basic czNjcmV0")][..],
            // The page's own origin is no credential.
            &[("Origin", own), ("Sec-Fetch-Site", "same-origin")][..],
        ] {
            let (status, json, response) = send(&server, change, headers).await;
            assert!(json["error"].is_string(), "{}: {json}", change.path);
            // Wrong credentials are charged to the client's sign-in rate (against
            // guessing): once that is spent, they are refused with 429 instead.
            if status == 429 && !headers.is_empty() && headers[0].0 == "Authorization" {
                assert!(response.contains_key("retry-after"), "{json}");
                continue;
            }
            assert_eq!(status, 401, "{} {headers:?}: {json}", change.path);
            assert_eq!(response["www-authenticate"], "Bearer");
        }
    }
    // The bypass that was: a form post with no token published a toast.
    assert_eq!(server.state.hub.read(|s| s.toasts.len()), 0);
    assert_eq!(server.state.hub.read(|s| s.jobs.len()), 0);

    let bearer = format!("Bearer {TOKEN}");
    let expected = [202, 201, 202];
    for (change, status) in API_CHANGES.into_iter().zip(expected) {
        let (got, json, _) = send(&server, change, &[("Authorization", &bearer)]).await;
        assert_eq!(got, status, "{}: {json}", change.path);
    }
    for change in PAGE_CHANGES {
        let (got, json, _) = send(&server, change, &[("Authorization", &bearer)]).await;
        // The job the API started is already cancelled by now, or still cancelling.
        assert!(matches!(got, 200 | 409), "{}: {got} {json}", change.path);
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let server = TestServer::with(with_token()).await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let auth = format!("{scheme} {TOKEN}");
        let (status, json, _) = send(&server, API_CHANGES[0], &[("Authorization", &auth)]).await;
        assert_eq!(status, 202, "{scheme}: {json}");
    }
}

#[tokio::test]
async fn without_a_token_operating_is_open() {
    let server = TestServer::start().await;
    assert_eq!(send(&server, API_CHANGES[0], &[]).await.0, 202);
    assert_eq!(send(&server, API_CHANGES[1], &[]).await.0, 201);
    assert_eq!(send(&server, PAGE_CHANGES[0], &[]).await.0, 200);
}

#[tokio::test]
async fn cross_site_browser_requests_are_refused_everywhere() {
    let server = TestServer::with(Config {
        cors_origins: vec!["https://ops.example.com".into()],
        ..Config::default()
    })
    .await;
    let own = server.base.clone();
    for change in [API_CHANGES[0], PAGE_CHANGES[0]] {
        let status = |headers: &'static [(&'static str, &'static str)]| {
            let server = &server;
            async move { send(server, change, headers).await.0 }
        };
        assert_eq!(status(&[("Origin", "https://evil.example")]).await, 403);
        assert_eq!(status(&[("Origin", "null")]).await, 403);
        assert_eq!(status(&[("Sec-Fetch-Site", "cross-site")]).await, 403);
        assert_eq!(status(&[("Sec-Fetch-Site", "same-site")]).await, 403);
        // An origin the operator allowed (`--cors-origins`) may.
        let allowed = status(&[
            ("Origin", "https://ops.example.com"),
            ("Sec-Fetch-Site", "cross-site"),
        ])
        .await;
        assert!((200..300).contains(&allowed), "{}: {allowed}", change.path);
        let (own_status, json, _) = send(
            &server,
            change,
            &[("Origin", &own), ("Sec-Fetch-Site", "same-origin")],
        )
        .await;
        assert!((200..300).contains(&own_status), "{}: {json}", change.path);
    }
}

#[tokio::test]
async fn behind_a_proxy_the_public_origin_is_ours() {
    // nginx's default passes `Host: 127.0.0.1:3000` upstream: the page's requests carry an
    // Origin that is not the Host the server sees.
    let proxied = [
        ("Host", "127.0.0.1:3000"),
        ("Origin", "https://dash.example.com"),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    let plain = TestServer::start().await;
    assert_eq!(send(&plain, PAGE_CHANGES[0], &proxied).await.0, 403);

    let server = TestServer::with(
        Config::from_args(["livedash", "--public-origin", "https://Dash.example.com/"]).unwrap(),
    )
    .await;
    let (status, json, _) = send(&server, PAGE_CHANGES[0], &proxied).await;
    assert_eq!(status, 200, "{json}");
    // With a public origin set, it is the only one that is ours.
    let own_host = [("Origin", server.base.as_str())];
    assert_eq!(send(&server, PAGE_CHANGES[0], &own_host).await.0, 403);
}
