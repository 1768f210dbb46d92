//! Server-Sent Events framing: the encoder the server writes with, and an incremental parser
//! following the WHATWG HTML "event stream interpretation" rules, for every Rust consumer of
//! a stream: the browser (`live/reader.rs`), the CLI's `watch` and `run` (`cli/feed.rs`),
//! and the tests.

use super::{Event, EventId};

/// One complete frame: `event:`, `id:` and one line of JSON `data:`.
pub fn encode_event(event: &Event, id: EventId) -> String {
    format!(
        "event: {}\nid: {id}\ndata: {}\n\n",
        event.kind().as_str(),
        event.payload_json()
    )
}

/// A comment frame; clients ignore it, proxies see traffic (used for heartbeats).
pub fn encode_comment(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(": ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// What the parser yields, in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A dispatched event. `event` is `"message"` when the stream named none.
    Event {
        event: String,
        data: String,
        id: String,
    },
    /// A comment line (without its leading colon and one leading space).
    Comment(String),
    /// A valid `retry:` field, in milliseconds.
    Retry(u64),
}

/// The stream grew past the parser's cap without completing a line or an event.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("event stream buffered more than {limit} bytes without completing an event")]
pub struct TooLarge {
    pub limit: usize,
}

/// Feed it chunks as they arrive; it returns the frames completed by each chunk.
/// Work is linear in the input: each byte is looked at once.
#[derive(Debug)]
pub struct Parser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: a LF at the start of the next one ends nothing.
    after_cr: bool,
    /// Still at the very start of the stream, where one BOM may stand.
    at_start: bool,
    event: String,
    data: String,
    last_id: String,
    limit: usize,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::with_limit(1 << 20)
    }
}

impl Parser {
    /// A parser that fails once a line plus the pending event exceed `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        Parser {
            line: Vec::new(),
            after_cr: false,
            at_start: true,
            event: String::new(),
            data: String::new(),
            last_id: String::new(),
            limit,
        }
    }

    pub fn push(&mut self, mut chunk: &[u8]) -> Result<Vec<Frame>, TooLarge> {
        let mut out = Vec::new();
        if chunk.is_empty() {
            // Nothing arrived: in particular, a CR seen last still awaits its possible LF.
            return Ok(out);
        }
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        while let Some(end) = chunk.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&chunk[..end]);
            self.check_size()?;
            self.take_line(&mut out);
            let crlf = chunk[end] == b'\r' && chunk.get(end + 1) == Some(&b'\n');
            if chunk[end] == b'\r' && end + 1 == chunk.len() {
                self.after_cr = true;
            }
            chunk = &chunk[end + if crlf { 2 } else { 1 }..];
        }
        self.line.extend_from_slice(chunk);
        self.check_size()?;
        Ok(out)
    }

    fn check_size(&self) -> Result<(), TooLarge> {
        if self.line.len() + self.data.len() > self.limit {
            Err(TooLarge { limit: self.limit })
        } else {
            Ok(())
        }
    }

    fn take_line(&mut self, out: &mut Vec<Frame>) {
        let mut bytes = std::mem::take(&mut self.line);
        if std::mem::replace(&mut self.at_start, false) && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        let line = String::from_utf8_lossy(&bytes);
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if let Some(comment) = line.strip_prefix(':') {
            out.push(Frame::Comment(
                comment.strip_prefix(' ').unwrap_or(comment).to_owned(),
            ));
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (&*line, ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => self.last_id = value.to_owned(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse() {
                    out.push(Frame::Retry(ms));
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<Frame>) {
        let event = std::mem::take(&mut self.event);
        if self.data.is_empty() {
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop(); // the LF after the last data line
        let event = if event.is_empty() {
            "message".to_owned()
        } else {
            event
        };
        out.push(Frame::Event {
            event,
            data,
            id: self.last_id.clone(),
        });
    }
}

#[cfg(test)]
#[path = "sse_tests.rs"]
mod tests;
