//! The hub's starting points: exact replay within the window, a snapshot beyond it.

use super::*;
use crate::protocol::{EventKind, Level, Quote, Toast, Topic, TopicSet};

fn toast(id: u64) -> Event {
    Event::Toast(Toast {
        id,
        level: Level::Info,
        title: format!("t{id}"),
        body: String::new(),
        ts_ms: 0,
        link: None,
    })
}

fn quote(symbol: &str, price: f64) -> Event {
    Event::Quote(Quote {
        symbol: symbol.into(),
        name: String::new(),
        price,
        open: 1.0,
        ts_ms: 0,
    })
}

fn hub(max_events: usize) -> Hub {
    Hub::new(
        Snapshot::default(),
        16,
        ReplayWindow {
            max_events,
            max_age: Duration::from_secs(60),
        },
    )
}

fn replayed(start: Start) -> Vec<u64> {
    match start {
        Start::Replay(missed) => missed.iter().map(|p| p.id.seq).collect(),
        Start::Snapshot(_) => panic!("expected a replay, got a snapshot"),
    }
}

#[tokio::test]
async fn subscribers_continue_exactly_after_their_start() {
    let hub = hub(8);
    hub.publish(toast(1));
    let mut sub = hub.subscribe(None, TopicSet::all());
    assert!(matches!(sub.start, Start::Snapshot(_)));
    let second = hub.publish(toast(2));
    assert_eq!(second.seq, sub.head.seq + 1);
    let got = sub.receiver.recv().await.unwrap();
    assert_eq!(got.id, second);
    assert!(
        std::str::from_utf8(&got.frame)
            .unwrap()
            .starts_with("event: toast\nid: ")
    );
}

#[test]
fn resumes_with_missed_reliable_events_and_the_latest_quote_per_symbol() {
    let hub = hub(8);
    let seen = hub.publish(toast(1));
    hub.publish(quote("A", 1.0)); // 2: superseded by 4
    hub.publish(toast(2)); // 3
    hub.publish(quote("A", 2.0)); // 4
    hub.publish(quote("B", 3.0)); // 5
    assert_eq!(
        replayed(hub.subscribe(Some(seen), TopicSet::all()).start),
        vec![3, 4, 5]
    );
    let toasts = TopicSet::from_iter([Topic::Toasts]);
    assert_eq!(replayed(hub.subscribe(Some(seen), toasts).start), vec![3]);
    let head = hub.snapshot().1;
    assert_eq!(
        replayed(hub.subscribe(Some(head), TopicSet::all()).start),
        Vec::<u64>::new()
    );
}

#[test]
fn beyond_the_window_another_epoch_or_the_future_means_a_snapshot() {
    let hub = hub(2);
    let first = hub.publish(toast(1));
    for id in 2..=4 {
        hub.publish(toast(id));
    }
    let is_snapshot = |last| {
        matches!(
            hub.subscribe(Some(last), TopicSet::all()).start,
            Start::Snapshot(_)
        )
    };
    assert!(
        is_snapshot(first),
        "toast 2 left the window, so resuming after 1 cannot be exact"
    );
    assert!(
        !is_snapshot(EventId { seq: 2, ..first }),
        "3 and 4 are still in the window"
    );
    assert!(is_snapshot(EventId {
        epoch: first.epoch + 1,
        ..first
    }));
    assert!(is_snapshot(EventId { seq: 99, ..first }));
}

#[test]
fn events_also_age_out_of_the_window() {
    let hub = Hub::new(
        Snapshot::default(),
        16,
        ReplayWindow {
            max_events: 100,
            max_age: Duration::ZERO,
        },
    );
    let first = hub.publish(toast(1));
    hub.publish(toast(2));
    std::thread::sleep(Duration::from_millis(2));
    assert!(matches!(
        hub.subscribe(Some(first), TopicSet::all()).start,
        Start::Snapshot(_)
    ));
}

#[test]
fn catching_up_counts_replays_and_resyncs() {
    let hub = hub(1);
    let first = hub.publish(toast(1));
    hub.publish(toast(2));
    let second = hub.snapshot().1;
    hub.publish(toast(3));
    hub.catch_up(second, TopicSet::all());
    hub.catch_up(first, TopicSet::all());
    assert_eq!(hub.stats().replays.load(Ordering::Relaxed), 1);
    assert_eq!(hub.stats().resyncs.load(Ordering::Relaxed), 1);
}

const ENGINE: u64 = 77;

fn at(seq: u64) -> EventId {
    EventId { epoch: ENGINE, seq }
}

#[test]
fn events_numbered_elsewhere_apply_in_order_and_once() {
    let hub = hub(8);
    assert!(
        !hub.apply_numbered(toast(1), at(1)),
        "another epoch than the hub's"
    );
    hub.reset(at(10), Snapshot::default(), Vec::new());
    assert!(hub.apply_numbered(toast(1), at(11)));
    assert!(
        !hub.apply_numbered(toast(1), at(11)),
        "a re-read changes nothing"
    );
    assert!(hub.apply_numbered(toast(2), at(13)));
    assert_eq!(hub.head_id(), at(13));
    assert_eq!(hub.read(|s| s.toasts.len()), 2);
    let all = TopicSet::all();
    assert_eq!(replayed(hub.subscribe(Some(at(11)), all).start), [13]);
    assert_eq!(replayed(hub.subscribe(Some(at(10)), all).start), [11, 13]);
    // Before the reset the hub knows nothing exactly.
    assert!(matches!(
        hub.subscribe(Some(at(9)), all).start,
        Start::Snapshot(_)
    ));
}

#[tokio::test]
async fn a_reset_keeps_the_window_for_exact_resumes_and_resyncs_open_streams() {
    let hub = hub(8);
    hub.publish(toast(1));
    let mut open = hub.subscribe(None, TopicSet::all());
    let mut state = Snapshot::default();
    for event in [toast(5), toast(6), quote("ACME", 3.0)] {
        crate::state::apply(&mut state, &event);
    }
    let old = Duration::from_secs(1);
    let window = vec![(toast(5), at(15), old), (toast(6), at(18), old)];
    hub.reset(at(20), state.clone(), window);

    assert_eq!(hub.snapshot(), (state, at(20)));
    let all = TopicSet::all();
    // The quote comes back latest-wins, numbered at the head.
    assert_eq!(replayed(hub.subscribe(Some(at(16)), all).start), [18, 20]);
    assert_eq!(
        replayed(hub.subscribe(Some(at(14)), all).start),
        [15, 18, 20]
    );
    assert!(matches!(
        hub.subscribe(Some(at(13)), all).start,
        Start::Snapshot(_)
    ));
    // A stream of the old epoch is told: the next thing it receives is of the new one.
    let marker = open.receiver.recv().await.unwrap();
    assert_eq!((marker.id, marker.kind), (at(20), EventKind::Snapshot));
}

fn snapshot_of(start: Start) -> Bytes {
    match start {
        Start::Snapshot(frame) => frame,
        Start::Replay(_) => panic!("expected a snapshot, got a replay"),
    }
}

#[test]
fn a_snapshot_is_encoded_once_per_state_and_topic_set() {
    let hub = hub(8);
    hub.publish(toast(1));
    let toasts: TopicSet = [Topic::Toasts].into_iter().collect();
    let first = snapshot_of(hub.subscribe(None, TopicSet::all()).start);
    let again = snapshot_of(hub.subscribe(None, TopicSet::all()).start);
    // The very same bytes, not an equal copy: encoded once, shared.
    assert_eq!(first.as_ptr(), again.as_ptr());
    let other_topics = snapshot_of(hub.subscribe(None, toasts).start);
    assert_ne!(first.as_ptr(), other_topics.as_ptr());
    // A new state is a new snapshot, and it has the new event in it.
    hub.publish(toast(2));
    let newer = snapshot_of(hub.subscribe(None, TopicSet::all()).start);
    assert_ne!(first, newer);
    assert!(std::str::from_utf8(&newer).unwrap().contains("\"t2\""));
    assert!(!std::str::from_utf8(&first).unwrap().contains("\"t2\""));
    // A quote changes nothing a toasts-only stream starts from: it keeps its bytes.
    let toasts_now = snapshot_of(hub.subscribe(None, toasts).start);
    hub.publish(quote("ACME", 10.0));
    let after_quote = snapshot_of(hub.subscribe(None, toasts).start);
    assert_eq!(toasts_now.as_ptr(), after_quote.as_ptr());
    let all_after_quote = snapshot_of(hub.subscribe(None, TopicSet::all()).start);
    assert!(
        std::str::from_utf8(&all_after_quote)
            .unwrap()
            .contains("ACME")
    );
}
