//! The page as the server renders it: the dashboard carries its first state for the
//! browser in a script element, and any other path is a "not found" page.

use crate::api::support::TestServer;
use livedash::protocol::{ErrorBody, PageState};

/// The text of the page's `<script id="page-state">` element, if it has one.
fn embedded_state(html: &str) -> Option<&str> {
    let start = html.find(r#"id="page-state">"#)? + r#"id="page-state">"#.len();
    let end = start + html[start..].find("</script>")?;
    Some(&html[start..end])
}

#[tokio::test]
async fn the_dashboard_carries_its_state_and_no_text_can_close_the_element() {
    let server = TestServer::start().await;
    let title = "</script><script>alert(1)</script><!--";
    let body = serde_json::json!({ "level": "info", "title": title, "body": "" }).to_string();
    let (status, _) = server.post("/api/notifications", &body).await;
    assert_eq!(status, 202);
    let (_, html) = server.get_text("/").await;

    assert!(
        !html.contains("<script>alert(1)"),
        "the title broke out: {html}"
    );
    let state = embedded_state(&html).expect("the dashboard has no page-state element");
    assert!(!state.contains('<'), "unescaped `<` in the state: {state}");
    let page: Result<PageState, ErrorBody> = serde_json::from_str(state).unwrap();
    let page = page.expect("the server could not read its state");
    assert_eq!(
        page.snapshot.toasts[0].title, title,
        "the title did not survive the trip"
    );
    assert!(
        page.snapshot.quotes.len() >= 20,
        "the ticker's prices are not in the state"
    );
}

#[tokio::test]
async fn any_other_path_is_a_not_found_page_without_state() {
    let server = TestServer::start().await;
    let (status, html) = server.get_text("/elsewhere").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found."), "{html}");
    assert_eq!(
        embedded_state(&html),
        None,
        "a not-found page carries the dashboard's state"
    );
}
