//! The state a data dir holds, read back at start: the log's epoch and head, the snapshot
//! with the events after it folded in, and the replay window's events with their ages.

use crate::{
    protocol::{Event, EventId, EventKind, Snapshot},
    server::clock::now_ms,
    state,
};
use rusqlite::{Connection, OptionalExtension, Transaction};
use std::time::Duration;

/// Keys of the `meta` table.
pub const EPOCH: &str = "epoch";
pub const SEQ: &str = "seq";
/// The newest reliable event the replay window no longer holds: resuming from before it
/// gets a snapshot.
pub const FLOOR: &str = "floor";
/// The largest job and toast ids ever committed: new ones continue above them, even once
/// the jobs themselves have left the bounded list.
pub const MAX_JOB: &str = "max_job_id";
pub const MAX_TOAST: &str = "max_toast_id";

/// What a data dir held at start.
pub struct Stored {
    pub head: EventId,
    /// The seq of the snapshot the state was read from.
    pub snapshot_seq: u64,
    pub floor: u64,
    pub max_job_id: u64,
    pub max_toast_id: u64,
    pub snapshot: Snapshot,
    /// Reliable events after `floor`, oldest first, with how long ago each was published.
    pub window: Vec<(Event, EventId, Duration)>,
}

/// Reads a data dir's state; `None` for a new one (no epoch yet).
pub fn read(conn: &Connection) -> Result<Option<Stored>, String> {
    let meta = |key: &str| -> Result<Option<u64>, String> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
            row.get::<_, i64>(0)
        })
        .optional()
        .map(|v| v.map(|v| v as u64))
        .map_err(|e| format!("meta `{key}`: {e}"))
    };
    let Some(epoch) = meta(EPOCH)? else {
        return Ok(None);
    };
    let seq = meta(SEQ)?.unwrap_or(0);
    let floor = meta(FLOOR)?.unwrap_or(0);
    let (snapshot_seq, mut snapshot) = conn
        .query_row("SELECT seq, data FROM snapshot WHERE id = 1", [], |row| {
            Ok((row.get::<_, i64>(0)? as u64, row.get::<_, String>(1)?))
        })
        .optional()
        .map_err(|e| format!("snapshot: {e}"))?
        .map(|(seq, data)| {
            serde_json::from_str::<Snapshot>(&data)
                .map(|s| (seq, s))
                .map_err(|e| format!("snapshot: {e}"))
        })
        .transpose()?
        .unwrap_or_default();
    let now = now_ms();
    let mut window = Vec::new();
    let mut statement = conn
        .prepare("SELECT seq, at_ms, kind, data FROM events WHERE seq > ?1 ORDER BY seq")
        .map_err(|e| format!("events: {e}"))?;
    let rows = statement
        .query_map([snapshot_seq.min(floor) as i64], |row| {
            Ok((
                row.get::<_, i64>(0)? as u64,
                row.get::<_, i64>(1)? as u64,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })
        .map_err(|e| format!("events: {e}"))?;
    for row in rows {
        let (seq, at_ms, kind, data) = row.map_err(|e| format!("events: {e}"))?;
        let event = Event::decode(&kind, &data).map_err(|e| format!("event {seq}: {e}"))?;
        if seq > snapshot_seq {
            state::apply(&mut snapshot, &event);
        }
        if seq > floor && matches!(event.kind(), EventKind::Job | EventKind::Toast) {
            let age = Duration::from_millis(now.saturating_sub(at_ms));
            window.push((event, EventId { epoch, seq }, age));
        }
    }
    Ok(Some(Stored {
        head: EventId { epoch, seq },
        snapshot_seq,
        floor,
        max_job_id: meta(MAX_JOB)?.unwrap_or(0),
        max_toast_id: meta(MAX_TOAST)?.unwrap_or(0),
        snapshot,
        window,
    }))
}

/// Starts a new data dir's log at `epoch`, from `snapshot` (the state the process began
/// with: the market's first prices).
pub fn create(tx: &Transaction<'_>, epoch: u64, snapshot: &Snapshot) -> rusqlite::Result<()> {
    for (key, value) in [
        (EPOCH, epoch),
        (SEQ, 0),
        (FLOOR, 0),
        (MAX_JOB, 0),
        (MAX_TOAST, 0),
    ] {
        set(tx, key, value)?;
    }
    let data = serde_json::to_string(snapshot).expect("a snapshot always serialises");
    tx.execute(
        "INSERT OR REPLACE INTO snapshot (id, seq, data) VALUES (1, 0, ?1)",
        [data],
    )?;
    Ok(())
}

/// Writes one `meta` value.
pub fn set(tx: &Transaction<'_>, key: &str, value: u64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::params![key, value as i64],
    )
    .map(drop)
}
