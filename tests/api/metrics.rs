//! `/metrics` in Prometheus text format, with counts that move as events flow.

use crate::api::support::TestServer;

/// The value of the sample `series` (name with labels, as rendered), or 0 if absent.
async fn sample(server: &TestServer, series: &str) -> f64 {
    let response = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn counts_move_as_events_flow() {
    let server = TestServer::start().await;
    let sent = r#"livedash_sse_events_sent_total{topic="toasts"}"#;
    let published = r#"livedash_events_published_total{kind="toast"}"#;
    let requests =
        r#"livedash_http_requests_total{method="POST",route="/api/notifications",status="202"}"#;
    let (sent_before, published_before, requests_before) = (
        sample(&server, sent).await,
        sample(&server, published).await,
        sample(&server, requests).await,
    );

    let mut stream = server.events("?topics=toasts").await;
    stream.snapshot().await;
    assert!(sample(&server, r#"livedash_sse_connections{topic="toasts"}"#).await >= 1.0);
    server
        .post(
            "/api/notifications",
            r#"{"level":"info","title":"counted"}"#,
        )
        .await;
    stream
        .until(|e| matches!(e, livedash::protocol::Event::Toast(_)))
        .await;

    assert!(sample(&server, sent).await > sent_before);
    assert!(sample(&server, published).await > published_before);
    // Other tests in this process count requests too: at least ours was added.
    assert!(sample(&server, requests).await > requests_before);

    // `livedash_jobs` is this server's job list, set as it is rendered.
    let active = async || {
        sample(&server, r#"livedash_jobs{state="queued"}"#).await
            + sample(&server, r#"livedash_jobs{state="running"}"#).await
    };
    assert_eq!(active().await, 0.0);
    server
        .post("/api/jobs", r#"{"kind":"logs","lines":1000}"#)
        .await;
    assert_eq!(active().await, 1.0);
}
