//! The delivery policy on hand-made batches.

use super::*;
use crate::protocol::{EventId, EventKind};
use bytes::Bytes;

fn published(seq: u64, key: Key) -> Arc<Published> {
    let kind = match key {
        Key::Quote(_) => EventKind::Quote,
        Key::Toast => EventKind::Toast,
        Key::Snapshot => EventKind::Snapshot,
        _ => EventKind::Job,
    };
    Arc::new(Published {
        id: EventId { epoch: 1, seq },
        kind,
        key,
        frame: Bytes::new(),
    })
}

fn seqs(batch: &[Arc<Published>]) -> Vec<u64> {
    batch.iter().map(|p| p.id.seq).collect()
}

fn quote(seq: u64, symbol: &str) -> Arc<Published> {
    published(seq, Key::Quote(symbol.into()))
}

#[test]
fn quotes_keep_only_the_newest_per_symbol() {
    let mut batch = vec![
        quote(1, "A"),
        quote(2, "B"),
        quote(3, "A"),
        published(4, Key::Toast),
        quote(5, "A"),
    ];
    assert_eq!(conflate(&mut batch), 2);
    assert_eq!(seqs(&batch), vec![2, 4, 5]);
}

#[test]
fn job_progress_coalesces_but_milestones_and_ends_stay() {
    let mut batch = vec![
        published(1, Key::JobMilestone(7)), // queued → running
        published(2, Key::JobProgress(7)),
        published(3, Key::JobProgress(8)),
        published(4, Key::JobProgress(7)),
        published(5, Key::JobEnd(7)),
        published(6, Key::Toast),
    ];
    conflate(&mut batch);
    assert_eq!(seqs(&batch), vec![1, 3, 5, 6]);
}

#[test]
fn the_last_progress_of_a_job_is_kept() {
    let mut batch = vec![
        published(1, Key::JobProgress(7)),
        published(2, Key::JobProgress(7)),
    ];
    conflate(&mut batch);
    assert_eq!(seqs(&batch), vec![2]);
}

#[test]
fn throttle_holds_quotes_until_due_and_releases_them_before_other_events() {
    let mut throttle = Throttle::per_second(2.0).unwrap();
    let start = Instant::now();
    assert_eq!(
        seqs(&throttle.pass(vec![quote(1, "A")], start)),
        vec![1],
        "the first batch is due at once"
    );
    assert!(
        throttle
            .pass(vec![quote(2, "A"), quote(3, "B")], start)
            .is_empty(),
        "held until due"
    );
    assert_eq!(throttle.due_at(), Some(start + Duration::from_millis(500)));
    let forced = throttle.pass(vec![quote(4, "A"), published(5, Key::Toast)], start);
    assert_eq!(
        seqs(&forced),
        vec![3, 4, 5],
        "held quotes go first, so ids stay in order"
    );
    assert_eq!(throttle.due_at(), None);
    throttle.pass(vec![quote(6, "B")], start);
    let due = throttle.pass(Vec::new(), start + Duration::from_millis(500));
    assert_eq!(seqs(&due), vec![6]);
}

proptest::proptest! {
    /// Any rate a client can write in `?max_quote_rate=` is refused or yields a throttle
    /// whose clock arithmetic holds (1e-300 and 1e-19 used to panic: the interval did not
    /// fit a `Duration`, or overflowed the `Instant` it was added to).
    #[test]
    fn any_rate_is_refused_or_throttles_without_overflow(
        rate in proptest::prop_oneof![
            proptest::num::f64::ANY,
            0.0..2_000.0f64,
            proptest::sample::select(vec![1e-300, 1e-19, 0.009_999, 0.01, 1_000.0, 1_000.000_1]),
        ]
    ) {
        match Throttle::per_second(rate) {
            Ok(mut throttle) => {
                proptest::prop_assert!((Throttle::MIN_RATE..=Throttle::MAX_RATE).contains(&rate));
                let now = Instant::now();
                throttle.pass(vec![quote(1, "A")], now);
                throttle.pass(vec![quote(2, "A")], now);
                proptest::prop_assert!(throttle.due_at().is_some_and(|due| due > now));
            }
            Err(message) => {
                proptest::prop_assert!(!(Throttle::MIN_RATE..=Throttle::MAX_RATE).contains(&rate));
                proptest::prop_assert!(message.contains("`max_quote_rate`"));
            }
        }
    }
}
