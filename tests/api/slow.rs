//! Slow consumers: they never hold up anyone else and are caught up when they read again.

use crate::api::support::TestServer;
use livedash::{
    protocol::{
        Event,
        sse::{Frame, Parser},
    },
    server::config::Config,
};
use std::sync::atomic::Ordering;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A client that reads only when told to, over a socket with a tiny receive buffer, so the
/// server feels its back-pressure early. HTTP/1.0 keeps the body unchunked.
struct SlowClient {
    socket: tokio::net::TcpStream,
    parser: Parser,
    pending: std::collections::VecDeque<Frame>,
}

impl SlowClient {
    async fn connect(server: &TestServer, path: &str) -> SlowClient {
        let addr = server.base.trim_start_matches("http://").parse().unwrap();
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut socket = socket.connect(addr).await.unwrap();
        socket
            .write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            head.push(socket.read_u8().await.unwrap());
        }
        assert!(head.starts_with(b"HTTP/1.0 200") || head.starts_with(b"HTTP/1.1 200"));
        SlowClient {
            socket,
            parser: Parser::default(),
            pending: Default::default(),
        }
    }

    async fn next_event(&mut self) -> Event {
        loop {
            if let Some(frame) = self.pending.pop_front() {
                if let Frame::Event { event, data, .. } = frame
                    && event != livedash::protocol::HELLO
                {
                    return Event::decode(&event, &data).unwrap();
                }
                continue;
            }
            let mut buf = [0u8; 4096];
            let read = tokio::time::timeout(
                std::time::Duration::from_secs(20),
                self.socket.read(&mut buf),
            );
            let n = read
                .await
                .expect("the slow client waited 20 s for a frame")
                .unwrap();
            assert!(n > 0, "the server ended the slow client's stream");
            self.pending.extend(self.parser.push(&buf[..n]).unwrap());
        }
    }
}

#[tokio::test]
async fn a_stalled_client_delays_nobody_and_is_resynced_when_it_reads_again() {
    let config = Config {
        quote_rate: 0.01,
        stream_buffer: 64,
        replay_events: 32,
        ..Config::default()
    };
    let server = TestServer::with(config).await;
    let mut slow = SlowClient::connect(&server, "/api/events?topics=toasts").await;
    assert!(matches!(slow.next_event().await, Event::Snapshot(_)));
    let mut fast = server.events("?topics=toasts").await;
    fast.snapshot().await;

    // The slow client now reads nothing. Publish far more than it and the kernel can
    // buffer (about 10 MB: more than Linux's largest autotuned socket buffers); the fast
    // client must get every toast, in order, round after round.
    let body = "x".repeat(1_000);
    // Each round fits the fast client's buffer (64): it is never the one lagging.
    const ROUNDS: usize = 300;
    const PER_ROUND: usize = 32;
    for round in 0..ROUNDS {
        for i in 0..PER_ROUND {
            server
                .notify_with_body(&format!("{round}/{i}"), &body)
                .await;
        }
        for i in 0..PER_ROUND {
            let (Event::Toast(toast), _) = fast.until(|e| matches!(e, Event::Toast(_))).await
            else {
                unreachable!()
            };
            assert_eq!(toast.title, format!("{round}/{i}"));
        }
    }

    // Reading again, it gets what was already in flight (in order), then a snapshot.
    let mut previous: Option<(usize, usize)> = None;
    let snapshot = loop {
        match slow.next_event().await {
            Event::Toast(toast) => {
                let (round, i) = toast.title.split_once('/').unwrap();
                let at = (round.parse().unwrap(), i.parse().unwrap());
                assert!(previous.is_none_or(|p| p < at), "{at:?} after {previous:?}");
                previous = Some(at);
            }
            Event::Snapshot(snapshot) => break snapshot,
            other => panic!("unexpected {:?}", other.kind()),
        }
    };
    assert_eq!(
        snapshot.toasts[0].title,
        format!("{}/{}", ROUNDS - 1, PER_ROUND - 1)
    );
    assert!(
        server.state.hub.stats().resyncs.load(Ordering::Relaxed) >= 1,
        "the resync was counted"
    );

    server.notify("after the resync").await;
    let Event::Toast(toast) = slow.next_event().await else {
        panic!("expected a live toast")
    };
    assert_eq!(toast.title, "after the resync", "and then it is live again");
}
