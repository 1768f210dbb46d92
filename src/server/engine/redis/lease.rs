//! A lease in Redis: work that must run on one node at a time (the simulated market) runs
//! where the lease is held. The holder renews it every third of its time to live; when the
//! holder dies, the lease expires and another node takes it within about one time to live.
//!
//! A holder that cannot renew (Redis away) stops counting itself as the holder at once:
//! two nodes may both believe they hold it only if one of them cannot reach Redis, and
//! then its work cannot be published anyway.

use redis::{Script, aio::ConnectionManager};
use std::{sync::LazyLock, time::Duration};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Takes the lease if it is free, renews it if it is ours; 1 when we hold it afterwards.
static ACQUIRE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        elseif not holder then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        return 0
        ",
    )
});

/// Gives the lease up, if it is ours, so another node need not wait for it to expire.
static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 0
        ",
    )
});

/// Holds the lease `key` for `node` while it can, until `shutdown` (then releases it),
/// trying first once `after` is true. The receiver says whether this node holds it now.
pub fn hold(
    conn: ConnectionManager,
    key: String,
    node: String,
    ttl: Duration,
    after: watch::Receiver<bool>,
    shutdown: CancellationToken,
) -> watch::Receiver<bool> {
    let (held_tx, held) = watch::channel(false);
    tokio::spawn(async move {
        let mut after = after;
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = after.wait_for(|go| *go) => {}
        }
        let mut conn = conn;
        let mut tick = tokio::time::interval(ttl / 3);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = tick.tick() => {}
            }
            let mut attempt = ACQUIRE.key(&key);
            attempt.arg(&node).arg(ttl.as_millis() as u64);
            // An answer later than the renewal period is no answer: the lease may be gone.
            let answer = tokio::time::timeout(ttl / 3, attempt.invoke_async::<i64>(&mut conn));
            let holds = matches!(answer.await, Ok(Ok(1)));
            held_tx.send_if_modified(|held| std::mem::replace(held, holds) != holds);
        }
        held_tx.send_replace(false);
        let mut release = RELEASE.key(&key);
        release.arg(&node);
        let _ = tokio::time::timeout(ttl / 3, release.invoke_async::<i64>(&mut conn)).await;
    });
    held
}
