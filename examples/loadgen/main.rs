//! livedash's load generator: fan-out and latency of real server processes, measured
//! from outside over HTTP.
//!
//! For each setup (one node on its own, one node on Redis, three nodes on Redis) it starts
//! the servers, opens `--streams` event streams spread over the nodes, publishes toasts at
//! `--rate` for `--seconds` (spread over the nodes too), and reports: deliveries per
//! second, lost deliveries, how long a publish takes to be acknowledged (what Redis adds),
//! and publish-to-receive latency. `make bench` runs it on the release build; see the
//! README's "Scaling out" for figures and how to read them.

mod acks;
mod baseline;
mod fanout;
mod idle;
mod many;
mod priority;
mod processes;
mod publish;
mod stats;
mod storm;
mod stream;

use clap::{Parser, ValueEnum};
use std::path::PathBuf;

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
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "baseline,single,disk,redis-1,redis-3"
    )]
    setups: Vec<Setup>,
    /// What to measure, in order.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "fanout,acks,idle,storm,many"
    )]
    sections: Vec<Section>,
    /// Idle streams for the memory measurement.
    #[arg(long, default_value_t = 10_000)]
    idle_streams: usize,
    /// Streams in the reconnect storm.
    #[arg(long, default_value_t = 10_000)]
    storm_streams: usize,
    /// Streams for the most-streams run (over HTTP/2).
    #[arg(long, default_value_t = 100_000)]
    many_streams: usize,
    /// Be the raw-tokio baseline server on this address instead (the generator starts
    /// itself with it; see `baseline.rs`).
    #[arg(long)]
    serve_baseline: Option<std::net::SocketAddr>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Section {
    /// Fan-out and latency, per setup (`--streams`, `--rate`, `--seconds`, `--setups`).
    Fanout,
    /// Acknowledged publishes per second, in memory and on disk (`--seconds`).
    Acks,
    /// Memory per idle stream, connect rate, delivery to all, graceful shutdown.
    Idle,
    /// Publish latency while every stream reconnects at once.
    Storm,
    /// The most streams one node holds (over HTTP/2).
    Many,
}

#[derive(Clone, Copy, ValueEnum)]
enum Setup {
    /// The raw-tokio baseline (`baseline.rs`): the floor to read the others against.
    Baseline,
    /// One process, in memory (`--ephemeral`).
    Single,
    /// One process keeping its state in a data dir (the default deployment).
    Disk,
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
            Setup::Baseline => "raw-tokio baseline",
            Setup::Single => "1 node, in memory",
            Setup::Disk => "1 node, on disk",
            Setup::Redis1 => "1 node on Redis",
            Setup::Redis3 => "3 nodes on Redis",
        }
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Some(addr) = args.serve_baseline {
        return baseline::serve(addr).await;
    }
    let most = args
        .streams
        .max(args.idle_streams + 500)
        .max(args.storm_streams);
    rlimit::increase_nofile_limit(most as u64 + 1000).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{cores} cores\n");
    for section in &args.sections {
        match section {
            Section::Fanout => fanout(&args).await,
            Section::Acks => {
                println!("Acknowledged publishes (1 node; a 202 on disk means committed):\n");
                println!(
                    "| store | acknowledged toasts/s | publish ack p50 / p99 (ms) | refused |"
                );
                println!("| --- | ---: | --- | ---: |");
                for store in [processes::Store::Memory, processes::Store::Disk] {
                    println!("{}", acks::measure(&args.bin, store, args.seconds).await);
                }
                println!();
            }
            Section::Idle => {
                println!("Idle streams (1 node in memory; the raw-tokio baseline first):\n");
                println!(
                    "| server | streams | memory per stream | server RSS | connect (streams/s) | a toast reaches all in | graceful shutdown |"
                );
                println!("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
                for baseline in [true, false] {
                    println!(
                        "{}",
                        idle::measure(&args.bin, baseline, args.idle_streams).await
                    );
                }
                println!();
            }
            Section::Many => {
                println!("Most streams (1 node in memory):\n");
                println!(
                    "| streams | all connected in | memory per stream | server RSS | a toast reaches all in | graceful shutdown |"
                );
                println!("| --- | ---: | ---: | ---: | ---: | --- |");
                println!("{}\n", many::measure(&args.bin, args.many_streams).await);
            }
            Section::Storm => {
                println!("Reconnect storm (1 node in memory, market on):\n");
                println!(
                    "| streams | all back in | publish ack p50 / p99 / max before (ms) | during the storm (ms) |"
                );
                println!("| ---: | --- | --- | --- |");
                println!("{}\n", storm::measure(&args.bin, args.storm_streams).await);
            }
        }
    }
}

async fn fanout(args: &Args) {
    println!(
        "Fan-out: {} streams, {} toasts/s for {} s ({} deliveries/s offered):\n",
        args.streams,
        args.rate,
        args.seconds,
        args.streams as f64 * args.rate,
    );
    println!(
        "| setup | deliveries/s | lost | publish ack p50 / p99 (ms) | receive p50 / p99 / max (ms) | connect (streams/s) |"
    );
    println!("| --- | ---: | ---: | --- | --- | ---: |");
    for setup in &args.setups {
        println!("{}", fanout::measure(args, *setup).await);
    }
    println!();
}
