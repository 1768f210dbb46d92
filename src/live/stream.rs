//! The browser's one stream: opened by the tab that holds it for every tab (`tabs.rs`), or
//! by each tab where browsers cannot share (see `tabs.rs`).
//!
//! - **Reconnects** follow `protocol::reconnect`: exponential backoff with full jitter,
//!   capped at 30 s, scaled by the server's `retry:`, never before a refusal's
//!   `Retry-After` (a 503 or 429 from the stream's limits).
//! - **Watchdog**: a stream that brings nothing, not even a heartbeat comment, for two
//!   heartbeat periods (the server says its period in `hello`) is taken for dead and
//!   reopened: after a laptop sleeps, the browser often does not notice that the
//!   connection is gone.
//! - **Kicks**: coming online, a page restored from the back/forward cache and a tab
//!   shown again reopen a stream that is closed, waiting for its backoff, or stale, at
//!   once; `offline` shows the stream offline and drops it (it would hang).
//! - **Paused** while no tab is visible (the holder decides, `tabs.rs`): closed, and
//!   reopened from the position on the next kick; the server replays what was missed.
//!
//! Every attempt has a generation; the callbacks of a replaced or aborted attempt find it
//! outdated and do nothing, so a late callback never touches the current stream.

use super::{
    inbox::{Inbox, Message},
    reader::{self, Attempt, Ending, Sink},
};
use crate::{
    app::store::Connection,
    protocol::{SIGNED_OUT, sse::Frame},
};
use leptos::prelude::{IntervalHandle, Set, TimeoutHandle, window};
use std::{
    cell::{Cell, RefCell},
    rc::{Rc, Weak},
};

// `live` is loaded by a path (lib.rs), so a child module needs one too.
#[path = "stream/timers.rs"]
mod timers;

const STREAM_URL: &str = "/api/events";
/// The schedule's base until the server's `retry:` arrives.
const DEFAULT_RETRY_MS: u64 = 1_000;

/// Where the stream's events and states go, besides this tab's inbox: the other tabs.
pub struct Relay {
    pub event: Box<dyn Fn(Message)>,
    pub state: Box<dyn Fn(Connection)>,
}

pub struct Stream {
    inbox: Rc<Inbox>,
    relay: Relay,
    /// The topics asked for (comma-separated; empty: all).
    topics: RefCell<String>,
    /// More of the query: `job=12` on a job's page.
    filter: String,
    /// Where the next attempt starts, when not at the inbox's position (a rewind).
    from: RefCell<Option<String>>,
    attempt: RefCell<Option<Attempt>>,
    generation: Cell<u64>,
    state: Cell<Connection>,
    /// Attempts that failed in a row.
    failures: Cell<u32>,
    retry_ms: Cell<u64>,
    retry_after_ms: Cell<u64>,
    timer: Cell<Option<TimeoutHandle>>,
    watchdog: Cell<Option<IntervalHandle>>,
    /// When the current attempt last brought anything (`Date.now()`).
    heard_at: Cell<f64>,
}

impl Stream {
    pub fn new(inbox: Rc<Inbox>, topics: String, filter: String, relay: Relay) -> Rc<Stream> {
        Rc::new(Stream {
            inbox,
            relay,
            topics: RefCell::new(topics),
            filter,
            from: RefCell::new(None),
            attempt: RefCell::new(None),
            generation: Cell::new(0),
            state: Cell::new(Connection::Connecting),
            failures: Cell::new(0),
            retry_ms: Cell::new(DEFAULT_RETRY_MS),
            retry_after_ms: Cell::new(0),
            timer: Cell::new(None),
            watchdog: Cell::new(None),
            heard_at: Cell::new(0.0),
        })
    }

    pub fn state(&self) -> Connection {
        self.state.get()
    }

    /// Opens a new attempt now, replacing any (from `from` if a rewind asked for it).
    pub fn open_now(self: &Rc<Self>) {
        self.stop();
        let generation = self.generation.get();
        let from = self.from.take().unwrap_or_else(|| self.inbox.position());
        let topics = self.topics.borrow();
        // `presence`: this browser's watcher entry, so a reconnect counts as the same one.
        let mut url = format!("{STREAM_URL}?presence={}", self.inbox.presence_id());
        if !topics.is_empty() {
            url = format!("{url}&topics={topics}");
        }
        if !self.filter.is_empty() {
            url = format!("{url}&{}", self.filter);
        }
        let sink = Events {
            stream: Rc::downgrade(self),
            generation,
        };
        let weak = Rc::downgrade(self);
        let done = move |ending| {
            if let Some(stream) = weak.upgrade() {
                stream.ended(generation, ending);
            }
        };
        // The first attempt is "connecting"; every later one reconnects (offline stays
        // offline until it succeeds).
        if !matches!(
            self.state.get(),
            Connection::Connecting | Connection::Offline
        ) {
            self.show(Connection::Reconnecting);
        }
        match reader::start(url, from, sink, done) {
            Some(attempt) => *self.attempt.borrow_mut() = Some(attempt),
            None => self.retry_later(),
        }
    }

    /// Reopens from `position` (a tab behind the holder needs what came after it).
    pub fn rewind(self: &Rc<Self>, position: String) {
        *self.from.borrow_mut() = Some(position);
        self.open_now();
    }

    /// Asks for other topics, reopening if they changed.
    pub fn set_topics(self: &Rc<Self>, topics: String) {
        if *self.topics.borrow() != topics {
            *self.topics.borrow_mut() = topics;
            if !matches!(self.state.get(), Connection::Paused | Connection::SignedOut) {
                self.open_now();
            }
        }
    }

    /// Reopens at once unless the stream is live and well, or is waiting out the
    /// server's `Retry-After`.
    pub fn kick(self: &Rc<Self>) {
        if self.state.get() == Connection::SignedOut {
            return; // only signing in again helps
        }
        let live = self.state.get() == Connection::Live && !self.stale();
        let told_to_wait = self.retry_after_ms.get() > 0 && self.timer.get().is_some();
        if !live && !told_to_wait {
            self.failures.set(0);
            self.open_now();
        }
    }

    /// The browser went offline: the connection would hang, so it is dropped and retried.
    pub fn offline(self: &Rc<Self>) {
        if !matches!(self.state.get(), Connection::Paused | Connection::SignedOut) {
            self.stop();
            self.show(Connection::Offline);
            self.retry_later();
        }
    }

    /// Closed until the next kick (no tab is visible).
    pub fn pause(&self) {
        self.stop();
        self.show(Connection::Paused);
    }

    /// Closed for good (this tab no longer holds the stream).
    pub fn close(&self) {
        self.stop();
    }

    /// Ends the current attempt, the pending retry and the watchdog.
    fn stop(&self) {
        self.generation.set(self.generation.get() + 1);
        if let Some(attempt) = self.attempt.borrow_mut().take() {
            attempt.abort();
        }
        if let Some(timer) = self.timer.take() {
            timer.clear();
        }
        if let Some(watchdog) = self.watchdog.take() {
            watchdog.clear();
        }
    }

    fn show(&self, state: Connection) {
        if self.state.replace(state) != state {
            self.inbox.store().connection.set(state);
            (self.relay.state)(state);
        }
    }

    fn opened(self: &Rc<Self>) {
        self.failures.set(0);
        self.retry_after_ms.set(0);
        self.heard_at.set(js_sys::Date::now());
        self.show(Connection::Live);
    }

    fn frames(self: &Rc<Self>, frames: Vec<Frame>) {
        self.heard_at.set(js_sys::Date::now());
        for frame in frames {
            match frame {
                Frame::Event { event, .. } if event == SIGNED_OUT => return self.signed_out(),
                Frame::Event { event, data, id } => {
                    let message = Message {
                        kind: event,
                        data,
                        id,
                    };
                    self.inbox.deliver(&message);
                    (self.relay.event)(message);
                }
                Frame::Retry(ms) => self.retry_ms.set(ms),
                Frame::Comment(_) => {}
            }
        }
        if self.watchdog.get().is_none() {
            self.watch();
        }
    }

    fn ended(self: &Rc<Self>, generation: u64, ending: Ending) {
        if generation != self.generation.get() {
            return;
        }
        // Aborting an ended attempt frees what it may still hold (a body left unread).
        self.stop();
        match ending {
            Ending::Aborted => return,
            // The viewer's access ended: a 401, or a sign-on proxy's page in our place.
            Ending::Refused { status: 401, .. } | Ending::NotAStream => return self.signed_out(),
            Ending::Refused {
                status,
                retry_after_ms,
            } => {
                leptos::logging::warn!("the stream was refused ({status}); retrying");
                self.retry_after_ms.set(retry_after_ms);
            }
            Ending::Lost => self.retry_after_ms.set(0),
        }
        let online = window().navigator().on_line();
        self.show(if online {
            Connection::Reconnecting
        } else {
            Connection::Offline
        });
        self.retry_later();
    }

    /// The viewer's session ended: closed, with no retry, until they sign in again (the
    /// page shows the prompt; every tab follows the state).
    fn signed_out(&self) {
        self.stop();
        self.show(Connection::SignedOut);
    }
}

/// The current attempt's reports, ignored once it is outdated.
struct Events {
    stream: Weak<Stream>,
    generation: u64,
}

impl Events {
    fn current(&self) -> Option<Rc<Stream>> {
        self.stream
            .upgrade()
            .filter(|s| s.generation.get() == self.generation)
    }
}

impl Sink for Events {
    fn opened(&self) {
        if let Some(stream) = self.current() {
            stream.opened();
        }
    }

    fn frames(&self, frames: Vec<Frame>) {
        if let Some(stream) = self.current() {
            stream.frames(frames);
        }
    }
}
