//! The lease that keeps the simulated market on one node: one holder at a time; when it
//! dies another node takes over; when it shuts down it hands the lease on at once.

use crate::api::{proxy::Proxy, redis_server::RedisServer};
use livedash::server::engine::lease;
use redis::aio::ConnectionManager;
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

const PATIENCE: Duration = Duration::from_secs(20);
const TTL: Duration = Duration::from_millis(900);

async fn holder_of(conn: &mut ConnectionManager) -> Option<String> {
    redis::cmd("GET")
        .arg("l:market")
        .query_async(conn)
        .await
        .unwrap()
}

async fn until(held: &mut watch::Receiver<bool>, value: bool) {
    tokio::time::timeout(PATIENCE, held.wait_for(|h| *h == value))
        .await
        .unwrap()
        .unwrap();
}

async fn node(url: &str, name: &str) -> (watch::Receiver<bool>, CancellationToken) {
    let conn = ConnectionManager::new(redis::Client::open(url).unwrap())
        .await
        .unwrap();
    let stop = CancellationToken::new();
    (
        lease::hold(
            conn,
            "l:market".into(),
            name.into(),
            TTL,
            watch::channel(true).1,
            stop.clone(),
        ),
        stop,
    )
}

#[tokio::test]
async fn one_node_holds_the_lease_and_another_takes_over() {
    let redis = RedisServer::start();
    let mut admin = ConnectionManager::new(redis::Client::open(redis.url()).unwrap())
        .await
        .unwrap();
    // Node a reaches Redis through a proxy, so it can be cut off as if it died.
    let proxy = Proxy::start(format!("127.0.0.1:{}", redis.port).parse().unwrap()).await;
    let (mut a, _stop_a) = node(&format!("redis://{}/", proxy.addr), "a").await;
    until(&mut a, true).await;
    let (mut b, stop_b) = node(&redis.url(), "b").await;
    let (mut c, stop_c) = node(&redis.url(), "c").await;
    assert_eq!(holder_of(&mut admin).await.as_deref(), Some("a"));
    assert!(!*b.borrow() && !*c.borrow());

    // a is gone: its lease expires and one of the others takes it.
    proxy.cut();
    drop(proxy);
    until(&mut a, false).await;
    let taker = tokio::select! {
        () = until(&mut b, true) => "b",
        () = until(&mut c, true) => "c",
    };
    assert_eq!(holder_of(&mut admin).await.as_deref(), Some(taker));

    // Shut down, the holder hands the lease on without waiting for it to expire.
    if taker == "b" {
        stop_b.cancel();
        until(&mut c, true).await;
    } else {
        stop_c.cancel();
        until(&mut b, true).await;
    }
    let next = holder_of(&mut admin).await.unwrap();
    assert_ne!(next, taker);
}
