//! The event stream: snapshot first, every kind arrives, headers, heartbeats, topics.

use crate::api::support::TestServer;
use livedash::protocol::{Event, EventKind, sse::Frame};

#[tokio::test]
async fn snapshot_comes_first_with_the_market_then_quotes_flow() {
    let server = TestServer::start().await;
    let mut stream = server.events("").await;
    let Some(Frame::Retry(retry)) = stream.next_frame().await else {
        panic!("a retry hint opens the stream")
    };
    assert!(
        (2_000..=3_000).contains(&retry),
        "retry {retry} is not 2000 ms plus up to 50 % jitter"
    );
    let snapshot = stream.snapshot().await;
    assert!(
        snapshot.quotes.len() >= 20,
        "only {} symbols",
        snapshot.quotes.len()
    );
    let (quote, _) = stream.until(|e| matches!(e, Event::Quote(_))).await;
    let Event::Quote(quote) = quote else {
        unreachable!()
    };
    assert!(
        snapshot
            .quotes
            .iter()
            .any(|s| s.quote.symbol == quote.symbol)
    );
}

#[tokio::test]
async fn stream_headers_say_event_stream_uncached_unbuffered_uncompressed() {
    let server = TestServer::start().await;
    let stream = server.events("").await;
    let header = |name: &str| {
        stream
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(header("content-type").as_deref(), Some("text/event-stream"));
    assert_eq!(header("cache-control").as_deref(), Some("no-cache"));
    assert_eq!(header("x-accel-buffering").as_deref(), Some("no"));
    assert_eq!(header("content-encoding"), None);
}

#[tokio::test]
async fn every_event_carries_name_id_and_one_json_line() {
    let server = TestServer::start().await;
    let mut stream = server.events("").await;
    stream.snapshot().await;
    server
        .post("/api/notifications", r#"{"level":"info","title":"hello"}"#)
        .await;
    server
        .post("/api/jobs", r#"{"kind":"percent","steps":2,"step_ms":5}"#)
        .await;
    let mut seen = std::collections::HashSet::new();
    let mut last_id = None;
    while seen.len() < 3 {
        let Some(Frame::Event { event, data, id }) = stream.next_frame().await else {
            continue;
        };
        assert!(!data.contains('\n'), "data must be one line");
        if event == livedash::protocol::HELLO {
            // Its id is the stream's starting position, not an event of the log.
            assert!(id.parse::<livedash::protocol::EventId>().is_ok(), "{id}");
            continue;
        }
        let seq: u64 = id
            .split_once('-')
            .expect("id is epoch-seq")
            .1
            .parse()
            .unwrap();
        assert!(last_id.is_none_or(|last| seq > last), "ids increase");
        last_id = Some(seq);
        seen.insert(Event::decode(&event, &data).unwrap().kind());
    }
    assert!(
        seen.contains(&EventKind::Quote)
            && seen.contains(&EventKind::Job)
            && seen.contains(&EventKind::Toast)
    );
}

#[tokio::test]
async fn idle_streams_get_heartbeat_comments() {
    let server = TestServer::start().await;
    // Toasts only: nothing is published, so the next frame can only be a heartbeat.
    let mut stream = server.events("?topics=toasts").await;
    stream.snapshot().await;
    assert_eq!(
        stream.next_frame().await,
        Some(Frame::Comment("heartbeat".into()))
    );
}

#[tokio::test]
async fn topics_restrict_the_snapshot_and_the_events() {
    let server = TestServer::start().await;
    let mut stream = server.events("?topics=toasts").await;
    let snapshot = stream.snapshot().await;
    assert!(snapshot.quotes.is_empty());
    server
        .post(
            "/api/notifications",
            r#"{"level":"success","title":"only me"}"#,
        )
        .await;
    let (event, _) = stream.next_event().await;
    assert!(
        matches!(event, Event::Toast(t) if t.title == "only me"),
        "quotes leaked into a toasts stream"
    );
}

#[tokio::test]
async fn streams_end_when_the_server_shuts_down() {
    let mut server = TestServer::start().await;
    let mut stream = server.events("").await;
    stream.snapshot().await;
    server.stop();
    // The whole wait is bounded, not only each frame: heartbeats would keep a stream that
    // never ends busy forever.
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while stream.next_frame().await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the stream did not end after shutdown");
}

#[tokio::test]
async fn json_snapshots_of_quotes_and_jobs() {
    let server = TestServer::start().await;
    let (status, quotes) = server.get_json("/api/quotes").await;
    assert_eq!(status, 200);
    let quotes = quotes.as_array().unwrap();
    assert!(quotes.len() >= 20 && quotes.iter().all(|q| q["price"].as_f64().unwrap() > 0.0));
    server.post("/api/jobs", r#"{"kind":"logs"}"#).await;
    let (status, jobs) = server.get_json("/api/jobs").await;
    assert_eq!(
        (status.as_u16(), jobs[0]["detail"]["kind"].as_str()),
        (200, Some("logs"))
    );
}

#[tokio::test]
async fn the_market_quotes_the_configured_symbols() {
    use clap::Parser;
    let config =
        livedash::server::config::Config::parse_from(["livedash", "--symbols", "msft, ACME"]);
    let server = TestServer::with(config).await;
    let mut stream = server.events("?topics=quotes").await;
    let snapshot = stream.snapshot().await;
    let symbols: Vec<&str> = snapshot
        .quotes
        .iter()
        .map(|q| q.quote.symbol.as_str())
        .collect();
    assert_eq!(symbols, ["MSFT", "ACME"]);
    let (_, quotes) = server.get_json("/api/quotes").await;
    let names: Vec<&str> = quotes
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Microsoft", "ACME"]);
}
