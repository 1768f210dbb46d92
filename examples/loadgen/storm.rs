//! A reconnect storm: every stream drops at the same moment and comes straight back
//! without a `Last-Event-ID` (as after a deploy), so each needs a snapshot, while toasts
//! are published at a steady rate. What matters is that publishing does not notice:
//! acknowledgement latency during the storm against before it.
//!
//! The streams ask for jobs and quotes: the quotes' histories are most of a snapshot's
//! bytes (13 KB here). The market runs, but slowly (`QUOTES`), so the snapshot keeps
//! changing while the fan-out of quotes to every stream stays a small load: at the
//! default 12 quotes/s, 10,000 streams take 120,000 deliveries a second, and a publish
//! then waits behind that fan-out (every stream's task wakes per quote), not the storm.
//! The toasts are not delivered to these streams, so their own fan-out costs nothing.
//! The generator's stream readers run at a lower priority meanwhile (`priority.rs`).

use crate::{
    idle::all_have,
    priority, processes, publish, stats,
    stream::{self, Received, Target},
};
use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::sync::watch;

const RATE: f64 = 100.0;
/// Quotes a second from the market.
const QUOTES: f64 = 2.0;
const SECONDS: f64 = 8.0;
/// How long after publishing starts the storm begins.
const CALM: Duration = Duration::from_secs(2);
/// How long a refused stream waits before trying again (plus as much again, at random).
const RETRY: Duration = Duration::from_millis(250);

pub async fn measure(bin: &Path, streams: usize) -> String {
    let node = tokio::task::block_in_place(|| {
        processes::node(bin, processes::Store::Memory, streams, Some(QUOTES))
    });
    let epoch = Instant::now();
    priority::others(priority::READERS);
    let (storm, close) = watch::channel(false);
    let retries = Arc::new(AtomicU64::new(0));
    let mut open: Vec<_> = (0..streams)
        .map(|i| {
            let target = Target {
                addr: node.addr,
                source: stream::source(i),
                topics: "jobs,quotes",
            };
            reconnecting(target, epoch, close.clone(), retries.clone())
        })
        .collect();
    all_have(&mut open, |r| r.snapshots > 0, "its snapshot").await;

    let addrs = [node.addr];
    let publishing =
        tokio::spawn(async move { publish::toasts(&addrs, true, RATE, SECONDS, epoch).await });
    tokio::time::sleep(CALM).await;
    let storm_start = epoch.elapsed();
    storm.send_replace(true);
    all_have(&mut open, |r| r.snapshots > 1, "its second snapshot").await;
    let storm_end = epoch.elapsed();
    let acks = publishing.await.expect("the publisher");
    priority::others(0);
    if let Some(failed) = acks.iter().find_map(|a| a.failure.as_ref()) {
        let count = acks.iter().filter(|a| !a.ok).count();
        panic!("{count} of {} publishes failed, e.g. {failed}", acks.len());
    }

    let micros = |during: bool| {
        let mut m: Vec<u32> = acks
            .iter()
            .filter(|a| (a.sent >= storm_start && a.sent <= storm_end) == during)
            .filter(|a| during || a.sent < storm_start)
            .map(|a| a.micros)
            .collect();
        (m.len(), stats::percentiles_ms(&mut m))
    };
    let (_, (b50, b99, bmax)) = micros(false);
    let (n, (d50, d99, dmax)) = micros(true);
    // When the slowest publish was sent: at the drop (teardowns) or during the reconnects.
    let slowest = acks.iter().max_by_key(|a| a.micros).map_or(0.0, |a| {
        (a.sent.as_secs_f64() - storm_start.as_secs_f64()) * 1000.0
    });
    let took = (storm_end - storm_start).as_secs_f64();
    format!(
        "| {streams} | {:.0} ms ({:.0} streams/s, {} retries) | {b50:.2} / {b99:.2} / {bmax:.2} | {d50:.2} / {d99:.2} / {dmax:.2} ({n} publishes; the slowest sent at {slowest:+.0} ms) |",
        took * 1000.0,
        streams as f64 / took,
        retries.load(Ordering::Relaxed),
    )
}

/// A stream that, when `close` fires, drops its connection and opens a new one; like an
/// EventSource, it tries again after a moment when the server refuses or resets it
/// (counted in `retries`).
fn reconnecting(
    target: Target,
    epoch: Instant,
    close: watch::Receiver<bool>,
    retries: Arc<AtomicU64>,
) -> watch::Receiver<Received> {
    let (report, received) = watch::channel(Received::default());
    tokio::spawn(async move {
        let mut close = Some(close);
        loop {
            match stream::open(target, epoch, &report, close.take()).await {
                // Dropped on purpose: straight back.
                Ok(false) => {}
                // Refused, reset, or closed by the server (nothing here shuts it down).
                Ok(true) | Err(_) => {
                    retries.fetch_add(1, Ordering::Relaxed);
                    let jitter = rand::random_range(0..RETRY.as_millis() as u64);
                    tokio::time::sleep(RETRY + Duration::from_millis(jitter)).await;
                }
            }
        }
    });
    received
}
