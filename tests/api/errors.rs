//! Bad input gets a 4xx with a JSON message saying what was wrong; never a 500.

use crate::api::support::TestServer;

#[tokio::test]
async fn bad_input_is_a_400_that_says_what_was_wrong() {
    let server = TestServer::start().await;
    let cases: &[(&str, &str, &str)] = &[
        ("/api/jobs", "{not json", "invalid JSON body"),
        (
            "/api/jobs",
            r#"{"kind":"mining"}"#,
            "unknown variant `mining`",
        ),
        ("/api/jobs", r#"{"steps":3}"#, "missing field `kind`"),
        (
            "/api/jobs",
            r#"{"kind":"percent","steps":99999999}"#,
            "`steps` must be between 1 and 10000",
        ),
        (
            "/api/jobs",
            r#"{"kind":"percent","stepz":3}"#,
            "unknown field `stepz`",
        ),
        (
            "/api/jobs",
            r#"{"kind":"batch","fail_rate":-1}"#,
            "`fail_rate`",
        ),
        (
            "/api/notifications",
            r#"{"level":"panic","title":"x"}"#,
            "unknown variant `panic`",
        ),
        (
            "/api/notifications",
            r#"{"level":"info"}"#,
            "missing field `title`",
        ),
        (
            "/api/notifications",
            r#"{"level":"info","title":"   "}"#,
            "`title` must not be blank",
        ),
        (
            "/api/jobs/abc/cancel",
            "",
            "job id must be a positive integer",
        ),
    ];
    for (path, body, expected) in cases {
        let (status, json) = server.post(path, body).await;
        let message = json["error"].as_str().unwrap_or_default();
        assert_eq!(status, 400, "{path} {body} → {json}");
        assert!(
            message.contains(expected),
            "{path} {body}: `{message}` does not mention `{expected}`"
        );
    }
    let long_title = format!(r#"{{"level":"info","title":"{}"}}"#, "x".repeat(500));
    let (status, json) = server.post("/api/notifications", &long_title).await;
    assert_eq!(
        (status.as_u16(), json["error"].as_str()),
        (400, Some("`title` is longer than 120 characters"))
    );
}

#[tokio::test]
async fn unknown_things_are_404s_in_json() {
    let server = TestServer::start().await;
    let (status, json) = server.post("/api/jobs/424242/cancel", "").await;
    assert_eq!(
        (status.as_u16(), json["error"].as_str()),
        (404, Some("no job with id 424242"))
    );
    let (status, json) = server.get_json("/api/nope").await;
    assert_eq!(
        (status.as_u16(), json["error"].as_str()),
        (404, Some("no such API endpoint"))
    );
    let response = server
        .client
        .get(server.url("/api/events?topics=weather"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("unknown topic `weather`")
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let server = TestServer::start().await;
    let huge = format!(
        r#"{{"level":"info","title":"t","body":"{}"}}"#,
        "x".repeat(100_000)
    );
    let (status, json) = server.post("/api/notifications", &huge).await;
    assert_eq!(status, 413);
    assert!(json["error"].as_str().is_some());
}

#[tokio::test]
async fn the_page_is_server_rendered_with_prices_and_jobs() {
    let server = TestServer::start().await;
    let (status, job) = server
        .post(
            "/api/jobs",
            r#"{"kind":"percent","steps":10000,"step_ms":60000}"#,
        )
        .await;
    assert_eq!(status, 201);
    let (_, html) = server.get_text("/").await;
    assert!(
        html.contains("data-symbol=\"AAPL\""),
        "no ticker rows in the server-rendered page"
    );
    let card = format!(r#"data-job-id="{}""#, job["id"]);
    assert!(html.contains(&card), "the started job has no card");
    assert!(html.contains(r#"role="progressbar""#));
    assert!(!html.contains("No jobs yet"));
}

#[tokio::test]
async fn every_error_has_a_json_body_with_its_4xx_status() {
    let server = TestServer::start().await;
    for (method, path) in [
        (reqwest::Method::GET, "/api/notifications"),
        (reqwest::Method::DELETE, "/api/jobs"),
        (reqwest::Method::POST, "/healthz"),
        (reqwest::Method::PUT, "/api/events"),
    ] {
        let response = server
            .client
            .request(method.clone(), server.url(path))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let json: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(status, 405, "{method} {path}");
        assert!(
            json["error"]
                .as_str()
                .is_some_and(|e| e.contains("not allowed")),
            "{method} {path}: {json}"
        );
    }
    // The page's server functions answer like the API: the typed error and its status.
    let form = |path: &'static str, body: &'static str| {
        server
            .client
            .post(server.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let response = form("/api/ui/cancel_job", "id=424242").await.unwrap();
    assert_eq!(response.status(), 404);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["error"], "no job with id 424242");
    let response = form("/api/ui/cancel_job", "id=abc").await.unwrap();
    assert_eq!(response.status(), 400);
    let json: serde_json::Value = response.json().await.unwrap();
    assert!(json["error"].is_string(), "{json}");
    let response = form("/api/ui/notify", "level=info&title=+++&body=")
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["error"], "`title` must not be blank");
}

#[tokio::test]
async fn max_quote_rate_out_of_its_range_is_a_400_naming_it() {
    let server = TestServer::start().await;
    // 1e-300 and 1e-19 used to panic the connection task (an empty reply).
    for rate in [
        "1e-300", "1e-19", "0.0099", "0", "-1", "1000.5", "NaN", "inf", "fast",
    ] {
        let response = server
            .client
            .get(server.url(&format!("/api/events?max_quote_rate={rate}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{rate}");
        let text = response.text().await.unwrap();
        assert!(text.contains("max_quote_rate"), "{rate}: {text}");
    }
    for rate in ["0.01", "1000"] {
        let mut stream = server
            .events(&format!("?topics=quotes&max_quote_rate={rate}"))
            .await;
        stream.snapshot().await;
    }
}
