//! Resuming a stream: exact continuation within the replay window, a snapshot otherwise.

use crate::api::support::{EventStream, TestServer};
use livedash::{
    protocol::{Event, sse::Frame},
    server::config::Config,
};

/// Reads events until `n` toasts arrived; returns their titles and the id of the last one.
async fn toasts(stream: &mut EventStream, n: usize) -> (Vec<String>, String) {
    let mut titles = Vec::new();
    loop {
        match stream.next_event().await {
            (Event::Toast(t), id) => {
                titles.push(t.title);
                if titles.len() == n {
                    return (titles, id);
                }
            }
            (Event::Snapshot(_), _) => panic!("unexpected snapshot after {titles:?}"),
            _ => {}
        }
    }
}

/// The first event of a (re)opened stream.
async fn first_event(stream: &mut EventStream) -> Event {
    stream.next_event().await.0
}

fn quiet() -> Config {
    // No market noise: only what the test publishes flows.
    Config {
        quote_rate: 0.01,
        heartbeat_secs: 1,
        ..Config::default()
    }
}

#[tokio::test]
async fn reconnecting_with_the_last_id_continues_exactly() {
    let server = TestServer::with(quiet()).await;
    let mut stream = server.events("?topics=jobs,toasts").await;
    stream.snapshot().await;
    for i in 1..=3 {
        server.notify(&format!("t{i}")).await;
    }
    let (_, last_id) = toasts(&mut stream, 3).await;
    drop(stream);

    for i in 4..=6 {
        server.notify(&format!("t{i}")).await;
    }
    let mut resumed = server
        .events_after("?topics=jobs,toasts", Some(&last_id))
        .await;
    let (missed, _) = toasts(&mut resumed, 3).await;
    assert_eq!(
        missed,
        ["t4", "t5", "t6"],
        "exactly the missed events, in order"
    );
    server.notify("t7").await;
    let (live, _) = toasts(&mut resumed, 1).await;
    assert_eq!(live, ["t7"], "then live, with nothing repeated");
}

#[tokio::test]
async fn the_query_parameter_resumes_a_first_connection() {
    let server = TestServer::with(quiet()).await;
    let (_, rendered) = server.state.hub.snapshot();
    server.notify("published between render and connect").await;
    let mut stream = server
        .events(&format!("?topics=toasts&last_event_id={rendered}"))
        .await;
    let (titles, _) = toasts(&mut stream, 1).await;
    assert_eq!(titles, ["published between render and connect"]);
}

#[tokio::test]
async fn beyond_the_window_a_snapshot_replaces_the_state() {
    let server = TestServer::with(Config {
        replay_events: 2,
        ..quiet()
    })
    .await;
    let mut stream = server.events("?topics=toasts").await;
    stream.snapshot().await;
    server.notify("seen").await;
    let (_, last_id) = toasts(&mut stream, 1).await;
    drop(stream);
    for i in 0..5 {
        server.notify(&format!("missed {i}")).await;
    }
    let mut resumed = server.events_after("?topics=toasts", Some(&last_id)).await;
    let Event::Snapshot(snapshot) = first_event(&mut resumed).await else {
        panic!("a gap beyond the window must be a snapshot, never a silent loss")
    };
    assert_eq!(snapshot.toasts[0].title, "missed 4");
}

#[tokio::test]
async fn an_id_from_another_server_lifetime_or_malformed_gets_a_snapshot() {
    let old = TestServer::with(quiet()).await;
    let old_id = old.state.hub.snapshot().1.to_string();
    let new = TestServer::with(quiet()).await;
    for id in [old_id.as_str(), "garbage", "1-2-3", ""] {
        let mut stream = new.events_after("", Some(id)).await;
        assert!(matches!(stream.next_frame().await, Some(Frame::Retry(_))));
        assert!(
            matches!(first_event(&mut stream).await, Event::Snapshot(_)),
            "id {id:?}"
        );
    }
}
