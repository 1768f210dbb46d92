//! This node's table of watchers: an entry per browser with a stream here, kept for
//! [`GRACE`] after its last stream ends; what Redis must hear of it; the view of a set of
//! watchers.

use super::shared::{LIVE_FOR, Local};
use crate::protocol::Presence as View;
use std::{
    collections::{BTreeSet, HashMap},
    time::Duration,
};

/// How long a watcher who lost their stream still counts.
pub const GRACE: Duration = Duration::from_secs(3);
/// Names shown at most (the count is always whole).
pub const MAX_NAMES: usize = 50;

#[derive(Default)]
pub struct Table {
    pub entries: HashMap<String, Entry>,
    /// Entries other nodes hold, with their users (a reconnect may land here).
    pub elsewhere: HashMap<String, Option<String>>,
}

pub struct Entry {
    pub user: Option<String>,
    /// Streams open on this entry (a browser with tabs that cannot share has several).
    pub streams: u32,
    /// When its last stream ended (ms); it counts until `GRACE` after that.
    pub gone_at: Option<u64>,
    /// Until when Redis counts it, as last written (0: not written since it changed).
    pub written_until: u64,
}

impl Entry {
    pub fn expired(&self, now: u64) -> bool {
        self.gone_at
            .is_some_and(|gone| gone + GRACE.as_millis() as u64 <= now)
    }
}

impl Table {
    pub fn expire(&mut self, now: u64) {
        self.entries.retain(|_, e| !e.expired(now));
    }

    /// This node's entries Redis must hear of: changed since written, or live and due for
    /// a refresh (half their time left).
    pub fn writes(&self, now: u64) -> Vec<Local> {
        let live_for = LIVE_FOR.as_millis() as u64;
        self.entries
            .iter()
            .filter_map(|(id, e)| {
                let until = match e.gone_at {
                    Some(gone) => gone + GRACE.as_millis() as u64,
                    None => now + live_for,
                };
                let due = e.written_until == 0
                    || (e.gone_at.is_none() && e.written_until < now + live_for / 2);
                due.then(|| Local {
                    id: id.clone(),
                    user: e.user.clone(),
                    until,
                    in_grace: e.gone_at.is_some(),
                })
            })
            .collect()
    }

    pub fn next_expiry(&self) -> Option<u64> {
        self.entries
            .values()
            .filter_map(|e| e.gone_at)
            .min()
            .map(|gone| gone + GRACE.as_millis() as u64)
    }

    /// At the bound, the entry in grace longest goes first.
    pub fn make_room(&mut self, max: usize) {
        while self.entries.len() >= max {
            let oldest = self
                .entries
                .iter()
                .filter_map(|(id, e)| Some((e.gone_at?, id.clone())))
                .min();
            match oldest {
                Some((_, id)) => self.entries.remove(&id),
                None => return,
            };
        }
    }
}

/// The count and the distinct names of `watchers` (their users, `None` if unnamed): the
/// first [`MAX_NAMES`] in order.
pub fn view_of<'a>(watchers: impl Iterator<Item = Option<&'a str>>) -> View {
    let mut watching = 0;
    let mut users: BTreeSet<&str> = BTreeSet::new();
    for user in watchers {
        watching += 1;
        if let Some(user) = user {
            users.insert(user);
        }
    }
    let users = users
        .into_iter()
        .take(MAX_NAMES)
        .map(str::to_owned)
        .collect();
    View { watching, users }
}
