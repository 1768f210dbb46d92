//! The page's operator session: with a token configured the dashboard is read-only until
//! the viewer signs in with the token, which sets an HttpOnly, SameSite=Strict cookie.

use crate::{
    api::support::TestServer,
    security::{PAGE_CHANGES, TOKEN, send, with_token},
};

/// Signs in through the page's form; returns the status, JSON body and `Set-Cookie`.
async fn sign_in(server: &TestServer, token: &str) -> (u16, serde_json::Value, Option<String>) {
    let body = format!("token={token}");
    let response = server
        .client
        .post(server.url("/api/ui/sign_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &server.base)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, response.json().await.unwrap(), cookie)
}

async fn page(server: &TestServer, cookie: Option<&str>) -> String {
    let mut request = server.client.get(server.url("/"));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap().text().await.unwrap()
}

/// `name=value` of a `Set-Cookie` header.
fn pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap()
}

#[tokio::test]
async fn a_viewer_signs_in_with_the_token_and_the_page_becomes_operable() {
    let server = TestServer::with(with_token()).await;
    let html = page(&server, None).await;
    assert!(html.contains(r#"class="sign-in""#), "no sign-in offered");
    assert!(html.contains("read-only-note"), "not marked read-only");
    assert!(
        !html.contains(r#"data-kind="percent""#),
        "start controls shown to a viewer"
    );
    assert!(
        !html.contains("notify-form"),
        "notification form shown to a viewer"
    );

    let (status, json, cookie) = sign_in(&server, "wrong-token-0123456789").await;
    assert_eq!((status, cookie), (401, None));
    assert_eq!(json["error"], "that token is not valid here");

    let (status, json, cookie) = sign_in(&server, TOKEN).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json, "operator");
    let cookie = cookie.expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP cannot keep a Secure cookie"
    );
    assert!(!cookie.contains(TOKEN), "the cookie must not be the token");
    let session = pair(&cookie);

    let html = page(&server, Some(session)).await;
    assert!(html.contains(r#"data-kind="percent""#) && html.contains("notify-form"));
    assert!(html.contains("Sign out") && !html.contains(r#"class="sign-in""#));
    for change in PAGE_CHANGES {
        let (status, json, _) = send(&server, change, &[("cookie", session)]).await;
        assert!(
            matches!(status, 200 | 409),
            "{}: {status} {json}",
            change.path
        );
    }
    assert_eq!(server.state.hub.read(|s| s.toasts.len()), 1);

    // A forged or tampered session is no session.
    let forged = session.replace(|c: char| c.is_ascii_digit(), "7");
    let (status, _, _) = send(&server, PAGE_CHANGES[0], &[("cookie", &forged)]).await;
    assert_eq!(status, 401);

    let response = server
        .client
        .post(server.url("/api/ui/sign_out"))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cleared = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

#[tokio::test]
async fn without_a_token_the_page_is_open_and_offers_no_sign_in() {
    let server = TestServer::start().await;
    let html = page(&server, None).await;
    assert!(html.contains(r#"data-kind="percent""#) && html.contains("notify-form"));
    assert!(!html.contains(r#"class="sign-in""#) && !html.contains("read-only-note"));
    let (status, json, _) = sign_in(&server, "anything-at-all-0123").await;
    assert_eq!(status, 409, "{json}");
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited() {
    let server = TestServer::with(with_token()).await;
    for _ in 0..10 {
        assert_eq!(sign_in(&server, "guess-0123456789abcdef").await.0, 401);
    }
    let response = server
        .client
        .post(server.url("/api/ui/sign_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    assert!(!response.headers().contains_key("set-cookie"));
}

#[tokio::test]
async fn sign_in_works_as_a_plain_form_post_without_javascript() {
    let server = TestServer::with(with_token()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(server.url("/api/ui/sign_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("referer", server.url("/"))
        .header("origin", &server.base)
        .body(format!("token={TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(&server.url("/")), "{location}");
    assert!(response.headers().contains_key("set-cookie"));
}
