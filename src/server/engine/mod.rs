//! The Redis engine's store: the cluster's one ordered log and its stored state, written
//! and read only through two Lua scripts, so numbering, logging and folding an event into
//! the state are one atomic step (as Centrifugo's Redis engine numbers and publishes in
//! one script).
//!
//! Keys, all under a prefix (`livedash:` by default):
//! - `epoch`: this log's lifetime. Missing means new or lost data: the next publish starts a
//!   new epoch (and clears the prefix), so a flushed Redis is never a silent gap.
//! - `seq`: the last sequence number; event ids are `epoch-seq`, as on a single node.
//! - `log`: a stream of every event (entry id `seq-0`), which every node reads.
//! - `window`: a stream of the reliable events (jobs, toasts) a resuming client may need.
//! - `jobs`, `jobs:order`, `jobs:final`, `toasts`, `toasts:order`, `toasts:ids`, `quotes`,
//!   `quotes:order`, `quotes:ticks`, `history:SYMBOL`: the state, kept by the reducers'
//!   rules (`src/state/`).

use crate::protocol::{Event, EventId, Job, QuoteSeries, Snapshot, Toast};
use crate::state;
use redis::{RedisError, Script, aio::ConnectionLike};
use std::sync::LazyLock;

static PUBLISH: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("publish.lua")));
static LOAD: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("load.lua")));

/// How long the engine's streams grow.
#[derive(Clone, Copy, Debug)]
pub struct Lengths {
    /// Entries of `log` kept (about): how far behind a node may fall and still catch up.
    pub log: usize,
    /// Reliable events kept for resuming clients (`--replay-events`).
    pub window: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("redis: {0}")]
    Redis(#[from] RedisError),
    #[error("redis holds data this version cannot read: {0}")]
    Corrupt(String),
}

/// Publishes `event` (not a snapshot); its id once Redis has it.
pub async fn publish(
    conn: &mut impl ConnectionLike,
    prefix: &str,
    event: &Event,
    lengths: Lengths,
    now_ms: u64,
) -> Result<EventId, StoreError> {
    let (kind, entity, last, price) = match event {
        Event::Job(job) => (
            "job",
            job.id.to_string(),
            job.state.is_final(),
            String::new(),
        ),
        Event::Toast(toast) => ("toast", toast.id.to_string(), false, String::new()),
        // Rust's shortest round-trip form: the stored price reads back as the same f64.
        Event::Quote(quote) => (
            "quote",
            quote.symbol.clone(),
            false,
            quote.price.to_string(),
        ),
        Event::Snapshot(_) => {
            return Err(StoreError::Corrupt("a snapshot is not published".into()));
        }
    };
    let (epoch, seq): (String, u64) = PUBLISH
        .arg(prefix)
        .arg(kind)
        .arg(event.payload_json())
        .arg(entity)
        .arg(if last { "1" } else { "0" })
        .arg(price)
        .arg(lengths.log)
        .arg(lengths.window)
        .arg(now_ms)
        .arg(state::jobs::MAX_JOBS)
        .arg(state::toasts::FEED_LEN)
        .arg(state::quotes::HISTORY_LEN)
        .invoke_async(conn)
        .await?;
    Ok(EventId {
        epoch: parse(&epoch, "epoch")?,
        seq,
    })
}

/// One symbol's stored row: its quote, its prices (oldest first) and its tick count.
type StoredQuote = (String, Vec<String>, u64);

/// The stored state and the id of the last event folded into it; `None` before the first
/// publish (or after Redis lost its data).
pub async fn load(
    conn: &mut impl ConnectionLike,
    prefix: &str,
) -> Result<Option<(EventId, Snapshot)>, StoreError> {
    let (epoch, seq, jobs, toasts, quotes): (
        Option<String>,
        u64,
        Vec<String>,
        Vec<String>,
        Vec<StoredQuote>,
    ) = LOAD.arg(prefix).invoke_async(conn).await?;
    let Some(epoch) = epoch else {
        return Ok(None);
    };
    let snapshot = Snapshot {
        jobs: jobs
            .iter()
            .map(|j| json("job", j))
            .collect::<Result<Vec<Job>, _>>()?,
        toasts: toasts
            .iter()
            .map(|t| json("toast", t))
            .collect::<Result<Vec<Toast>, _>>()?,
        quotes: quotes
            .iter()
            .map(|(quote, history, ticks)| {
                Ok(QuoteSeries {
                    quote: json("quote", quote)?,
                    history: history
                        .iter()
                        .map(|p| parse(p, "price"))
                        .collect::<Result<_, _>>()?,
                    ticks: *ticks,
                })
            })
            .collect::<Result<_, StoreError>>()?,
    };
    let id = EventId {
        epoch: parse(&epoch, "epoch")?,
        seq,
    };
    Ok(Some((id, snapshot)))
}

fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn parse<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("{what} `{text}`")))
}
