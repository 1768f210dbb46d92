//! The cluster's watchers in Redis: one sorted set, `{prefix}presence`, whose members are
//! `node id user` and whose scores are when each stops counting (ms since the epoch).
//!
//! A node writes each of its entries on every round: an entry with a stream open counts
//! until [`LIVE_FOR`] from now (so a node that died stops counting within that), one in
//! its grace until the grace ends. It then drops what has expired and reads the rest.
//! Two nodes may hold the same entry for a moment (a browser reconnected to another node
//! during its grace): members are counted by entry id, once.

use redis::{AsyncCommands, RedisError, aio::ConnectionManager};
use std::time::Duration;

/// How long a node's live entries count without being written again.
pub const LIVE_FOR: Duration = Duration::from_secs(5);
/// How often a node writes its entries and reads everyone's.
pub const ROUND: Duration = Duration::from_secs(1);

pub struct Shared {
    conn: ConnectionManager,
    key: String,
    node: String,
}

/// One of this node's entries, for a round.
pub struct Local {
    pub id: String,
    pub user: Option<String>,
    /// Until when it counts (ms).
    pub until: u64,
    /// Its stream has ended: `until` is the end of its grace.
    pub in_grace: bool,
}

/// An entry of any node, as read back.
pub struct Remote {
    pub id: String,
    pub user: Option<String>,
    pub until: u64,
}

impl Shared {
    pub fn new(conn: ConnectionManager, prefix: &str, node: &str) -> Shared {
        Shared {
            conn,
            key: format!("{prefix}presence"),
            node: node.to_owned(),
        }
    }

    /// Writes `local` (this node's entries that changed or need refreshing), drops what
    /// expired by `now`, and reads every node's entries.
    pub async fn round(&mut self, local: &[Local], now: u64) -> Result<Vec<Remote>, RedisError> {
        let mut pipe = redis::pipe();
        for entry in local {
            pipe.zadd(
                &self.key,
                self.member(&entry.id, entry.user.as_deref()),
                entry.until,
            )
            .ignore();
        }
        pipe.cmd("ZREMRANGEBYSCORE")
            .arg(&self.key)
            .arg("-inf")
            .arg(now)
            .ignore();
        pipe.query_async::<()>(&mut self.conn).await?;
        let members: Vec<(String, f64)> = self
            .conn
            .zrangebyscore_withscores(&self.key, now + 1, "+inf")
            .await?;
        Ok(members
            .into_iter()
            .filter_map(|(member, until)| {
                let mut parts = member.splitn(3, ' ');
                let (_node, id, user) = (parts.next()?, parts.next()?, parts.next()?);
                Some(Remote {
                    id: id.to_owned(),
                    user: (!user.is_empty()).then(|| user.to_owned()),
                    until: until as u64,
                })
            })
            .collect())
    }

    fn member(&self, id: &str, user: Option<&str>) -> String {
        format!("{} {id} {}", self.node, user.unwrap_or(""))
    }
}
