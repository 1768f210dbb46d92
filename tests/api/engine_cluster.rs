//! Nodes publishing through the Redis engine: every node sees every event, in one order,
//! with one id; a Redis that is away is a fast "unavailable", and its return is followed
//! without a restart.

use crate::api::redis_server::RedisServer;
use livedash::{
    protocol::{Event, EventId, Level, Snapshot, Toast},
    server::{
        engine::{Cluster, Lengths},
        hub::{Hub, ReplayWindow},
    },
};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

const PATIENCE: Duration = Duration::from_secs(20);

struct Node {
    hub: Hub,
    cluster: Cluster,
    stop: CancellationToken,
}

impl Node {
    async fn start(url: &str) -> Node {
        let window = ReplayWindow {
            max_events: 100,
            max_age: Duration::from_secs(600),
        };
        let hub = Hub::new(Snapshot::default(), 1024, window);
        let stop = CancellationToken::new();
        let lengths = Lengths {
            log: 10_000,
            window: 100,
        };
        let cluster = Cluster::start(
            url,
            "c:",
            lengths,
            Duration::from_secs(120),
            hub.clone(),
            stop.clone(),
        )
        .unwrap();
        let node = Node { hub, cluster, stop };
        node.until(true).await;
        node
    }

    async fn until(&self, ready: bool) {
        let mut watch = self.cluster.ready();
        tokio::time::timeout(PATIENCE, watch.wait_for(|r| *r == ready))
            .await
            .unwrap()
            .unwrap();
    }

    async fn toast(&self, title: &str) -> Result<EventId, String> {
        let id = self
            .cluster
            .next_id("toast")
            .await
            .map_err(|e| e.to_string())?;
        let toast = Toast {
            id,
            level: Level::Info,
            title: title.into(),
            body: String::new(),
            ts_ms: 0,
            link: None,
        };
        self.cluster
            .publish(Event::Toast(toast))
            .await
            .map_err(|e| e.to_string())
    }

    fn titles(&self) -> Vec<String> {
        self.hub
            .read(|s| s.toasts.iter().map(|t| t.title.clone()).collect())
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

#[tokio::test]
async fn every_node_sees_every_event_in_one_order() {
    let redis = RedisServer::start();
    let nodes = [
        Node::start(&redis.url()).await,
        Node::start(&redis.url()).await,
        Node::start(&redis.url()).await,
    ];
    let mut receivers: Vec<_> = nodes.iter().map(|n| n.hub.receiver()).collect();
    let mut published = Vec::new();
    for round in 0..5 {
        for (i, node) in nodes.iter().enumerate() {
            let id = node
                .toast(&format!("from node {i}, round {round}"))
                .await
                .unwrap();
            // Published on this node: already in its own hub.
            assert!(node.hub.head_id() >= id);
            published.push(id);
        }
    }
    for receiver in &mut receivers {
        let mut seen = Vec::new();
        while seen.len() < published.len() {
            let got = tokio::time::timeout(PATIENCE, receiver.recv())
                .await
                .unwrap()
                .unwrap();
            seen.push(got.id);
        }
        assert_eq!(
            seen, published,
            "one order, one id per event, on every node"
        );
    }
    let titles = nodes[0].titles();
    assert_eq!(titles.len(), 15);
    assert!(nodes.iter().all(|n| n.titles() == titles));
    // Ids from the engine are unique across the nodes.
    let mut ids = nodes[0]
        .hub
        .read(|s| s.toasts.iter().map(|t| t.id).collect::<Vec<_>>());
    ids.dedup();
    assert_eq!(ids.len(), 15);
}

#[tokio::test]
async fn while_redis_is_away_publishes_fail_fast_and_its_return_is_followed() {
    let redis = RedisServer::start();
    let port = redis.port;
    let node = Node::start(&redis.url()).await;
    let before = node.toast("before").await.unwrap();

    drop(redis);
    node.until(false).await;
    let started = Instant::now();
    let refused = node.toast("while away").await.unwrap_err();
    assert!(refused.contains("unavailable"), "{refused}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );

    // Back, without its data (no persistence): a new epoch, and the node follows it.
    let _redis = RedisServer::start_on(port);
    node.until(true).await;
    let after = node.toast("after").await.unwrap();
    assert!(after.epoch > before.epoch);
    assert_eq!(node.titles(), ["after"]);
}
