//! Where a stream starts, decided under the hub's lock: exactly the events a client missed
//! (if the replay window still holds them), or a snapshot of what it asked for.

use super::{Begin, Current, Filter, Hub, Pending, Published};
use crate::{
    protocol::{Event, EventId},
    state,
};
use std::sync::Arc;

impl Hub {
    pub(super) fn catch_up_locked(
        &self,
        current: &mut Current,
        last: Option<EventId>,
        filter: Filter,
    ) -> (Begin, EventId) {
        self.prune(current);
        let head = self.head(current);
        let exact = last
            .filter(|l| l.epoch == head.epoch && l.seq <= head.seq && l.seq >= current.forgotten);
        let start = match exact {
            Some(last) => {
                let wanted = |p: &&Arc<Published>| p.id > last && filter.wants(p);
                let mut missed: Vec<_> = current
                    .history
                    .iter()
                    .map(|(_, p)| p)
                    .filter(wanted)
                    .cloned()
                    .collect();
                missed.extend(current.latest_quotes.values().filter(wanted).cloned());
                missed.sort_by_key(|p| p.id);
                Begin::Replay(missed)
            }
            // One job's snapshot is its own (a job page's), made for this stream alone.
            None if filter.job.is_some() => Begin::Snapshot(Arc::new(Pending::new(
                Event::Snapshot(filter.restrict(&current.snapshot)),
                head,
            ))),
            None => {
                let Current {
                    snapshots,
                    snapshot,
                    ..
                } = current;
                Begin::Snapshot(snapshots.get(filter.topics, head, || {
                    Event::Snapshot(state::restrict(snapshot, filter.topics))
                }))
            }
        };
        (start, head)
    }
}
