//! The command's output, line by line: passed through to our own stdout or stderr at once
//! (a slow or absent server never holds the command up), and gathered for the next report.

use super::{directive, pending::Pending};
use std::{
    io::Write,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// A line longer than this is cut into pieces (nothing is buffered without bound).
const MAX_LINE: usize = 64 * 1024;
/// Warnings about refused directives printed before the rest are suppressed.
const MAX_WARNINGS: u32 = 5;

#[derive(Clone, Copy)]
pub enum Sink {
    Stdout,
    Stderr,
}

/// Relays `pipe` until the command closes it.
pub async fn relay(pipe: impl AsyncRead + Unpin, sink: Sink, pending: Arc<Mutex<Pending>>) {
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
            take_line(&line, sink, &pending);
            line.clear();
        }
    }
    if !line.is_empty() {
        take_line(&line, sink, &pending);
    }
}

fn take_line(raw: &[u8], sink: Sink, pending: &Mutex<Pending>) {
    let text = String::from_utf8_lossy(raw);
    let text = text.trim_end_matches(['\n', '\r']);
    let mut pending = pending.lock().expect("no panics while holding it");
    // A directive that is applied moves the bar and is neither logged nor shown; one that
    // is malformed or does not fit the job is an ordinary line, with a warning.
    let refused = match directive::parse(text) {
        Some(Ok(directive)) => match pending.directive(directive) {
            Ok(()) => return,
            Err(why) => Some(why),
        },
        Some(Err(why)) => Some(why),
        None => None,
    };
    if let Some(why) = refused {
        warn(&format!("ignoring `{text}`: {why}"));
    }
    pending.line(text);
    drop(pending);
    // Our own terminal gets the command's bytes as they were.
    let _ = match sink {
        Sink::Stdout => std::io::stdout().lock().write_all(raw),
        Sink::Stderr => std::io::stderr().lock().write_all(raw),
    };
}

fn warn(text: &str) {
    static WARNED: AtomicU32 = AtomicU32::new(0);
    match WARNED.fetch_add(1, Ordering::Relaxed) {
        n if n < MAX_WARNINGS => eprintln!("livedash: {text}"),
        n if n == MAX_WARNINGS => eprintln!("livedash: (further warnings suppressed)"),
        _ => {}
    }
}
