//! livedash's load generator: fan-out and latency of real server processes, measured
//! from outside over HTTP.
//!
//! For each setup (one node on its own, one node on Redis, three nodes on Redis) it starts
//! the servers, opens `--streams` event streams spread over the nodes, publishes toasts at
//! `--rate` for `--seconds` (spread over the nodes too), and reports: deliveries per
//! second, lost deliveries, how long a publish takes to be acknowledged (what Redis adds),
//! and publish-to-receive latency. `make bench` runs it on the release build; see the
//! README's "Scaling out" for figures and how to read them.

mod processes;
mod stats;
mod stream;

use clap::{Parser, ValueEnum};
use std::{
    path::PathBuf,
    time::{Duration, Instant},
};
use stream::Received;
use tokio::{sync::watch, task::JoinSet};

#[derive(Parser)]
struct Args {
    /// The server binary to measure (build it with `make dist` or `cargo leptos build --release`).
    #[arg(long, default_value = "target/dist/livedash")]
    bin: PathBuf,
    /// Event streams held open, in all (spread evenly over the nodes).
    #[arg(long, default_value_t = 2000)]
    streams: usize,
    /// Toasts published per second (spread evenly over the nodes).
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// Seconds of publishing.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Setups to measure, in order.
    #[arg(long, value_delimiter = ',', default_value = "single,redis-1,redis-3")]
    setups: Vec<Setup>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Setup {
    /// One process, the in-process hub (no `--redis-url`).
    Single,
    /// One node on Redis.
    #[value(name = "redis-1")]
    Redis1,
    /// Three nodes on one Redis.
    #[value(name = "redis-3")]
    Redis3,
}

impl Setup {
    fn describe(self) -> &'static str {
        match self {
            Setup::Single => "1 node, no Redis",
            Setup::Redis1 => "1 node on Redis",
            Setup::Redis3 => "3 nodes on Redis",
        }
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    rlimit::increase_nofile_limit(args.streams as u64 * 2 + 1000).unwrap();
    println!(
        "{} streams, {} toasts/s for {} s ({} deliveries/s offered), {} cores\n",
        args.streams,
        args.rate,
        args.seconds,
        args.streams as f64 * args.rate,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "| setup | deliveries/s | lost | publish ack p50 / p99 (ms) | receive p50 / p99 / max (ms) | connect (streams/s) |"
    );
    println!("| --- | ---: | ---: | --- | --- | ---: |");
    for setup in &args.setups {
        let row = measure(&args, *setup).await;
        println!("{row}");
    }
}

async fn measure(args: &Args, setup: Setup) -> String {
    let count = if matches!(setup, Setup::Redis3) { 3 } else { 1 };
    // Starting processes blocks (it reads their logs and polls /readyz): off the runtime.
    let (redis, nodes) = tokio::task::block_in_place(|| {
        let redis = matches!(setup, Setup::Redis1 | Setup::Redis3).then(processes::redis);
        let nodes: Vec<_> = (0..count)
            .map(|_| processes::node(&args.bin, redis.as_ref(), args.streams))
            .collect();
        (redis, nodes)
    });
    let epoch = Instant::now();

    // Connect every stream and wait for its snapshot.
    let mut streams = Vec::with_capacity(args.streams);
    for i in 0..args.streams {
        let (report, received) = watch::channel(Received::default());
        let addr = nodes[i % nodes.len()].addr;
        tokio::spawn(async move {
            if let Err(e) = stream::open(addr, epoch, report).await {
                eprintln!("a stream ended: {e}");
            }
        });
        streams.push(received);
    }
    for stream in &mut streams {
        let snapshot = stream.wait_for(|r| r.snapshot);
        tokio::time::timeout(Duration::from_secs(60), snapshot)
            .await
            .expect("every stream gets its snapshot within 60 s")
            .expect("a stream ended before its snapshot");
    }
    let connect_rate = args.streams as f64 / epoch.elapsed().as_secs_f64();

    // Publish on schedule; each publish is its own task, so a slow answer never delays
    // the next one.
    let http = reqwest::Client::new();
    let total = (args.rate * args.seconds as f64) as u64;
    let mut pace = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    let mut posts = JoinSet::new();
    let started = Instant::now();
    for seq in 0..total {
        pace.tick().await;
        let url = format!(
            "http://{}/api/notifications",
            nodes[seq as usize % nodes.len()].addr
        );
        let body = format!(
            r#"{{"level":"info","title":"lg {seq} {}"}}"#,
            epoch.elapsed().as_nanos()
        );
        let http = http.clone();
        posts.spawn(async move {
            let sent = Instant::now();
            let response = http.post(url).body(body).send().await;
            let acked = response.is_ok_and(|r| r.status() == 202);
            (acked, sent.elapsed().as_micros() as u32)
        });
    }
    let mut acks = Vec::new();
    let mut acked = 0u64;
    while let Some(outcome) = posts.join_next().await {
        let (ok, us) = outcome.unwrap();
        acked += u64::from(ok);
        acks.push(us);
    }

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
    let (a50, a99, _) = stats::percentiles_ms(&mut acks);
    let (r50, r99, rmax) = stats::percentiles_ms(&mut latencies);
    drop(nodes);
    drop(redis);
    format!(
        "| {} | {:.0} | {lost} | {a50:.2} / {a99:.2} | {r50:.1} / {r99:.1} / {rmax:.1} | {connect_rate:.0} |",
        setup.describe(),
        delivered as f64 / elapsed,
    )
}
