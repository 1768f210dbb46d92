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
async fn the_page_is_server_rendered_with_prices() {
    let server = TestServer::start().await;
    let html = server
        .client
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-symbol=\"AAPL\""),
        "no ticker rows in the server-rendered page"
    );
    assert!(html.contains("role=\"progressbar\"") || html.contains("No jobs yet"));
}
