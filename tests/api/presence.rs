//! Who is watching: counted from the server's streams, with a grace so a reconnect does
//! not flap, names for those who may see them, the same count on every node of a cluster.

use crate::{
    api::{redis_server::RedisServer, support::TestServer},
    cluster::node,
};
use livedash::{
    protocol::{Hello, Presence, sse::Frame},
    server::{config::Config, presence::GRACE},
};
use std::time::{Duration, Instant};

/// A stream asking for presence events, with `headers`; its watcher entry (from `hello`)
/// and the stream itself (dropping it closes the connection).
async fn watch(
    server: &TestServer,
    claim: &str,
    headers: &[(&str, &str)],
) -> (String, crate::api::support::EventStream) {
    let mut request = server
        .client
        .get(server.url(&format!("/api/events?topics=toasts&presence={claim}")));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut stream = crate::api::support::EventStream::new(response);
    loop {
        if let Some(Frame::Event { event, data, .. }) = stream.next_frame().await
            && event == livedash::protocol::HELLO
        {
            let hello: Hello = serde_json::from_str(&data).unwrap();
            return (hello.presence.expect("hello names the entry"), stream);
        }
    }
}

async fn presence(server: &TestServer, headers: &[(&str, &str)]) -> Presence {
    let mut request = server.client.get(server.url("/api/presence"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Polls `/api/presence` until it counts `n`; how long that took.
async fn until_watching(server: &TestServer, n: u32) -> Duration {
    let started = Instant::now();
    loop {
        if presence(server, &[]).await.watching == n {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never {n} watching"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn streams_count_and_a_closed_one_counts_until_its_grace_ends() {
    let server = TestServer::start().await;
    let (_, first) = watch(&server, "", &[]).await;
    let (second_id, second) = watch(&server, "", &[]).await;
    until_watching(&server, 2).await;
    drop(second);
    // During the grace it still counts; a reconnect naming its entry takes it back.
    assert_eq!(presence(&server, &[]).await.watching, 2);
    let (again_id, again) = watch(&server, &second_id, &[]).await;
    assert_eq!(again_id, second_id);
    assert_eq!(presence(&server, &[]).await.watching, 2);
    drop(again);
    let gone = until_watching(&server, 1).await;
    assert!(
        gone >= GRACE - Duration::from_millis(500) && gone <= GRACE + Duration::from_secs(1),
        "counted {gone:?} after the stream closed"
    );
    drop(first);
    until_watching(&server, 0).await;
}

#[tokio::test]
async fn names_come_from_the_proxy_and_are_shown_to_full_viewers_only() {
    let config = Config::from_args([
        "livedash",
        "--auth-proxy-header",
        "X-Forwarded-User",
        "--trusted-proxies",
        "127.0.0.1",
        "--scoped-users",
        "lobby:toasts",
    ])
    .unwrap();
    let server = TestServer::with(config).await;
    let alice = [("x-forwarded-user", "alice")];
    let (_, _a) = watch(&server, "", &alice).await;
    let (_, _b) = watch(&server, "", &[("x-forwarded-user", "bob")]).await;
    let (_, mut lobby) = watch(&server, "", &[("x-forwarded-user", "lobby")]).await;
    let mut seen = Presence::default();
    while seen.watching < 3 {
        seen = presence(&server, &alice).await;
    }
    assert_eq!(seen.users, ["alice", "bob", "lobby"]);
    let scoped = presence(&server, &[("x-forwarded-user", "lobby")]).await;
    assert_eq!((scoped.watching, scoped.users.len()), (3, 0));
    // The scoped stream's own `presence` events carry the count without names.
    loop {
        if let Some(Frame::Event { event, data, .. }) = lobby.next_frame().await
            && event == livedash::protocol::PRESENCE
        {
            let told: Presence = serde_json::from_str(&data).unwrap();
            assert!(told.users.is_empty(), "{data}");
            if told.watching == 3 {
                break;
            }
        }
    }
}

#[tokio::test]
async fn every_node_of_a_cluster_counts_the_same() {
    let redis = RedisServer::start();
    let nodes = [node(&redis.url()).await, node(&redis.url()).await];
    let (_, _one) = watch(&nodes[0], "", &[]).await;
    let (_, two) = watch(&nodes[1], "", &[]).await;
    let (_, _three) = watch(&nodes[1], "", &[]).await;
    for node in &nodes {
        until_watching(node, 3).await;
    }
    drop(two);
    for node in &nodes {
        let gone = until_watching(node, 2).await;
        assert!(gone <= GRACE + Duration::from_secs(1), "{gone:?}");
    }
}
