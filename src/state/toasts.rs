//! The notification feed: newest first, bounded.

use crate::protocol::Toast;

/// Recent notifications kept for snapshots and the page's feed.
pub const FEED_LEN: usize = 20;

pub fn apply(feed: &mut Vec<Toast>, toast: &Toast) {
    if feed.iter().any(|t| t.id == toast.id) {
        return;
    }
    feed.insert(0, toast.clone());
    feed.truncate(FEED_LEN);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Level;

    #[test]
    fn newest_first_bounded_and_idempotent() {
        let mut feed = Vec::new();
        for id in 0..FEED_LEN as u64 + 5 {
            let toast = Toast {
                id,
                level: Level::Info,
                title: "t".into(),
                body: String::new(),
                ts_ms: 0,
                link: None,
            };
            apply(&mut feed, &toast);
            apply(&mut feed, &toast);
        }
        assert_eq!(feed.len(), FEED_LEN);
        assert_eq!(feed[0].id, FEED_LEN as u64 + 4);
    }
}
