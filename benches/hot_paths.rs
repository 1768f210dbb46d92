//! Criterion benchmarks of the server's hot paths (`make bench`, never `make test`):
//! encoding an event to its SSE frame, conflating a connection's queued batch, catching a
//! resuming client up from the replay window, and a new stream's snapshot (shared, or
//! encoded afresh after the state changed).

use criterion::{Criterion, criterion_group, criterion_main};
use livedash::{
    protocol::{Event, EventId, Level, Quote, Snapshot, Toast, TopicSet, sse},
    server::hub::{Hub, Published, ReplayWindow, Start, delivery::conflate},
};
use std::{hint::black_box, sync::Arc, time::Duration};

const SYMBOLS: usize = 50;

fn quote(i: usize, price: f64) -> Event {
    Event::Quote(Quote {
        symbol: format!("S{i:02}"),
        name: format!("Symbol {i}"),
        price,
        open: 100.0,
        ts_ms: 1_700_000_000_000,
    })
}

fn toast(id: u64) -> Event {
    Event::Toast(Toast {
        id,
        level: Level::Info,
        title: format!("Deploy {id} finished"),
        body: "All checks passed on the canary.".into(),
        ts_ms: 1_700_000_000_000,
        link: None,
    })
}

/// A hub with a full market (50 symbols, each with a history), 1,000 toasts in its window.
fn busy_hub() -> Hub {
    let hub = Hub::new(
        Snapshot::default(),
        1024,
        ReplayWindow {
            max_events: 1000,
            max_age: Duration::from_secs(3600),
        },
    );
    for tick in 0..60 {
        for i in 0..SYMBOLS {
            hub.publish(quote(i, 100.0 + (tick * 7 + i) as f64 % 13.0));
        }
    }
    for id in 0..1000 {
        hub.publish(toast(id));
    }
    hub
}

fn encode(c: &mut Criterion) {
    let q = quote(1, 101.25);
    let id = EventId { epoch: 1, seq: 42 };
    c.bench_function("encode/quote", |b| {
        b.iter(|| sse::encode_event(black_box(&q), id))
    });
    let (state, head) = busy_hub().snapshot();
    let snapshot = Event::Snapshot(state);
    c.bench_function("encode/snapshot (50 symbols, feed)", |b| {
        b.iter(|| sse::encode_event(black_box(&snapshot), head))
    });
}

fn conflating(c: &mut Criterion) {
    // A slow connection's queue: 256 events, quotes of 50 symbols and a few toasts.
    let hub = busy_hub();
    let mut receiver = hub.receiver();
    for n in 0..256 {
        if n % 16 == 0 {
            hub.publish(toast(10_000 + n as u64));
        } else {
            hub.publish(quote(n % SYMBOLS, 100.0 + n as f64));
        }
    }
    let batch: Vec<Arc<Published>> = std::iter::from_fn(|| receiver.try_recv().ok()).collect();
    c.bench_function("conflate/256 queued", |b| {
        b.iter(|| {
            let mut batch = batch.clone();
            conflate(&mut batch)
        })
    });
}

fn catch_up(c: &mut Criterion) {
    let hub = busy_hub();
    let head = hub.head_id();
    let last = EventId {
        seq: head.seq - 100,
        ..head
    };
    c.bench_function("catch-up/100 missed of 1,000", |b| {
        b.iter(|| match hub.catch_up(black_box(last), TopicSet::all()).0 {
            Start::Replay(missed) => missed.len(),
            Start::Snapshot(_) => unreachable!("the window covers it"),
        })
    });
}

fn snapshot(c: &mut Criterion) {
    let hub = busy_hub();
    c.bench_function("snapshot/new stream, state unchanged (shared)", |b| {
        b.iter(|| hub.subscribe(None, TopicSet::all()).head)
    });
    let mut price = 100.0;
    c.bench_function("snapshot/new stream after a quote (encoded afresh)", |b| {
        b.iter(|| {
            price += 0.01;
            hub.publish(quote(0, price));
            hub.subscribe(None, TopicSet::all()).head
        })
    });
}

criterion_group!(benches, encode, conflating, catch_up, snapshot);
criterion_main!(benches);
