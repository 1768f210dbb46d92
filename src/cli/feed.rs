//! The server's event stream as the CLI follows it: read with the project's own SSE parser
//! (`protocol::sse`), resumed with `Last-Event-ID` after a drop, and reconnected on the
//! browser's schedule (`protocol::reconnect`: exponential, jittered, scaled by the server's
//! `retry:`, never before a `Retry-After`) while the server is away (e.g. restarting).

use super::client::{CliError, Client};
use crate::protocol::{Event, EventId, reconnect::Backoff, sse};
use bytes::Bytes;
use futures::{StreamExt, stream::BoxStream};
use std::{collections::VecDeque, time::Duration};

/// A connection silent this long is taken for dead (the server sends a heartbeat comment
/// every 15 s by default).
const IDLE: Duration = Duration::from_secs(90);
/// The longest pause between attempts to reconnect.
const MAX_PAUSE: Duration = Duration::from_secs(10);

/// What following the stream yields, in order.
#[derive(Debug)]
pub enum Item {
    /// A connection is open (the first, or a new one after a drop).
    Connected,
    /// An event and its id.
    Event(Box<Event>, Option<EventId>),
    /// The connection was lost; the feed reconnects by itself on the next call.
    Dropped(String),
}

pub struct Feed {
    client: Client,
    path: String,
    last_id: Option<String>,
    body: Option<BoxStream<'static, reqwest::Result<Bytes>>>,
    parser: sse::Parser,
    ready: VecDeque<Item>,
    /// Connection attempts that failed in a row.
    failures: u32,
    /// The pause the server asks for (`retry:`), the schedule's base.
    retry: Duration,
    /// The last refusal's `Retry-After`: the next attempt waits at least this long.
    retry_after: Duration,
    connected_once: bool,
}

impl Feed {
    /// Follows `path` (e.g. `/api/events?topics=jobs`) on the client's server.
    pub fn new(client: Client, path: &str) -> Feed {
        Feed {
            client,
            path: path.to_owned(),
            last_id: None,
            body: None,
            parser: sse::Parser::default(),
            ready: VecDeque::new(),
            failures: 0,
            retry: Duration::from_secs(1),
            retry_after: Duration::ZERO,
            connected_once: false,
        }
    }

    /// The next item. Fails only when the server refuses the stream for good (e.g. 404), or
    /// cannot be reached at all at first: after one connection, an absent server is waited
    /// for.
    pub async fn next(&mut self) -> Result<Item, CliError> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Ok(item);
            }
            let Some(body) = &mut self.body else {
                match self.connect().await {
                    Ok(()) => return Ok(Item::Connected),
                    Err(e) if self.connected_once && e.is_transient() => continue,
                    Err(e) => return Err(e),
                }
            };
            let reason = match tokio::time::timeout(IDLE, body.next()).await {
                Ok(Some(Ok(chunk))) => match self.parser.push(&chunk) {
                    Ok(frames) => {
                        frames.into_iter().for_each(|f| self.take(f));
                        continue;
                    }
                    Err(e) => e.to_string(),
                },
                Ok(Some(Err(e))) => format!("the connection broke ({e})"),
                Ok(None) => "the server closed the stream".to_owned(),
                Err(_) => format!("nothing arrived for {} s", IDLE.as_secs()),
            };
            self.body = None;
            self.failures = 1;
            return Ok(Item::Dropped(reason));
        }
    }

    async fn connect(&mut self) -> Result<(), CliError> {
        if self.failures > 0 {
            let schedule =
                Backoff::new(self.retry.as_millis() as u64, MAX_PAUSE.as_millis() as u64);
            let pause = schedule.delay_ms(
                self.failures,
                rand::random(),
                self.retry_after.as_millis() as u64,
            );
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
        let mut request = self.client.get(&self.path);
        if let Some(id) = &self.last_id {
            request = request.header("Last-Event-ID", id);
        }
        match self
            .client
            .send(&format!("GET {}", self.path), request)
            .await
        {
            Ok(response) => {
                self.body = Some(response.bytes_stream().boxed());
                self.parser = sse::Parser::default();
                self.failures = 0;
                self.retry_after = Duration::ZERO;
                self.connected_once = true;
                Ok(())
            }
            Err(e) => {
                self.failures += 1;
                self.retry_after = match &e {
                    CliError::Refused {
                        retry_after: Some(pause),
                        ..
                    } => *pause,
                    _ => Duration::ZERO,
                };
                Err(e)
            }
        }
    }

    fn take(&mut self, frame: sse::Frame) {
        match frame {
            sse::Frame::Event { event, data, id } => {
                if !id.is_empty() {
                    self.last_id = Some(id.clone());
                }
                // Kinds this build does not know (a newer server) are skipped, not fatal.
                if let Ok(decoded) = Event::decode(&event, &data) {
                    self.ready
                        .push_back(Item::Event(Box::new(decoded), id.parse().ok()));
                }
            }
            sse::Frame::Retry(ms) => self.retry = Duration::from_millis(ms.max(100)),
            sse::Frame::Comment(_) => {}
        }
    }
}
