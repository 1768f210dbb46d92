//! A node's handle on the Redis engine: it publishes into the cluster's log (acknowledged
//! once Redis has the event, and returned once this node's own hub has applied it, so a
//! client reading this node right after sees its write), hands out ids unique across the
//! nodes, and says whether the node follows the log right now.
//!
//! Redis being away is a fast, clear failure ([`Unavailable`]), never a wait: publishes
//! time out after [`PUBLISH_TIMEOUT`].

use super::{
    super::ids,
    follow::{Following, follow},
    store::{Lengths, StoreError, publish},
};
use crate::{
    protocol::{Event, EventId},
    server::{clock::now_ms, engine::unavailable::Unavailable, hub::Hub},
};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;
use tokio::sync::{broadcast::error::RecvError, watch};
use tokio_util::sync::CancellationToken;

/// The longest a publish (or an id) may take before the caller hears "unavailable".
pub const PUBLISH_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest a publish waits to see its event in this node's hub (it is in Redis
/// already; this only keeps reads on this node in step with its writes).
const APPLIED_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Cluster {
    pub(super) conn: ConnectionManager,
    /// This node's name in leases and job records: random, so a restarted node is new.
    pub(super) node: String,
    pub(super) prefix: String,
    pub(super) lengths: Lengths,
    pub(super) hub: Hub,
    ready: watch::Receiver<bool>,
    positioned: watch::Receiver<bool>,
}

impl Cluster {
    /// Connects lazily (a node starts while Redis is away, and is simply not ready) and
    /// starts following the log into `hub` until `shutdown`.
    pub fn start(
        url: &str,
        prefix: &str,
        lengths: Lengths,
        report_timeout: Duration,
        hub: Hub,
        shutdown: CancellationToken,
    ) -> Result<Cluster, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(PUBLISH_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        let (ready_tx, ready) = watch::channel(false);
        let (positioned_tx, positioned) = watch::channel(false);
        let following = Following {
            ready: ready_tx,
            positioned: positioned_tx,
        };
        tokio::spawn(follow(
            client,
            prefix.to_owned(),
            hub.clone(),
            following,
            shutdown.clone(),
        ));
        let cluster = Cluster {
            conn,
            node: format!("{:016x}", rand::random::<u64>()),
            prefix: prefix.to_owned(),
            lengths,
            hub,
            ready,
            positioned,
        };
        cluster.start_janitor(report_timeout, shutdown);
        Ok(cluster)
    }

    /// A connection to the cluster's Redis, the key prefix and this node's name, for what
    /// the cluster shares beside the log (who is watching: `presence/`).
    pub fn shared(&self) -> (ConnectionManager, &str, &str) {
        (self.conn.clone(), &self.prefix, &self.node)
    }

    /// The hub this node's streams are served from.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Holds the lease `name` while this node can (see `lease.rs`); says whether it does.
    /// Not before the node has read Redis: the first node of a new epoch clears the
    /// cluster's keys, and a lease taken before that would vanish under its holder.
    pub fn lease(
        &self,
        name: &str,
        ttl: Duration,
        shutdown: CancellationToken,
    ) -> watch::Receiver<bool> {
        let key = format!("{}lease:{name}", self.prefix);
        let (conn, node, after) = (
            self.conn.clone(),
            self.node.clone(),
            self.positioned.clone(),
        );
        super::lease::hold(conn, key, node, ttl, after, shutdown)
    }

    /// Whether this node follows the log now (for `/readyz`, and to refuse publishes).
    pub fn ready(&self) -> watch::Receiver<bool> {
        self.ready.clone()
    }

    /// Waits (up to `within`) until this node's hub has been positioned at the cluster's
    /// state once. Before that it holds a state of its own making, and a client served
    /// from it would get a needless snapshot (or a page of nothing); after that it is
    /// right up to where it stands, even while Redis is away.
    pub async fn positioned(&self, within: Duration) -> Result<(), Unavailable> {
        let mut positioned = self.positioned.clone();
        match tokio::time::timeout(within, positioned.wait_for(|p| *p)).await {
            Ok(Ok(_)) => Ok(()),
            _ => Err(Unavailable(
                "this node has not read the cluster's state yet".into(),
            )),
        }
    }

    /// The next id of `what` (`job`, `toast`): unique across the cluster, and across its
    /// epochs: counted from the epoch (see `ids.rs`), so a Redis that lost its data (a new
    /// epoch, the counter back at 1) never hands out an id an older job had.
    pub async fn next_id(&self, what: &str) -> Result<u64, Unavailable> {
        let key = format!("{}ids:{what}", self.prefix);
        let mut conn = self.conn.clone();
        let mut outcome = Err(StoreError::TimedOut);
        for attempt in 0..2 {
            let incr = redis::cmd("INCR")
                .arg(&key)
                .query_async::<u64>(&mut conn)
                .await;
            outcome = incr.map_err(StoreError::from);
            if !refused_at_first(attempt, &outcome) {
                break;
            }
        }
        within_time(outcome).map(|n| ids::base(self.hub.head_id().epoch) + n)
    }

    /// Publishes `event` into the cluster; its id once Redis has it and (within a bound)
    /// this node's hub has applied it.
    pub async fn publish(&self, event: Event) -> Result<EventId, Unavailable> {
        let now = now_ms();
        let mut conn = self.conn.clone();
        let mut outcome = Err(StoreError::TimedOut);
        for attempt in 0..2 {
            let sent = publish(&mut conn, &self.prefix, &event, self.lengths, now);
            outcome = tokio::time::timeout(PUBLISH_TIMEOUT, sent)
                .await
                .unwrap_or(Err(StoreError::TimedOut));
            if !refused_at_first(attempt, &outcome) {
                break;
            }
        }
        let id = within_time(outcome)?;
        self.until_applied(id).await;
        Ok(id)
    }

    /// Waits (within a bound) until this node's hub has applied `id`: after a publish, and
    /// before resuming a client that another node served further. Not following the log
    /// (Redis was away a moment ago, or the node is shutting down), it does not wait: the
    /// event is in Redis, and this node's clients get it once it follows again.
    pub async fn until_applied(&self, id: EventId) {
        // Listening before looking at the head: an event applied in between is not missed.
        let mut applied = self.hub.receiver();
        if !*self.ready.borrow() {
            return;
        }
        let seen = async {
            while self.hub.head_id() < id {
                match applied.recv().await {
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                }
            }
        };
        let _ = tokio::time::timeout(APPLIED_TIMEOUT, seen).await;
    }
}

/// The first attempt never reached Redis (the connection was refused: after an outage the
/// connection manager's first answer is its failed reconnect), so trying once more cannot
/// publish twice.
fn refused_at_first<T>(attempt: u32, outcome: &Result<T, StoreError>) -> bool {
    attempt == 0 && matches!(outcome, Err(StoreError::Redis(e)) if e.is_connection_refusal())
}

pub(super) fn within_time<T>(outcome: Result<T, StoreError>) -> Result<T, Unavailable> {
    outcome.map_err(|e| match e {
        StoreError::Redis(e) if e.is_timeout() => Unavailable(StoreError::TimedOut.to_string()),
        e => Unavailable(e.to_string()),
    })
}
