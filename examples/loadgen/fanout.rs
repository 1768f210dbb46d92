//! Fan-out: streams spread over one or more nodes, toasts published at a steady rate;
//! deliveries per second, lost deliveries, publish acknowledgement and delivery latency.

use crate::{
    Args, Setup,
    processes::{self, Store},
    publish, stats,
    stream::{self, Target},
};
use std::time::{Duration, Instant};

pub async fn measure(args: &Args, setup: Setup) -> String {
    let count = if matches!(setup, Setup::Redis3) { 3 } else { 1 };
    // Starting processes blocks (it reads their logs and polls /readyz): off the runtime.
    let (redis, nodes) = tokio::task::block_in_place(|| {
        if matches!(setup, Setup::Baseline) {
            return (None, vec![processes::baseline()]);
        }
        let redis = matches!(setup, Setup::Redis1 | Setup::Redis3).then(processes::redis);
        let store = match (&redis, setup) {
            (Some(redis), _) => Store::Redis(redis),
            (None, Setup::Disk) => Store::Disk,
            (None, _) => Store::Memory,
        };
        let nodes: Vec<_> = (0..count)
            .map(|_| processes::node(&args.bin, store, args.streams, None))
            .collect();
        (redis, nodes)
    });
    let epoch = Instant::now();

    // Connect every stream and wait for its snapshot.
    let mut streams = Vec::with_capacity(args.streams);
    for i in 0..args.streams {
        let target = Target {
            addr: nodes[i % nodes.len()].addr,
            source: stream::source(i),
            topics: "toasts",
        };
        streams.push(stream::spawn(target, epoch, None));
    }
    for stream in &mut streams {
        let snapshot = stream.wait_for(|r| r.snapshots > 0);
        tokio::time::timeout(Duration::from_secs(60), snapshot)
            .await
            .expect("every stream gets its snapshot within 60 s")
            .expect("a stream ended before its snapshot");
    }
    let connect_rate = args.streams as f64 / epoch.elapsed().as_secs_f64();

    let started = Instant::now();
    let addrs: Vec<_> = nodes.iter().map(|n| n.addr).collect();
    let acks = publish::toasts(
        &addrs,
        nodes[0].http2,
        args.rate,
        args.seconds as f64,
        epoch,
    )
    .await;
    let acked = acks.iter().filter(|a| a.ok).count() as u64;

    // Every stream should receive every acknowledged toast; wait (boundedly) for that.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    for stream in &mut streams {
        let all = stream.wait_for(|r| r.toasts >= acked);
        let _ = tokio::time::timeout_at(deadline, all).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut delivered = 0;
    let mut latencies = Vec::new();
    for stream in &streams {
        let r = stream.borrow();
        delivered += r.toasts;
        latencies.extend_from_slice(&r.latencies_us);
    }
    let lost = (acked * args.streams as u64).saturating_sub(delivered);
    let (a50, a99, _) =
        stats::percentiles_ms(&mut acks.iter().map(|a| a.micros).collect::<Vec<_>>());
    let (r50, r99, rmax) = stats::percentiles_ms(&mut latencies);
    drop(nodes);
    drop(redis);
    format!(
        "| {} | {:.0} | {lost} | {a50:.2} / {a99:.2} | {r50:.1} / {r99:.1} / {rmax:.1} | {connect_rate:.0} |",
        setup.describe(),
        delivered as f64 / elapsed,
    )
}
