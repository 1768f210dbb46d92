//! Shutting down with many streams open: each is told to reconnect and ends; the server
//! returns within its grace period; running jobs end in a defined state.

use crate::api::support::TestServer;
use livedash::{
    protocol::{JobState, sse::Frame},
    server::config::Config,
};
use std::time::Duration;

/// "Thousands of streams": each is a connection of its own (HTTP/1.1), two descriptors in
/// this process (client and server end), so the test raises its open-file limit first.
const STREAMS: usize = 2_000;

#[tokio::test]
async fn thousands_of_open_streams_each_get_a_reconnect_hint_and_the_server_exits_in_time() {
    // All streams come from 127.0.0.1: lift the per-client limit for this test.
    crate::api::support::raise_open_file_limit(2 * STREAMS as u64 + 256);
    let config = Config {
        shutdown_grace_secs: 5,
        max_streams_per_ip: STREAMS as u32,
        ..Config::default()
    };
    let mut server = TestServer::with(config).await;
    let mut streams = Vec::new();
    for _ in 0..STREAMS {
        let mut stream = server.events("?topics=jobs,toasts").await;
        stream.snapshot().await;
        streams.push(stream);
    }
    let (status, job) = server
        .post(
            "/api/jobs",
            r#"{"kind":"percent","steps":10000,"step_ms":10}"#,
        )
        .await;
    assert_eq!(status, 201);

    // The documented bound (the grace period) plus a margin: a hang fails the test.
    let exited = tokio::time::timeout(Duration::from_secs(8), server.shut_down()).await;
    assert!(
        matches!(exited, Ok(Ok(()))),
        "run() did not return in time: {exited:?}"
    );

    for stream in &mut streams {
        let mut hinted = false;
        while let Some(frame) = stream.next_frame().await {
            match frame {
                Frame::Comment(text) if text.contains("shutting down") => hinted = true,
                Frame::Retry(ms) => {
                    assert!(hinted && ms >= 500, "the hint comes with a retry delay")
                }
                Frame::Event { .. } | Frame::Comment(_) => {}
            }
        }
        assert!(hinted, "a stream ended without being told to reconnect");
    }
    // By the time run() returned, the job had ended, and said why.
    let id = job["id"].as_u64().unwrap();
    let stored = server
        .state
        .hub
        .read(|s| s.jobs.iter().find(|j| j.id == id).cloned())
        .unwrap();
    assert_eq!(stored.state, JobState::Cancelled);
    assert_eq!(stored.error.as_deref(), Some("the server shut down"));
}
