//! Idle streams: how much memory each costs the server, how fast they connect, whether a
//! toast still reaches every one of them, and how long a graceful shutdown takes.
//!
//! Memory is the server's resident set (`VmRSS` in `/proc/PID/status`) before and after
//! the streams opened, divided by their number: what the kernel charges the process, so
//! the allocator's overhead and fragmentation count too. A few hundred streams are opened
//! (and left open) first, so one-time costs (thread stacks, the first buffers of each
//! pool) do not count as per-stream.

use crate::{
    processes,
    stream::{self, Target},
};
use std::{
    path::Path,
    time::{Duration, Instant},
};

const WARM_UP: usize = 500;

/// One row: livedash's, or with `baseline` the raw-tokio baseline's (`baseline.rs`).
pub async fn measure(bin: &Path, baseline: bool, streams: usize) -> String {
    let mut node = tokio::task::block_in_place(|| match baseline {
        true => processes::baseline(),
        false => processes::node(bin, processes::Store::Memory, streams + WARM_UP, None),
    });
    let epoch = Instant::now();
    let target = |i: usize| Target {
        addr: node.addr,
        source: stream::source(i),
        topics: "toasts",
    };
    let mut open = Vec::with_capacity(streams + WARM_UP);
    for i in 0..WARM_UP {
        open.push(stream::spawn(target(i), epoch, None));
    }
    all_have(&mut open, |r| r.snapshots > 0, "its snapshot").await;
    let before = node.rss();

    let connecting = Instant::now();
    for i in WARM_UP..WARM_UP + streams {
        open.push(stream::spawn(target(i), epoch, None));
    }
    all_have(&mut open, |r| r.snapshots > 0, "its snapshot").await;
    let connect_rate = streams as f64 / connecting.elapsed().as_secs_f64();
    let after = node.rss();
    let per_stream = after.saturating_sub(before) as f64 / streams as f64;

    let Ending {
        delivered,
        exited,
        status,
    } = toast_then_stop(&mut node, &mut open, epoch).await;
    let server = if baseline {
        "raw-tokio baseline"
    } else {
        "livedash"
    };
    format!(
        "| {server} | {streams} | {:.1} KiB | {:.0} MiB | {connect_rate:.0} | {:.0} ms | {:.2} s, {status} |",
        per_stream / 1024.0,
        after as f64 / (1024.0 * 1024.0),
        delivered.as_secs_f64() * 1000.0,
        exited.as_secs_f64(),
    )
}

/// How the end of a run went: a toast's way to every stream, then a graceful shutdown.
pub struct Ending {
    pub delivered: Duration,
    pub exited: Duration,
    pub status: std::process::ExitStatus,
}

/// Publishes one toast and waits until every stream has it, then stops `node` with
/// SIGTERM and waits until every stream has ended.
pub async fn toast_then_stop(
    node: &mut processes::Process,
    open: &mut [tokio::sync::watch::Receiver<stream::Received>],
    epoch: Instant,
) -> Ending {
    let acks = crate::publish::toasts(&[node.addr], node.http2, 1.0, 1.0, epoch).await;
    assert!(acks.iter().all(|a| a.ok), "the toast was acknowledged");
    let delivering = Instant::now();
    all_have(open, |r| r.toasts >= 1, "the toast").await;
    let delivered = delivering.elapsed();
    let stopping = Instant::now();
    let status = tokio::task::block_in_place(|| node.terminate());
    let exited = stopping.elapsed();
    all_have(open, |r| r.ended, "the end of its stream").await;
    Ending {
        delivered,
        exited,
        status,
    }
}

/// Waits until every stream's report satisfies `done` (at most a minute).
pub async fn all_have(
    streams: &mut [tokio::sync::watch::Receiver<stream::Received>],
    done: impl Fn(&stream::Received) -> bool,
    what: &str,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    for received in streams {
        tokio::time::timeout_at(deadline, received.wait_for(&done))
            .await
            .unwrap_or_else(|_| panic!("every stream gets {what} within 60 s"))
            .unwrap_or_else(|_| panic!("a stream failed before {what}"));
    }
}
