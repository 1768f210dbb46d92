//! Notifications: one POST reaches every connected dashboard.

use crate::api::support::TestServer;
use livedash::protocol::{Event, Level};

#[tokio::test]
async fn a_notification_reaches_two_concurrent_subscribers() {
    let server = TestServer::start().await;
    let (mut first, mut second) = (
        server.events("").await,
        server.events("?topics=toasts").await,
    );
    first.snapshot().await;
    second.snapshot().await;
    let body = r#"{"level":"warning","title":"Disk 91% full","body":"<script>alert(1)</script>"}"#;
    let (status, published) = server.post("/api/notifications", body).await;
    assert_eq!(status, 202);
    for stream in [&mut first, &mut second] {
        let (Event::Toast(toast), _) = stream.until(|e| matches!(e, Event::Toast(_))).await else {
            unreachable!()
        };
        assert_eq!(toast.id, published["id"].as_u64().unwrap());
        assert_eq!(
            (toast.level, toast.title.as_str()),
            (Level::Warning, "Disk 91% full")
        );
        assert_eq!(
            toast.body, "<script>alert(1)</script>",
            "text arrives unchanged, to be shown as text"
        );
    }
}

#[tokio::test]
async fn new_subscribers_see_recent_notifications_in_their_snapshot() {
    let server = TestServer::start().await;
    server
        .post(
            "/api/notifications",
            r#"{"level":"success","title":"Deployed"}"#,
        )
        .await;
    let mut stream = server.events("").await;
    let snapshot = stream.snapshot().await;
    assert_eq!(
        snapshot.toasts.first().map(|t| t.title.as_str()),
        Some("Deployed")
    );
}

#[tokio::test]
async fn a_notification_may_link_to_a_page_of_the_dashboard_and_nowhere_else() {
    let server = TestServer::start().await;
    let mut stream = server.events("?topics=toasts").await;
    stream.snapshot().await;
    let (status, published) = server
        .post(
            "/api/notifications",
            r#"{"level":"error","title":"Import failed","link":"/jobs/12"}"#,
        )
        .await;
    assert_eq!(status, 202, "{published}");
    assert_eq!(published["link"], "/jobs/12");
    let (Event::Toast(toast), _) = stream.until(|e| matches!(e, Event::Toast(_))).await else {
        unreachable!()
    };
    assert_eq!(toast.link.as_deref(), Some("/jobs/12"));

    for link in [
        "https://evil.example/jobs/12",
        "//evil.example/jobs/12",
        "/\\evil.example",
        "javascript:alert(1)",
        "jobs/12",
        "/jobs/12 and more",
    ] {
        let body = serde_json::json!({"level": "info", "title": "x", "link": link}).to_string();
        let (status, error) = server.post("/api/notifications", &body).await;
        assert_eq!(status, 400, "{link}: {error}");
        assert!(
            error["error"].as_str().unwrap().starts_with("`link`"),
            "{error}"
        );
    }
    // Without a link, none is sent.
    let (_, plain) = server
        .post("/api/notifications", r#"{"level":"info","title":"plain"}"#)
        .await;
    assert!(plain.get("link").is_none(), "{plain}");
}
