//! A connection that is not polled for a while (a paused client) and then reads again.

use super::*;
use crate::{
    protocol::{Event, TopicSet, sse::Frame, sse::Parser},
    server::{config::Config, producers::market::Market},
};
use leptos::config::LeptosOptions;
use std::{collections::HashMap, time::Duration};

fn app(stream_buffer: u32) -> AppState {
    let config = Config {
        stream_buffer,
        ephemeral: true,
        ..Config::default()
    };
    AppState::new(
        config,
        LeptosOptions::builder().output_name("livedash").build(),
    )
    .unwrap()
}

/// Publishes `n` quotes while the connection is paused; returns the newest price per symbol.
fn publish_quotes(app: &AppState, n: usize) -> HashMap<String, f64> {
    let mut market = Market::new(None, Some(3));
    let mut newest = HashMap::new();
    for _ in 0..n {
        let quote = market.tick(0);
        newest.insert(quote.symbol.clone(), quote.price);
        app.hub.publish(Event::Quote(quote));
    }
    newest
}

/// Everything the connection writes in one go, parsed.
async fn read_once(conn: &mut Connection) -> Vec<(String, Event)> {
    let mut parser = Parser::default();
    let mut events = Vec::new();
    for chunk in conn.next_frames().await.expect("stream ended") {
        for frame in parser.push(&chunk).unwrap() {
            if let Frame::Event { event, data, id } = frame
                && event != crate::protocol::HELLO
            {
                events.push((id, Event::decode(&event, &data).unwrap()));
            }
        }
    }
    events
}

async fn assert_one_newest_quote_per_symbol(stream_buffer: u32) {
    let app = app(stream_buffer);
    let mut conn = Connection::open(&app, TopicSet::all(), None, None, None, None);
    read_once(&mut conn).await; // retry hint and snapshot
    let newest = publish_quotes(&app, 2_000);
    let events = read_once(&mut conn).await;
    let mut seen = HashMap::new();
    for (_, event) in &events {
        let Event::Quote(quote) = event else {
            panic!("only quotes were published")
        };
        assert!(
            seen.insert(quote.symbol.clone(), quote.price).is_none(),
            "{} twice",
            quote.symbol
        );
    }
    assert_eq!(
        seen, newest,
        "each symbol's newest price, and nothing stale"
    );
    let ids: Vec<_> = events
        .iter()
        .map(|(id, _)| id.parse::<EventId>().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids stay in order");
}

#[tokio::test]
async fn a_paused_client_gets_at_most_one_quote_per_symbol() {
    assert_one_newest_quote_per_symbol(4_096).await;
}

#[tokio::test]
async fn also_when_it_fell_behind_the_buffer() {
    assert_one_newest_quote_per_symbol(16).await;
}

// On tokio's paused clock: the wait is exact virtual time, not a wall-clock race.
#[tokio::test(start_paused = true)]
async fn a_rate_limited_client_gets_quote_batches_no_faster_than_asked() {
    let app = app(4_096);
    let mut conn = Connection::open(
        &app,
        TopicSet::all(),
        None,
        Some(Throttle::per_second(4.0).unwrap()),
        None,
        None,
    );
    read_once(&mut conn).await;
    publish_quotes(&app, 50);
    let first = read_once(&mut conn).await;
    publish_quotes(&app, 50);
    let started = Instant::now();
    let second = read_once(&mut conn).await;
    assert!(!first.is_empty() && !second.is_empty());
    assert_eq!(
        started.elapsed(),
        Duration::from_millis(250),
        "4 batches a second: the second waits its turn"
    );
}

#[tokio::test]
async fn an_open_stream_gets_a_snapshot_when_the_hub_starts_over_from_another_log() {
    let app = app(64);
    let mut conn = Connection::open(&app, TopicSet::all(), None, None, None, None);
    read_once(&mut conn).await; // retry hint and snapshot
    let head = EventId { epoch: 99, seq: 5 };
    let toast = crate::protocol::Toast {
        id: 1,
        level: crate::protocol::Level::Info,
        title: "from the new log".into(),
        body: String::new(),
        ts_ms: 0,
        link: None,
    };
    let mut state = crate::protocol::Snapshot::default();
    crate::state::apply(&mut state, &Event::Toast(toast));
    app.hub.reset(head, state.clone(), Vec::new());
    let events = read_once(&mut conn).await;
    assert_eq!(events, [(head.to_string(), Event::Snapshot(state))]);
}

#[tokio::test]
async fn also_when_the_new_log_has_the_same_epoch_but_another_past() {
    // A node that could not follow the log event by event (it was trimmed past it, or
    // Redis came back from an older save) starts over within the same epoch.
    let app = app(64);
    let mut conn = Connection::open(&app, TopicSet::all(), None, None, None, None);
    read_once(&mut conn).await;
    let head = EventId {
        epoch: app.hub.head_id().epoch,
        seq: 50,
    };
    let state = crate::protocol::Snapshot::default();
    app.hub.reset(head, state.clone(), Vec::new());
    let events = read_once(&mut conn).await;
    assert_eq!(events, [(head.to_string(), Event::Snapshot(state))]);
}
