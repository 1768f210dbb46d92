//! A cluster node's operations on jobs whose state is Redis's: changes with a
//! compare-and-set, the running reported jobs' set, and the record of which node runs
//! which simulated job (for the janitor).

use super::{
    cluster::{Cluster, PUBLISH_TIMEOUT, within_time},
    store::{StoreError, publish_if},
};
use crate::{
    protocol::{Event, Job, JobId, JobState},
    server::{clock::now_ms, engine::unavailable::Unavailable},
};
use std::time::Duration;

impl Cluster {
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
                    job.stamp(job.updated_ms);
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
