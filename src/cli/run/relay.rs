//! The command's output, line by line: passed through to our own stdout or stderr at once
//! (a slow or absent server never holds the command up), and gathered for the next report.

use super::{directive, pending::Pending};
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU32, Ordering},
};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

/// A line longer than this is cut into pieces (nothing is buffered without bound).
const MAX_LINE: usize = 64 * 1024;
/// Warnings about refused directives printed before the rest are suppressed.
const MAX_WARNINGS: u32 = 5;

#[derive(Clone, Copy)]
pub enum Sink {
    Stdout,
    Stderr,
}

/// Relays `pipe` until the command closes it. Our own output is written through tokio, so
/// a terminal or pipe that is slow to take it never blocks a runtime thread.
pub async fn relay(pipe: impl AsyncRead + Unpin, sink: Sink, pending: Arc<Mutex<Pending>>) {
    let mut out: Box<dyn AsyncWrite + Send + Unpin> = match sink {
        Sink::Stdout => Box::new(tokio::io::stdout()),
        Sink::Stderr => Box::new(tokio::io::stderr()),
    };
    let mut reader = BufReader::with_capacity(MAX_LINE, pipe);
    let mut line = Vec::new();
    loop {
        let chunk = match reader.fill_buf().await {
            Ok([]) | Err(_) => break,
            Ok(chunk) => chunk,
        };
        let (taken, complete) = match chunk.iter().position(|b| *b == b'\n') {
            Some(end) => (end + 1, true),
            None => (chunk.len(), false),
        };
        line.extend_from_slice(&chunk[..taken]);
        reader.consume(taken);
        if complete || line.len() >= MAX_LINE {
            pass_on(&line, &pending, &mut out).await;
            line.clear();
        }
    }
    if !line.is_empty() {
        pass_on(&line, &pending, &mut out).await;
    }
}

/// Our own terminal gets the command's bytes as they were, directives aside.
async fn pass_on(raw: &[u8], pending: &Mutex<Pending>, out: &mut (dyn AsyncWrite + Send + Unpin)) {
    if take_line(raw, pending) {
        let _ = out.write_all(raw).await;
        let _ = out.flush().await;
    }
}

/// Files one line for the next report; `false` for a directive that was applied.
fn take_line(raw: &[u8], pending: &Mutex<Pending>) -> bool {
    let text = String::from_utf8_lossy(raw);
    let text = text.trim_end_matches(['\n', '\r']);
    let mut pending = pending.lock().expect("no panics while holding it");
    // A directive that is applied moves the bar and is neither logged nor shown; one that
    // is malformed or does not fit the job is an ordinary line, with a warning.
    let refused = match directive::parse(text) {
        Some(Ok(directive)) => match pending.directive(directive) {
            Ok(()) => return false,
            Err(why) => Some(why),
        },
        Some(Err(why)) => Some(why),
        None => None,
    };
    if let Some(why) = refused {
        warn(&format!("ignoring `{text}`: {why}"));
    }
    pending.line(text);
    true
}

fn warn(text: &str) {
    static WARNED: AtomicU32 = AtomicU32::new(0);
    match WARNED.fetch_add(1, Ordering::Relaxed) {
        n if n < MAX_WARNINGS => eprintln!("livedash: {text}"),
        n if n == MAX_WARNINGS => eprintln!("livedash: (further warnings suppressed)"),
        _ => {}
    }
}
