//! A node following the cluster's log: it positions its hub at Redis's state, then reads
//! the log with one blocking `XREAD` at a time and folds every event into the hub in
//! order, so each node encodes each event once for all of its own streams.
//!
//! The hub resets (and its open streams get a snapshot) only when it cannot continue event
//! by event: on another epoch (Redis lost its data), or when the log no longer has the
//! events after the hub's head (the node was away too long). After a short Redis outage
//! it catches up from the log without its clients noticing.

use super::store::{StoreError, Stored, decode_entry, field, init, load};
use crate::{
    protocol::EventId,
    server::{clock::now_ms, hub::Hub},
};
use redis::AsyncConnectionConfig;
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// How long one `XREAD` waits for new entries before the epoch is checked again (which is
/// how a Redis flushed while idle is noticed).
const BLOCK: Duration = Duration::from_secs(1);
/// Entries taken per read.
const BATCH: usize = 1000;
/// The longest pause between attempts to reach Redis.
const MAX_PAUSE: Duration = Duration::from_secs(5);

type Reply = Option<Vec<(String, Vec<(String, Vec<String>)>)>>;

/// Whether the hub follows the log right now (`ready`), and whether it has ever been
/// positioned at the cluster's state (`positioned`: until then it holds nothing worth
/// serving).
pub struct Following {
    pub ready: watch::Sender<bool>,
    pub positioned: watch::Sender<bool>,
}

/// Follows the log under `prefix` until `shutdown`, saying how in `following`.
pub async fn follow(
    client: redis::Client,
    prefix: String,
    hub: Hub,
    following: Following,
    shutdown: CancellationToken,
) {
    let Following { ready, positioned } = following;
    let mut pause = Duration::from_millis(100);
    while !shutdown.is_cancelled() {
        let outcome = tokio::select! {
            () = shutdown.cancelled() => return,
            outcome = follow_once(&client, &prefix, &hub, &ready, &positioned) => outcome,
        };
        ready.send_replace(false);
        match outcome {
            Ok(()) => pause = Duration::from_millis(100),
            Err(e) => {
                tracing::warn!("following the Redis log: {e}; trying again in {pause:?}");
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(pause) => {}
                }
                pause = (pause * 2).min(MAX_PAUSE);
            }
        }
    }
}

/// One connection's worth of following; `Ok` when the hub must be positioned again.
async fn follow_once(
    client: &redis::Client,
    prefix: &str,
    hub: &Hub,
    ready: &watch::Sender<bool>,
    positioned: &watch::Sender<bool>,
) -> Result<(), StoreError> {
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(BLOCK + Duration::from_secs(2)));
    let mut conn = client
        .get_multiplexed_async_connection_with_config(&config)
        .await?;
    let log = format!("{prefix}log");
    let epoch_key = format!("{prefix}epoch");
    let stored = match load(&mut conn, prefix, now_ms()).await? {
        Some(stored) => stored,
        // An empty Redis (or one that lost its data): give the log an epoch, then follow it.
        None => {
            init(&mut conn, prefix).await?;
            return Ok(());
        }
    };
    position(hub, stored);
    // Ready first: whoever sees `positioned` must see `ready` too (see `until_applied`).
    ready.send_replace(true);
    positioned.send_replace(true);
    loop {
        let head = hub.head_id();
        let reply: Reply = redis::cmd("XREAD")
            .arg("BLOCK")
            .arg(BLOCK.as_millis() as u64)
            .arg("COUNT")
            .arg(BATCH)
            .arg("STREAMS")
            .arg(&log)
            .arg(format!("{}-0", head.seq))
            .query_async(&mut conn)
            .await?;
        let entries = reply.into_iter().flatten().flat_map(|(_, entries)| entries);
        let mut read = 0;
        for (id, fields) in entries {
            read += 1;
            let (seq, event) = decode_entry(&id, &fields)?;
            let epoch: u64 = field(&fields, "e")?
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("entry {id}: its epoch")))?;
            let current = hub.head_id();
            // Another lifetime's entry, or a gap (the log was trimmed past us): start over.
            if epoch != current.epoch || seq != current.seq + 1 {
                return Ok(());
            }
            hub.apply_numbered(event, EventId { epoch, seq });
        }
        if read == 0 {
            // Idle: a Redis that lost its data has no entry to tell us so, only its epoch.
            let epoch: Option<u64> = redis::cmd("GET")
                .arg(&epoch_key)
                .query_async(&mut conn)
                .await?;
            if epoch != Some(head.epoch) {
                return Ok(());
            }
        }
    }
}

/// Puts the hub where the stored state is, resetting it only if it cannot simply continue
/// from its own head by reading the log.
fn position(hub: &Hub, stored: Stored) {
    let head = hub.head_id();
    let continues = head.epoch == stored.head.epoch
        && head.seq <= stored.head.seq
        && stored.oldest.is_none_or(|oldest| oldest <= head.seq + 1);
    if !continues {
        tracing::info!(from = %head, to = %stored.head, "following the Redis log from its stored state");
        hub.reset(stored.head, stored.snapshot, stored.window);
    }
}
