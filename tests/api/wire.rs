//! HTTP/1.1 on the wire: an event stream (written past hyper, `src/server/net/h1_stream.rs`)
//! is a well-formed chunked response that every layer has seen and that ends with its last
//! chunk; every other request still reaches hyper intact, however it was split or
//! pipelined.

use crate::api::support::TestServer;
use std::time::Duration;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// A hang fails the test instead of stalling it.
const PATIENCE: Duration = Duration::from_secs(10);

/// Reads until `done` holds for everything read so far.
async fn read_until(socket: &mut TcpStream, done: impl Fn(&str) -> bool) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(PATIENCE, async {
        while !done(&String::from_utf8_lossy(&seen)) {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&seen));
            seen.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("the answer came in time");
    String::from_utf8(seen).unwrap()
}

#[tokio::test]
async fn an_event_stream_is_chunked_has_every_layers_headers_and_ends_with_its_last_chunk() {
    let mut server = TestServer::start().await;
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    socket
        .write_all(b"GET /api/events?topics=toasts HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let head = read_until(&mut socket, |s| s.contains("event: snapshot")).await;
    let lines: Vec<&str> = head.lines().collect();
    assert_eq!(lines[0], "HTTP/1.1 200 OK");
    for expected in [
        "content-type: text/event-stream",
        "transfer-encoding: chunked",
        "connection: close",
        // From the security layer: the response went through the whole router.
        "x-frame-options: DENY",
    ] {
        assert!(lines.contains(&expected), "no {expected:?} in {head}");
    }

    server.notify("over the wire").await;
    read_until(&mut socket, |s| s.contains("over the wire")).await;

    tokio::time::timeout(PATIENCE, server.shut_down())
        .await
        .expect("the server stopped in time")
        .unwrap();
    let mut rest = Vec::new();
    tokio::time::timeout(PATIENCE, socket.read_to_end(&mut rest))
        .await
        .expect("the server closed the connection")
        .unwrap();
    let rest = String::from_utf8(rest).unwrap();
    assert!(rest.contains("server shutting down"), "{rest}");
    assert!(rest.ends_with("\r\n0\r\n\r\n"), "no last chunk: {rest:?}");
}

#[tokio::test]
async fn other_requests_reach_hyper_whole_even_split_and_pipelined() {
    let server = TestServer::start().await;
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    // The first bytes look like an event stream until the path goes on.
    socket.write_all(b"GET /api/eve").await.unwrap();
    socket.flush().await.unwrap();
    socket
        .write_all(b"ntsource HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answers = read_until(&mut socket, |s| s.matches("\r\n\r\n").count() == 2).await;
    // The second status line follows the first answer's body on the same line.
    let statuses: Vec<&str> = answers
        .match_indices("HTTP/1.1 ")
        .filter_map(|(at, _)| answers[at..].lines().next())
        .collect();
    assert_eq!(
        statuses,
        ["HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"],
        "{answers}"
    );
}
