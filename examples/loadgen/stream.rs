//! One event stream over a raw HTTP/1.1 connection: no HTTP client library between the
//! socket and the count, so the load generator spends as little of the machine's CPU per
//! delivery as it can (it shares the machine with the servers it measures).
//!
//! It removes the chunked framing itself, splits the body into SSE frames with the
//! project's own parser, and reads only what it needs from a toast: the sequence number
//! and send time the publisher put in its title (`lg SEQ NANOS`).

use livedash::protocol::sse::{Frame, Parser};
use std::{
    net::{IpAddr, SocketAddr},
    time::Instant,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpSocket,
    sync::watch,
};

/// What a stream has received so far.
#[derive(Clone, Default)]
pub struct Received {
    /// Snapshots received (a stream that reconnected has had two).
    pub snapshots: u32,
    pub toasts: u64,
    /// Publish-to-receive latency of each toast, in microseconds.
    pub latencies_us: Vec<u32>,
    /// The server ended the stream.
    pub ended: bool,
}

/// Where a stream connects, and from which local address: one address can hold only
/// ~28,000 connections to one port (the ephemeral port range), so big runs use several
/// (`127.0.0.2`, `127.0.0.3`, ... all reach the loopback interface).
#[derive(Clone, Copy)]
pub struct Target {
    pub addr: SocketAddr,
    pub source: IpAddr,
    /// `topics=` of the request.
    pub topics: &'static str,
}

/// Opens `/api/events` on `target` and counts what arrives until the connection ends
/// (`Ok(true)`) or `close` changes (`Ok(false)`: the stream was dropped on purpose).
pub async fn open(
    target: Target,
    epoch: Instant,
    report: &watch::Sender<Received>,
    mut close: Option<watch::Receiver<bool>>,
) -> std::io::Result<bool> {
    let socket = TcpSocket::new_v4()?;
    // Binding first makes the kernel search for a free port the slow way (it showed up as
    // the top of a `perf` profile of a storm): only where the address is not the default.
    if target.source != IpAddr::from([127, 0, 0, 1]) {
        socket.bind(SocketAddr::new(target.source, 0))?;
    }
    let mut socket = socket.connect(target.addr).await?;
    let request = format!(
        "GET /api/events?topics={} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        target.topics, target.addr
    );
    socket.write_all(request.as_bytes()).await?;
    let mut buffer = vec![0u8; 8 * 1024];
    let mut raw = Vec::new();
    let mut dechunk = Dechunk::default();
    let mut parser = Parser::default();
    let mut body = Vec::new();
    loop {
        let n = tokio::select! {
            read = socket.read(&mut buffer) => read?,
            () = closed(close.as_mut()) => return Ok(false),
        };
        if n == 0 {
            report.send_modify(|r| r.ended = true);
            return Ok(true);
        }
        raw.extend_from_slice(&buffer[..n]);
        body.clear();
        dechunk.push(&mut raw, &mut body)?;
        let frames = parser
            .push(&body)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let now = epoch.elapsed().as_nanos() as u64;
        report.send_modify(|r| {
            for frame in frames {
                let Frame::Event { event, data, .. } = frame else {
                    continue;
                };
                match event.as_str() {
                    "snapshot" => r.snapshots += 1,
                    "toast" => {
                        r.toasts += 1;
                        if let Some(sent) = sent_at(&data) {
                            let us = now.saturating_sub(sent) / 1000;
                            r.latencies_us.push(us.min(u32::MAX as u64) as u32);
                        }
                    }
                    _ => {}
                }
            }
        });
    }
}

/// The send time (nanoseconds since the load generator started) in a toast's title.
fn sent_at(data: &str) -> Option<u64> {
    let title = data.split("\"title\":\"lg ").nth(1)?;
    let mut words = title.split([' ', '"']);
    let _seq = words.next()?;
    words.next()?.parse().ok()
}

/// Strips HTTP/1.1 headers and `Transfer-Encoding: chunked` framing as bytes arrive.
#[derive(Default)]
struct Dechunk {
    headers_done: bool,
    /// Bytes left in the current chunk's data, then its CRLF (2).
    left: usize,
}

impl Dechunk {
    /// Moves what `raw` holds of the body into `out`, keeping an incomplete line in `raw`.
    fn push(&mut self, raw: &mut Vec<u8>, out: &mut Vec<u8>) -> std::io::Result<()> {
        let mut at = 0;
        if !self.headers_done {
            let Some(end) = find(raw, b"\r\n\r\n") else {
                return Ok(());
            };
            if !raw.starts_with(b"HTTP/1.1 200") {
                let line = String::from_utf8_lossy(&raw[..find(raw, b"\r\n").unwrap_or(end)]);
                return Err(std::io::Error::other(format!("the server answered {line}")));
            }
            self.headers_done = true;
            at = end + 4;
        }
        loop {
            if self.left > 0 {
                let take = self.left.min(raw.len() - at);
                // The chunk's data, without its trailing CRLF.
                let data = take.min(self.left.saturating_sub(2));
                out.extend_from_slice(&raw[at..at + data]);
                self.left -= take;
                at += take;
                if self.left > 0 {
                    break;
                }
            }
            let Some(end) = find(&raw[at..], b"\r\n") else {
                break;
            };
            let size = std::str::from_utf8(&raw[at..at + end])
                .ok()
                .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
                .ok_or_else(|| std::io::Error::other("a malformed chunk size"))?;
            at += end + 2;
            if size == 0 {
                break;
            }
            self.left = size + 2;
        }
        raw.drain(..at);
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The local address for the `i`th stream: 20,000 per address, well inside the ephemeral
/// port range.
pub fn source(i: usize) -> IpAddr {
    IpAddr::from([127, 0, 0, 1 + (i / 20_000) as u8])
}

/// Fires when `close` changes (or its sender is gone); never without one.
async fn closed(close: Option<&mut watch::Receiver<bool>>) {
    match close {
        Some(close) => {
            let _ = close.changed().await;
        }
        None => std::future::pending().await,
    }
}

/// Runs one stream in its own task; what it receives is reported on the returned receiver.
pub fn spawn(
    target: Target,
    epoch: Instant,
    close: Option<watch::Receiver<bool>>,
) -> watch::Receiver<Received> {
    let (report, received) = watch::channel(Received::default());
    tokio::spawn(async move {
        if let Err(e) = open(target, epoch, &report, close).await {
            eprintln!("a stream failed: {e}");
        }
    });
    received
}
