//! Nodes following the Redis engine's log: in order, exactly once, resumable on any node,
//! through a cut connection without a reset, and resynced when Redis lost its data.

use crate::api::{proxy::Proxy, redis_server::RedisServer};
use livedash::{
    protocol::{Event, EventId, EventKind, Level, Snapshot, Toast, TopicSet},
    server::{
        engine::{self, Lengths},
        hub::{Hub, Published, ReplayWindow, Start},
    },
};
use std::{sync::Arc, time::Duration};
use tokio::sync::{broadcast, watch};
use tokio_util::sync::CancellationToken;

const PATIENCE: Duration = Duration::from_secs(20);
const LENGTHS: Lengths = Lengths {
    log: 10_000,
    window: 100,
};

fn toast(id: u64) -> Event {
    Event::Toast(Toast {
        id,
        level: Level::Info,
        title: format!("toast {id}"),
        body: String::new(),
        ts_ms: 0,
        link: None,
    })
}

/// A node: a hub following the log at `url`, and whether it follows it now.
struct Node {
    hub: Hub,
    ready: watch::Receiver<bool>,
    stop: CancellationToken,
}

impl Node {
    fn start(url: &str) -> Node {
        let window = ReplayWindow {
            max_events: 100,
            max_age: Duration::from_secs(600),
        };
        let hub = Hub::new(Snapshot::default(), 1024, window);
        let (ready_tx, ready) = watch::channel(false);
        let stop = CancellationToken::new();
        let client = redis::Client::open(url).unwrap();
        let following = engine::Following {
            ready: ready_tx,
            positioned: watch::channel(false).0,
        };
        tokio::spawn(engine::follow(
            client,
            "f:".into(),
            hub.clone(),
            following,
            stop.clone(),
        ));
        Node { hub, ready, stop }
    }

    async fn until_ready(&mut self) {
        tokio::time::timeout(PATIENCE, self.ready.wait_for(|r| *r))
            .await
            .unwrap()
            .unwrap();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn next(receiver: &mut broadcast::Receiver<Arc<Published>>) -> Arc<Published> {
    tokio::time::timeout(PATIENCE, receiver.recv())
        .await
        .unwrap()
        .unwrap()
}

async fn publish(conn: &mut redis::aio::MultiplexedConnection, event: &Event) -> EventId {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    engine::publish(conn, "f:", event, LENGTHS, now.as_millis() as u64)
        .await
        .unwrap()
}

#[tokio::test]
async fn nodes_follow_the_log_in_order_and_resume_clients_exactly() {
    let redis = RedisServer::start();
    let mut conn = redis.connection().await;
    let mut node = Node::start(&redis.url());
    let first = publish(&mut conn, &toast(1)).await;
    node.until_ready().await;
    let mut live = node.hub.subscribe(Some(first), TopicSet::all());
    assert!(matches!(live.start, Start::Replay(ref missed) if missed.is_empty()));
    for id in 2..=50 {
        publish(&mut conn, &toast(id)).await;
    }
    for seq in 2..=50 {
        let got = next(&mut live.receiver).await;
        assert_eq!(
            got.id,
            EventId {
                epoch: first.epoch,
                seq
            }
        );
    }

    // A node started later holds the same state, and the window for exact resumes.
    let mut late = Node::start(&redis.url());
    late.until_ready().await;
    assert_eq!(late.hub.snapshot(), node.hub.snapshot());
    let resumed = late.hub.subscribe(
        Some(EventId {
            epoch: first.epoch,
            seq: 40,
        }),
        TopicSet::all(),
    );
    let Start::Replay(missed) = resumed.start else {
        panic!("a resume within the window is exact");
    };
    let seqs: Vec<u64> = missed.iter().map(|p| p.id.seq).collect();
    assert_eq!(seqs, (41..=50).collect::<Vec<_>>());
}

#[tokio::test]
async fn after_a_cut_connection_a_node_catches_up_without_a_reset() {
    let redis = RedisServer::start();
    let proxy = Proxy::start(format!("127.0.0.1:{}", redis.port).parse().unwrap()).await;
    let mut conn = redis.connection().await;
    let first = publish(&mut conn, &toast(1)).await;
    let mut node = Node::start(&format!("redis://{}/", proxy.addr));
    node.until_ready().await;
    let mut live = node.hub.subscribe(Some(first), TopicSet::all());

    proxy.cut();
    tokio::time::timeout(PATIENCE, node.ready.wait_for(|r| !*r))
        .await
        .unwrap()
        .unwrap();
    for id in 2..=20 {
        publish(&mut conn, &toast(id)).await;
    }
    node.until_ready().await;
    // Every event in order, and no snapshot marker: the clients never noticed.
    for seq in 2..=20 {
        let got = next(&mut live.receiver).await;
        assert_eq!((got.id.seq, got.kind), (seq, EventKind::Toast));
    }
}

#[tokio::test]
async fn a_redis_that_lost_its_data_resyncs_the_node_with_a_new_epoch() {
    let redis = RedisServer::start();
    let mut conn = redis.connection().await;
    let first = publish(&mut conn, &toast(1)).await;
    let mut node = Node::start(&redis.url());
    node.until_ready().await;
    let mut live = node.hub.subscribe(Some(first), TopicSet::all());

    let _: () = redis::cmd("FLUSHALL").query_async(&mut conn).await.unwrap();
    let fresh = publish(&mut conn, &toast(7)).await;
    assert!(fresh.epoch > first.epoch);
    let marker = next(&mut live.receiver).await;
    assert_eq!(
        (marker.kind, marker.id.epoch),
        (EventKind::Snapshot, fresh.epoch)
    );
    assert_eq!(node.hub.head_id(), fresh);
    let toasts = node
        .hub
        .read(|s| s.toasts.iter().map(|t| t.id).collect::<Vec<_>>());
    assert_eq!(toasts, [7]);
}
