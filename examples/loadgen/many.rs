//! The most streams one node holds: 100,000 by default, over HTTP/2.
//!
//! Over HTTP/1.1 each stream is a connection, and a connection is a file descriptor on
//! both ends; this machine caps a process at 20,000 (a hard limit that only
//! `CAP_SYS_RESOURCE` could raise, which its containers lack). HTTP/2 carries many streams
//! on one connection, as browsers do for every tab of a site, so here 100,000 streams
//! share 500 connections (the server allows 200 streams on each). The figures: connect
//! time, memory per stream, a toast reaching every stream, and a graceful shutdown
//! ending them all.

use crate::{
    idle::{Ending, all_have, toast_then_stop},
    processes,
    stream::Received,
};
use std::{
    net::SocketAddr,
    path::Path,
    time::{Duration, Instant},
};
use tokio::sync::watch;

/// Streams per HTTP/2 connection (the server's default limit of concurrent streams).
const PER_CONNECTION: usize = 200;

pub async fn measure(bin: &Path, streams: usize) -> String {
    let mut node = tokio::task::block_in_place(|| {
        processes::node(bin, processes::Store::Memory, streams, None)
    });
    let before = node.rss();
    let connecting = Instant::now();
    let clients: Vec<_> = (0..streams.div_ceil(PER_CONNECTION))
        .map(|_| {
            reqwest::Client::builder()
                .http2_prior_knowledge()
                .build()
                .expect("an HTTP client")
        })
        .collect();
    let mut open: Vec<_> = (0..streams)
        .map(|i| spawn(clients[i / PER_CONNECTION].clone(), node.addr))
        .collect();
    all_have(&mut open, |r| r.snapshots > 0, "its snapshot").await;
    let connected = connecting.elapsed();
    let after = node.rss();
    let per_stream = after.saturating_sub(before) as f64 / streams as f64;

    let Ending {
        delivered,
        exited,
        status,
    } = toast_then_stop(&mut node, &mut open, connecting).await;
    format!(
        "| {streams} over {} HTTP/2 connections | {:.1} s | {:.1} KiB | {:.0} MiB | {:.0} ms | {:.2} s, {status} |",
        clients.len(),
        connected.as_secs_f64(),
        per_stream / 1024.0,
        after as f64 / (1024.0 * 1024.0),
        delivered.as_secs_f64() * 1000.0,
        exited.as_secs_f64(),
    )
}

/// One stream of toasts over `client`'s HTTP/2 connection, counted as in `stream.rs` (a
/// frame is recognised by its `event:` line; nothing else is parsed).
fn spawn(client: reqwest::Client, addr: SocketAddr) -> watch::Receiver<Received> {
    let (report, received) = watch::channel(Received::default());
    tokio::spawn(async move {
        let url = format!("http://{addr}/api/events?topics=toasts");
        let mut response = match client.get(url).send().await {
            Ok(r) if r.status().is_success() => r,
            Ok(r) => return eprintln!("a stream was refused: {}", r.status()),
            Err(e) => return eprintln!("a stream failed: {e:?}"),
        };
        let mut tail = Vec::new();
        // Until the stream ends (or, failing that, two quiet minutes).
        while let Ok(Ok(Some(chunk))) =
            tokio::time::timeout(Duration::from_secs(120), response.chunk()).await
        {
            tail.extend_from_slice(&chunk);
            // Complete lines are counted; an incomplete last one waits for the next chunk.
            let complete = tail.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let text = String::from_utf8_lossy(&tail[..complete]);
            let snapshots = text.matches("event: snapshot").count() as u32;
            let toasts = text.matches("event: toast").count() as u64;
            report.send_modify(|r| {
                r.snapshots += snapshots;
                r.toasts += toasts;
            });
            tail.drain(..complete);
        }
        report.send_modify(|r| r.ended = true);
    });
    received
}
