//! A stream's viewer, for `events.rs`: its place among the watchers (`presence/`), whether
//! it is told who is watching (and sees their names), and when its session ends, with the
//! events that say so.

use crate::protocol::{ErrorBody, SIGNED_OUT};
use crate::server::{
    access::Viewer,
    app_state::AppState,
    clock::now_ms,
    presence::{Told, Watching},
};
use bytes::Bytes;
use std::time::Duration;
use tokio::time::Instant;

/// The longest watcher entry name a client may give back (ours are 32 hex digits).
const MAX_CLAIM: usize = 64;

pub struct Watcher {
    /// Counts the stream among the watchers while it lives.
    watching: Watching,
    told: bool,
    names: bool,
    ends_at: Option<Instant>,
}

impl Watcher {
    /// `claimed`: the stream's `?presence=`; present, the client wants `presence` events,
    /// and names the entry its last stream was given (empty the first time).
    pub fn new(app: &AppState, viewer: &Viewer, claimed: Option<&str>) -> Watcher {
        let entry = claimed.filter(|id| id.len() <= MAX_CLAIM);
        Watcher {
            watching: app.presence.join(entry, viewer.user()),
            told: claimed.is_some(),
            names: viewer.sees_names(),
            ends_at: viewer.expires_at().map(|secs| {
                let left = (secs * 1_000).saturating_sub(now_ms());
                Instant::now() + Duration::from_millis(left)
            }),
        }
    }

    /// The stream's watcher entry, for `hello`.
    pub fn id(&self) -> &str {
        self.watching.id()
    }

    /// Whether the client asked for `presence` events.
    pub fn told(&self) -> bool {
        self.told
    }

    /// When the session the stream was opened with ends.
    pub fn ends_at(&self) -> Option<Instant> {
        self.ends_at
    }

    /// The `presence` event of `told`, with names only for those who may see them.
    pub fn presence_frame(&self, told: &Told) -> Bytes {
        told.frame(self.names)
    }
}

/// The last event of a stream whose session ended: the client signs in again rather than
/// reconnect.
pub fn signed_out() -> Bytes {
    let body = ErrorBody {
        error: "your session has ended: sign in again".into(),
        state: None,
    };
    let data = serde_json::to_string(&body).expect("an error body always serialises");
    Bytes::from(format!("event: {SIGNED_OUT}\ndata: {data}\n\n"))
}
