//! The store: the cluster's one ordered log and its stored state, written
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
use std::{sync::LazyLock, time::Duration};

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
    #[error("Redis did not answer in time")]
    TimedOut,
    /// A compare-and-set found the job changed by someone else meanwhile.
    #[error("the job changed meanwhile")]
    Stale,
}

/// Publishes `event` (not a snapshot); its id once Redis has it.
pub async fn publish(
    conn: &mut impl ConnectionLike,
    prefix: &str,
    event: &Event,
    lengths: Lengths,
    now_ms: u64,
) -> Result<EventId, StoreError> {
    publish_if(conn, prefix, event, lengths, now_ms, None).await
}

/// [`publish`], for a job only if Redis still holds it as `expect` (its stored JSON).
pub async fn publish_if(
    conn: &mut impl ConnectionLike,
    prefix: &str,
    event: &Event,
    lengths: Lengths,
    now_ms: u64,
    expect: Option<&str>,
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
    let answer = PUBLISH
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
        .arg(expect.unwrap_or(""))
        .invoke_async::<(String, u64)>(conn)
        .await;
    let (epoch, seq) = match answer {
        Ok(answer) => answer,
        Err(e) if e.code() == Some("STALE") => return Err(StoreError::Stale),
        Err(e) => return Err(e.into()),
    };
    Ok(EventId {
        epoch: parse(&epoch, "epoch")?,
        seq,
    })
}

/// One symbol's stored row: its quote, its prices (oldest first) and its tick count.
type StoredQuote = (String, Vec<String>, u64);
/// A stream entry: its id and its fields and values, alternating.
type Entry = (String, Vec<String>);

/// Makes sure the log has an epoch (a new one if Redis is empty or lost its data), so
/// nodes can follow it before anything is published.
pub async fn init(conn: &mut impl ConnectionLike, prefix: &str) -> Result<(), StoreError> {
    let _: (String, u64) = PUBLISH.arg(prefix).arg("init").invoke_async(conn).await?;
    Ok(())
}

/// What `load.lua` returns (see there).
type Loaded = (
    Option<String>,
    u64,
    Vec<String>,
    Vec<String>,
    Vec<StoredQuote>,
    Vec<Entry>,
    Option<String>,
);

/// What Redis holds, as one consistent read.
#[derive(Debug)]
pub struct Stored {
    /// The last event folded into `snapshot`.
    pub head: EventId,
    pub snapshot: Snapshot,
    /// The reliable events resuming clients may need, oldest first, with their age.
    pub window: Vec<(Event, EventId, Duration)>,
    /// The oldest event the log still has: a node behind it cannot catch up event by event.
    pub oldest: Option<u64>,
}

/// The stored state; `None` before the first publish (or after Redis lost its data).
pub async fn load(
    conn: &mut impl ConnectionLike,
    prefix: &str,
    now_ms: u64,
) -> Result<Option<Stored>, StoreError> {
    let (epoch, seq, jobs, toasts, quotes, window, oldest): Loaded =
        LOAD.arg(prefix).invoke_async(conn).await?;
    let Some(epoch) = epoch else {
        return Ok(None);
    };
    let epoch: u64 = parse(&epoch, "epoch")?;
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
    let window = window
        .iter()
        .map(|(id, fields)| {
            let entry = decode_entry(id, fields)?;
            let at: u64 = parse(field(fields, "t")?, "time")?;
            let age = Duration::from_millis(now_ms.saturating_sub(at));
            Ok((
                entry.1,
                EventId {
                    epoch,
                    seq: entry.0,
                },
                age,
            ))
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Some(Stored {
        head: EventId { epoch, seq },
        snapshot,
        window,
        oldest: oldest.map(|id| entry_seq(&id)).transpose()?,
    }))
}

/// A log or window entry: its sequence number and its event.
pub(crate) fn decode_entry(id: &str, fields: &[String]) -> Result<(u64, Event), StoreError> {
    let event = Event::decode(field(fields, "k")?, field(fields, "d")?)
        .map_err(|e| StoreError::Corrupt(format!("entry {id}: {e}")))?;
    Ok((entry_seq(id)?, event))
}

/// The value of `name` among an entry's alternating fields and values.
pub(crate) fn field<'a>(fields: &'a [String], name: &str) -> Result<&'a str, StoreError> {
    fields
        .chunks(2)
        .find(|pair| pair[0] == name)
        .and_then(|pair| pair.get(1))
        .map(String::as_str)
        .ok_or_else(|| StoreError::Corrupt(format!("an entry without `{name}`")))
}

/// The sequence number of an entry id (`seq-0`).
fn entry_seq(id: &str) -> Result<u64, StoreError> {
    parse(id.split_once('-').map_or(id, |(seq, _)| seq), "entry id")
}

fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn parse<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("{what} `{text}`")))
}
