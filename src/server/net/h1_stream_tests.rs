use super::*;
use axum::http::header::CONTENT_TYPE;
use futures::stream;
use std::convert::Infallible;
use tokio::{
    io::{AsyncWriteExt, DuplexStream},
    task::JoinHandle,
};

/// The event stream's path, as the router hands it to the network.
const PATH: &str = "/api/events";
const STREAM: &[u8] =
    b"GET /api/events?topics=toasts HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 7\r\n\r\n";

async fn first(bytes: &[u8]) -> First {
    read_first(&mut &bytes[..], PATH).await.unwrap()
}

fn other(first: First) -> Bytes {
    match first {
        First::Other(read) => read,
        First::Events(request) => panic!("served here: {request:?}"),
    }
}

#[tokio::test]
async fn an_event_stream_request_is_read_whole_with_its_headers() {
    let First::Events(request) = first(STREAM).await else {
        panic!("not taken as an event stream")
    };
    assert_eq!(request.method(), Method::GET);
    assert_eq!(request.uri(), "/api/events?topics=toasts");
    assert_eq!(request.version(), Version::HTTP_11);
    assert_eq!(request.headers()["last-event-id"], "7");
    assert_eq!(request.headers()["host"], "x");
}

#[tokio::test]
async fn a_head_that_arrives_in_pieces_is_put_together() {
    let (start, rest) = STREAM.split_at(11);
    let mut pieces = start.chain(rest);
    let read = read_first(&mut pieces, PATH).await.unwrap();
    assert!(matches!(read, First::Events(_)));
}

#[tokio::test]
async fn every_other_request_goes_on_with_exactly_the_bytes_read() {
    let others: [&[u8]; 9] = [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/eventsource HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/events HTTP/1.1\r\nHost: x\r\n\r\n",
        b"HEAD /api/events HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/events HTTP/1.0\r\nHost: x\r\n\r\n",
        b"GET /api/events HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
        b"GET /api/events HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET /api/events HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ];
    for bytes in others {
        let read = other(first(bytes).await);
        assert_eq!(read, bytes, "{}", String::from_utf8_lossy(bytes));
    }
}

#[tokio::test]
async fn a_malformed_cut_short_or_oversized_head_is_left_to_hyper() {
    let bad = b"GET /api/events HTTP/1.1\r\nBad Header\r\n\r\n";
    assert_eq!(other(first(bad).await), &bad[..]);
    let cut = b"GET /api/events HTTP/1.1\r\nHost:";
    assert_eq!(other(first(cut).await), &cut[..]);
    let mut huge = b"GET /api/events HTTP/1.1\r\nX-Big: ".to_vec();
    huge.resize(MAX_HEAD + 100, b'a');
    assert_eq!(other(first(&huge).await).len(), MAX_HEAD);
}

fn streaming(frames: Vec<&'static str>) -> Response<Body> {
    let frames = stream::iter(
        frames
            .into_iter()
            .map(|f| Ok::<_, Infallible>(Bytes::from(f))),
    );
    Response::builder()
        .header(CONTENT_TYPE, "text/event-stream")
        .body(Body::from_stream(frames))
        .unwrap()
}

/// What the client receives: the head and the body bytes after it.
async fn written(response: Response<Body>) -> (String, String) {
    let (client, server) = tokio::io::duplex(64 * 1024);
    let sent = tokio::spawn(respond(server, response));
    let mut received = String::new();
    let mut client = client;
    client.read_to_string(&mut received).await.unwrap();
    sent.await.unwrap().unwrap();
    let (head, body) = received.split_once("\r\n\r\n").unwrap();
    (head.to_owned(), body.to_owned())
}

#[tokio::test]
async fn a_stream_is_written_in_chunks_and_ends_with_the_last_chunk() {
    let (head, body) = written(streaming(vec!["data: a\n\n", "", "data: bc\n\n"])).await;
    let lines: Vec<&str> = head.lines().collect();
    assert_eq!(lines[0], "HTTP/1.1 200 OK");
    assert!(lines.contains(&"content-type: text/event-stream"), "{head}");
    assert!(lines.contains(&"transfer-encoding: chunked"), "{head}");
    assert!(lines.contains(&"connection: close"), "{head}");
    assert!(lines.iter().any(|l| l.starts_with("date: ")), "{head}");
    // The frames may share a chunk or not; an empty frame never ends the body early.
    let mut decoded = String::new();
    let mut rest = body.as_str();
    loop {
        let (size, after) = rest.split_once("\r\n").unwrap();
        let size = usize::from_str_radix(size, 16).unwrap();
        if size == 0 {
            assert_eq!(after, "\r\n");
            break;
        }
        decoded.push_str(&after[..size]);
        rest = after[size..].strip_prefix("\r\n").unwrap();
    }
    assert_eq!(decoded, "data: a\n\ndata: bc\n\n");
}

#[tokio::test]
async fn an_answer_of_known_length_is_written_as_it_is() {
    let response = Response::builder()
        .status(StatusCode::SERVICE_UNAVAILABLE)
        .header("retry-after", "2")
        .body(Body::from(r#"{"error":"full"}"#))
        .unwrap();
    let (head, body) = written(response).await;
    assert!(
        head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\ncontent-length: 16"), "{head}");
    assert!(head.contains("\r\nretry-after: 2"), "{head}");
    assert!(!head.contains("chunked"), "{head}");
    assert_eq!(body, r#"{"error":"full"}"#);
}

/// A stream that never sends a frame, being written; returns once its head has arrived.
async fn endless() -> (DuplexStream, JoinHandle<io::Result<()>>) {
    let forever = stream::pending::<Result<Bytes, Infallible>>();
    let response = Response::new(Body::from_stream(forever));
    let (mut client, server) = tokio::io::duplex(1024);
    let sent = tokio::spawn(respond(server, response));
    let mut head = [0u8; 16];
    client.read_exact(&mut head).await.unwrap();
    (client, sent)
}

#[tokio::test]
async fn a_stream_ends_when_its_client_goes_away() {
    let (client, sent) = endless().await;
    drop(client);
    sent.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_stream_ends_when_its_client_sends_more() {
    let (mut client, sent) = endless().await;
    client.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), sent).await;
    ended.expect("the stream ended").unwrap().unwrap();
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).await.unwrap();
    let rest = String::from_utf8_lossy(&rest);
    assert!(
        !rest.ends_with("0\r\n\r\n"),
        "a stream cut short has no last chunk"
    );
}
