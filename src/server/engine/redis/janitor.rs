//! Jobs whose node died. Every node keeps a key alive in Redis (`node:NAME`, renewed every
//! third of [`NODE_TTL`]) and records the simulated jobs it runs (`jobs:owner`). One node
//! at a time, under the `janitor` lease, sweeps that record every [`SWEEP`]: a job still
//! running whose node's key has expired ends `failed` ("node lost"), so no job stays
//! `running` for ever; records of jobs that ended are dropped. A reported job whose
//! reporter has been silent for `--report-timeout-secs` ends `failed` too.

use super::cluster::Cluster;
use crate::protocol::{Event, JobState};
use crate::server::clock::now_ms;
use redis::aio::ConnectionManager;
use std::{collections::HashMap, time::Duration};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// How long a node's key outlives its last renewal: a dead node's jobs fail within about
/// this plus one sweep.
pub const NODE_TTL: Duration = Duration::from_secs(3);
/// How often the janitor looks.
const SWEEP: Duration = Duration::from_secs(1);

impl Cluster {
    /// Keeps this node's key alive, and sweeps while this node holds the janitor's lease,
    /// until `shutdown`.
    pub(super) fn start_janitor(&self, report_timeout: Duration, shutdown: CancellationToken) {
        let alive = format!("{}node:{}", self.prefix, self.node);
        tokio::spawn(heartbeat(self.conn.clone(), alive, shutdown.clone()));
        let held = self.lease("janitor", NODE_TTL, shutdown.clone());
        tokio::spawn(sweep(self.clone(), held, report_timeout, shutdown));
    }
}

/// Keeps this node's key alive until `shutdown` (then deletes it).
async fn heartbeat(mut conn: ConnectionManager, key: String, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(NODE_TTL / 3);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            _ = tick.tick() => {}
        }
        let mut set = redis::cmd("SET");
        set.arg(&key)
            .arg(1)
            .arg("PX")
            .arg(NODE_TTL.as_millis() as u64);
        let _ = tokio::time::timeout(NODE_TTL / 3, set.query_async::<()>(&mut conn)).await;
    }
    let mut del = redis::cmd("DEL");
    del.arg(&key);
    let _ = tokio::time::timeout(NODE_TTL / 3, del.query_async::<()>(&mut conn)).await;
}

/// Sweeps while this node holds the janitor's lease, until `shutdown`.
async fn sweep(
    cluster: Cluster,
    held: watch::Receiver<bool>,
    report_timeout: Duration,
    shutdown: CancellationToken,
) {
    let mut tick = tokio::time::interval(SWEEP);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        if *held.borrow()
            && let Err(e) = sweep_once(&cluster, report_timeout).await
        {
            tracing::debug!("janitor: {e}");
        }
    }
}

async fn sweep_once(cluster: &Cluster, report_timeout: Duration) -> Result<(), redis::RedisError> {
    let mut conn = cluster.conn.clone();
    let silent_since = now_ms().saturating_sub(report_timeout.as_millis() as u64);
    let silent: Vec<u64> = redis::cmd("ZRANGEBYSCORE")
        .arg(format!("{}reported", cluster.prefix))
        .arg("-inf")
        .arg(silent_since)
        .query_async(&mut conn)
        .await?;
    for id in silent {
        let why = format!("no report for {} s", report_timeout.as_secs());
        let _ = cluster.end_job(id, JobState::Failed, Some(why)).await;
    }
    let owners_key = format!("{}jobs:owner", cluster.prefix);
    let owners: HashMap<String, String> = redis::cmd("HGETALL")
        .arg(&owners_key)
        .query_async(&mut conn)
        .await?;
    for (id, node) in owners {
        let job = id.parse().ok().and_then(|id: u64| {
            cluster
                .hub
                .read(|s| s.jobs.iter().find(|j| j.id == id).cloned())
        });
        let alive: bool = redis::cmd("EXISTS")
            .arg(format!("{}node:{node}", cluster.prefix))
            .query_async(&mut conn)
            .await?;
        match job {
            Some(mut job) if !job.state.is_final() => {
                if alive {
                    continue;
                }
                job.state = JobState::Failed;
                job.error = Some("node lost".into());
                job.updated_ms = now_ms();
                job.stamp(job.updated_ms);
                if cluster.publish(Event::Job(job)).await.is_err() {
                    continue;
                }
            }
            Some(_) => {}
            // Not in this node's view yet (just started), or evicted long after it ended.
            None => continue,
        }
        let _: () = redis::cmd("HDEL")
            .arg(&owners_key)
            .arg(&id)
            .query_async(&mut conn)
            .await?;
    }
    Ok(())
}
