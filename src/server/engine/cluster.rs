//! A node's handle on the Redis engine: it publishes into the cluster's log (acknowledged
//! once Redis has the event, and returned once this node's own hub has applied it, so a
//! client reading this node right after sees its write), hands out ids unique across the
//! nodes, and says whether the node follows the log right now.
//!
//! Redis being away is a fast, clear failure ([`Unavailable`]), never a wait: publishes
//! time out after [`PUBLISH_TIMEOUT`].

use super::{Lengths, StoreError, follow, janitor, publish, publish_if};
use crate::{
    protocol::{Event, EventId, Job, JobId, JobState},
    server::hub::Hub,
};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
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
    node: String,
    pub(super) prefix: String,
    lengths: Lengths,
    pub(super) hub: Hub,
    ready: watch::Receiver<bool>,
}

/// The event store cannot take the operation now; try again later.
#[derive(Debug, thiserror::Error)]
#[error("the event store is unavailable: {0}")]
pub struct Unavailable(pub String);

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
        tokio::spawn(follow(
            client,
            prefix.to_owned(),
            hub.clone(),
            ready_tx,
            shutdown.clone(),
        ));
        let cluster = Cluster {
            conn,
            node: format!("{:016x}", rand::random::<u64>()),
            prefix: prefix.to_owned(),
            lengths,
            hub,
            ready,
        };
        let alive = format!("{prefix}node:{}", cluster.node);
        tokio::spawn(janitor::heartbeat(
            cluster.conn.clone(),
            alive,
            shutdown.clone(),
        ));
        let janitor = cluster.lease("janitor", janitor::NODE_TTL, shutdown.clone());
        tokio::spawn(janitor::sweep(
            cluster.clone(),
            janitor,
            report_timeout,
            shutdown,
        ));
        Ok(cluster)
    }

    /// Changes job `id` as `change` says, against its current state in Redis (`None` if it
    /// has none), with a compare-and-set: if another node changed it meanwhile, `change`
    /// sees the new state and runs again. `Err` from `change` refuses the change.
    pub async fn change_job<E>(
        &self,
        id: JobId,
        change: impl Fn(Option<Job>) -> Result<Job, E>,
    ) -> Result<Result<Job, E>, Unavailable> {
        let mut conn = self.conn.clone();
        for attempt in 0..CHANGE_TRIES {
            if attempt > 0 {
                // Someone else changed it: back off a little, at random, so reporters
                // racing for one job do not keep colliding.
                let pause = rand::random_range(1..=5 * attempt.min(10) as u64);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            let mut get = redis::cmd("HGET");
            get.arg(format!("{}jobs", self.prefix)).arg(id);
            let stored: Option<String> =
                within_time(get.query_async(&mut conn).await.map_err(StoreError::from))?;
            let current = stored.as_deref().and_then(|j| serde_json::from_str(j).ok());
            let next = match change(current) {
                Ok(next) => next,
                Err(refused) => return Ok(Err(refused)),
            };
            let now = now_ms();
            let event = Event::Job(next.clone());
            let expect = stored.as_deref();
            let sent = publish_if(&mut conn, &self.prefix, &event, self.lengths, now, expect);
            match tokio::time::timeout(PUBLISH_TIMEOUT, sent).await {
                Ok(Ok(id)) => {
                    self.until_applied(id).await;
                    return Ok(Ok(next));
                }
                Ok(Err(StoreError::Stale)) => continue,
                Ok(Err(e)) => return Err(within_time::<()>(Err(e)).unwrap_err()),
                Err(_) => return Err(Unavailable(StoreError::TimedOut.to_string())),
            }
        }
        Err(Unavailable(format!("job {id} keeps changing; try again")))
    }

    /// Ends job `id` as `state` (with `why`) if it still runs: a cancel from any node, or
    /// the janitor's verdict. `Err` has the job's state when it had already ended.
    pub async fn end_job(
        &self,
        id: JobId,
        state: JobState,
        why: Option<String>,
    ) -> Result<Result<Job, Option<JobState>>, Unavailable> {
        let ended = self
            .change_job(id, |job| match job {
                Some(mut job) if !job.state.is_final() => {
                    job.state = state;
                    job.error = why.clone();
                    job.updated_ms = now_ms();
                    Ok(job)
                }
                Some(job) => Err(Some(job.state)),
                None => Err(None),
            })
            .await?;
        if !matches!(ended, Err(None)) {
            let _ = self.heard(id, false).await;
        }
        Ok(ended)
    }

    /// Takes a place among the running reported jobs (at most `max` in the cluster);
    /// `false` when there is none.
    pub async fn reserve_reported(&self, id: JobId, max: usize) -> Result<bool, Unavailable> {
        let mut conn = self.conn.clone();
        let reserve = RESERVE
            .key(format!("{}reported", self.prefix))
            .arg(id)
            .arg(max)
            .arg(now_ms())
            .invoke_async::<i64>(&mut conn)
            .await;
        within_time(reserve.map_err(StoreError::from)).map(|taken| taken == 1)
    }

    /// A reported job was heard from now (`true`), or has ended (`false`).
    pub async fn heard(&self, id: JobId, running: bool) -> Result<(), Unavailable> {
        let mut cmd = redis::cmd(if running { "ZADD" } else { "ZREM" });
        cmd.arg(format!("{}reported", self.prefix));
        if running {
            cmd.arg(now_ms());
        }
        cmd.arg(id);
        let mut conn = self.conn.clone();
        within_time(
            cmd.query_async::<()>(&mut conn)
                .await
                .map_err(StoreError::from),
        )
    }

    /// Records that this node runs job `id`, so the cluster fails it if this node dies.
    pub async fn own(&self, id: u64) -> Result<(), Unavailable> {
        self.owners("HSET", id).await
    }

    /// Drops that record (the job was not started after all).
    pub async fn disown(&self, id: u64) -> Result<(), Unavailable> {
        self.owners("HDEL", id).await
    }

    async fn owners(&self, command: &str, id: u64) -> Result<(), Unavailable> {
        let mut cmd = redis::cmd(command);
        cmd.arg(format!("{}jobs:owner", self.prefix)).arg(id);
        if command == "HSET" {
            cmd.arg(&self.node);
        }
        let mut conn = self.conn.clone();
        let sent = tokio::time::timeout(PUBLISH_TIMEOUT, cmd.query_async::<()>(&mut conn));
        let outcome = match sent.await {
            Ok(answer) => answer.map_err(StoreError::from),
            Err(_) => Err(StoreError::TimedOut),
        };
        within_time(outcome)
    }

    /// The hub this node's streams are served from.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Holds the lease `name` while this node can (see `lease.rs`); says whether it does.
    pub fn lease(
        &self,
        name: &str,
        ttl: Duration,
        shutdown: CancellationToken,
    ) -> watch::Receiver<bool> {
        let key = format!("{}lease:{name}", self.prefix);
        super::lease::hold(self.conn.clone(), key, self.node.clone(), ttl, shutdown)
    }

    /// Whether this node follows the log now (for `/readyz`, and to refuse publishes).
    pub fn ready(&self) -> watch::Receiver<bool> {
        self.ready.clone()
    }

    /// The next id of `what` (`job`, `toast`): unique across the cluster within an epoch.
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
        within_time(outcome)
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

    /// Waits (within a bound) until this node's hub has applied `id`. Not following the
    /// log (Redis was away a moment ago, or the node is shutting down), it does not wait:
    /// the event is in Redis, and this node's clients get it once it follows again.
    async fn until_applied(&self, id: EventId) {
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

fn within_time<T>(outcome: Result<T, StoreError>) -> Result<T, Unavailable> {
    outcome.map_err(|e| match e {
        StoreError::Redis(e) if e.is_timeout() => Unavailable(StoreError::TimedOut.to_string()),
        e => Unavailable(e.to_string()),
    })
}

/// Times a change of a job is tried against concurrent changes (with pauses of up to
/// 50 ms between, about 2 s in all at worst).
const CHANGE_TRIES: usize = 64;

/// Takes a place among the running reported jobs if there is one: 1, else 0.
static RESERVE: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
    redis::Script::new(
        r"
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
        return 1
        ",
    )
});

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
