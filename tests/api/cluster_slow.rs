//! A Redis that is slow (here: paused with `CLIENT PAUSE`, as a long-running command or a
//! fork on a big dataset would stall it) must not stall a node's other clients: streams
//! keep their heartbeats, new streams and reads are served from the node's own hub, and a
//! publish fails with 503 in bounded time instead of hanging.

use crate::{api::redis_server::RedisServer, cluster::node};
use livedash::protocol::sse::Frame;
use std::time::Duration;

const PAUSE_MS: u64 = 8000;

#[tokio::test]
async fn a_slow_redis_does_not_stall_the_other_clients_of_a_node() {
    let redis = RedisServer::start();
    let server = node(&redis.url()).await;
    let mut open = server.events("?topics=toasts").await;
    open.snapshot().await;

    let mut control = redis.connection().await;
    let _: () = redis::cmd("CLIENT")
        .arg("PAUSE")
        .arg(PAUSE_MS)
        .arg("ALL")
        .query_async(&mut control)
        .await
        .unwrap();
    // This PING answers only when the pause ends: until then, Redis is stalled.
    let config = redis::AsyncConnectionConfig::new().set_response_timeout(None);
    let mut probe = redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .unwrap();
    let stalled = tokio::spawn(async move {
        let _: String = redis::cmd("PING").query_async(&mut probe).await.unwrap();
    });

    // The open stream keeps its heartbeats, a new stream gets its snapshot, reads answer.
    assert!(matches!(open.next_frame().await, Some(Frame::Comment(_))));
    let mut fresh = server.events("?topics=toasts").await;
    fresh.snapshot().await;
    assert_eq!(server.get_json("/api/jobs").await.0, 200);
    assert_eq!(server.get_json("/api/quotes").await.0, 200);
    // A publish cannot be stored now: a clear 503 with Retry-After, not a hang.
    let response = server
        .client
        .post(server.url("/api/notifications"))
        .body(r#"{"level":"info","title":"stalled"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert!(
        !stalled.is_finished(),
        "all of the above happened while Redis was still paused"
    );

    // Once Redis answers again, publishing works and reaches the streams.
    tokio::time::timeout(Duration::from_millis(PAUSE_MS * 3), stalled)
        .await
        .unwrap()
        .unwrap();
    let body = r#"{"level":"info","title":"after"}"#;
    let (status, answer) = server.post("/api/notifications", body).await;
    assert_eq!(status, 202, "{answer}");
    for stream in [&mut open, &mut fresh] {
        stream
            .until(|e| matches!(e, livedash::protocol::Event::Toast(t) if t.title == "after"))
            .await;
    }
}
