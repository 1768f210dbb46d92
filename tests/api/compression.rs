//! What the server generates (the page, JSON) is compressed as the client prefers; event
//! streams never are, so no frame waits in a compressor.

use crate::api::support::{EventStream, TestServer};
use livedash::protocol::sse::Frame;

async fn get(server: &TestServer, path: &str, accept: &str) -> reqwest::Response {
    let response = server
        .client
        .get(server.url(path))
        .header("accept-encoding", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response
}

fn encoding(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn the_page_and_json_are_compressed_as_the_client_prefers() {
    let server = TestServer::start().await;
    let plain = get(&server, "/", "identity").await;
    assert_eq!(encoding(&plain), None);
    assert_eq!(plain.headers()["cache-control"], "no-cache");
    let plain = plain.bytes().await.unwrap();

    for (accept, expected) in [("br", "br"), ("gzip", "gzip"), ("br;q=0.5, gzip", "gzip")] {
        let page = get(&server, "/", accept).await;
        assert_eq!(encoding(&page), Some(expected), "Accept-Encoding: {accept}");
        assert_eq!(page.headers()["vary"], "accept-encoding");
        let body = page.bytes().await.unwrap();
        assert!(
            body.len() < plain.len() / 2,
            "{expected}: {} of {} bytes",
            body.len(),
            plain.len()
        );
        if expected == "gzip" {
            assert_eq!(body[..2], [0x1f, 0x8b], "a gzip stream");
        }
    }
    let quotes = get(&server, "/api/quotes", "gzip").await;
    assert_eq!(encoding(&quotes), Some("gzip"));
}

#[tokio::test]
async fn event_streams_are_never_compressed() {
    let server = TestServer::start().await;
    let response = get(&server, "/api/events", "gzip, br").await;
    assert_eq!(encoding(&response), None);
    let mut stream = EventStream::new(response);
    assert!(matches!(stream.next_frame().await, Some(Frame::Retry(_))));
    stream.snapshot().await;
}
