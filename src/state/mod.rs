//! Pure reducers: how each live event changes the dashboard's state.
//!
//! The server folds events into a [`Snapshot`] so it can hand any new client the current
//! state; the browser applies the very same functions to its reactive rows. No I/O here,
//! so every rule is unit-tested directly.

pub mod job_log;
pub mod jobs;
pub mod quotes;
pub mod toasts;

use crate::protocol::{Event, Snapshot, Topic, TopicSet};

/// Folds one event into a snapshot. A snapshot event replaces everything.
pub fn apply(state: &mut Snapshot, event: &Event) {
    match event {
        Event::Snapshot(s) => *state = s.clone(),
        Event::Quote(q) => quotes::apply(&mut state.quotes, q),
        Event::Job(j) => jobs::apply(&mut state.jobs, j),
        Event::Toast(t) => toasts::apply(&mut state.toasts, t),
    }
}

/// The part of `state` a subscriber of `topics` is entitled to.
pub fn restrict(state: &Snapshot, topics: TopicSet) -> Snapshot {
    Snapshot {
        quotes: if topics.contains(Topic::Quotes) {
            state.quotes.clone()
        } else {
            Vec::new()
        },
        jobs: if topics.contains(Topic::Jobs) {
            state.jobs.clone()
        } else {
            Vec::new()
        },
        toasts: if topics.contains(Topic::Toasts) {
            state.toasts.clone()
        } else {
            Vec::new()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Level, Quote, QuoteSeries, Toast};

    #[test]
    fn applies_each_kind_and_restricts_by_topic() {
        let quote = Quote {
            symbol: "A".into(),
            name: "A Inc".into(),
            price: 2.0,
            open: 1.0,
            ts_ms: 0,
        };
        let mut state = Snapshot {
            quotes: vec![QuoteSeries {
                quote: quote.clone(),
                history: vec![1.0],
                ticks: 1,
            }],
            ..Snapshot::default()
        };
        apply(&mut state, &Event::Quote(quote));
        apply(
            &mut state,
            &Event::Toast(Toast {
                id: 1,
                level: Level::Info,
                title: "t".into(),
                body: String::new(),
                ts_ms: 0,
                link: None,
            }),
        );
        assert_eq!(state.quotes[0].history, vec![1.0, 2.0]);
        assert_eq!(state.toasts.len(), 1);

        let only_toasts = restrict(&state, TopicSet::parse_list("toasts").unwrap());
        assert!(only_toasts.quotes.is_empty() && only_toasts.toasts.len() == 1);

        apply(&mut state, &Event::Snapshot(Snapshot::default()));
        assert_eq!(state, Snapshot::default());
    }
}
