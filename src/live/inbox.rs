//! A tab's receiving end: every event for this tab, from its own stream or relayed by the
//! tab that holds the browser's stream (`tabs.rs`), passes through here once.
//!
//! It keeps the tab's position (the newest event id applied) and applies each event at
//! most once, in order: an event at or before the position is one this tab already has
//! (a relay and a replay may both carry it) and is skipped; so is a snapshot no newer than
//! the position (the tab's state already covers it). Ids are `epoch-seq`; an id of another
//! epoch is another history (a restarted cluster's reset), always applied.
//!
//! While a tab catches up with the stream's holder (it joined late, see `tabs.rs`), the
//! relayed events are held back and applied after the catch-up, so that none is applied
//! out of order.

use super::{frames::Frames, json, update};
use crate::{
    app::store::Store,
    protocol::{EventId, EventKind, HELLO, Hello, PRESENCE, Presence},
};
use leptos::prelude::Set;
use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

/// One event of the stream as tabs pass it on: its name, data and id.
#[derive(Clone, Debug)]
pub struct Message {
    pub kind: String,
    pub data: String,
    pub id: String,
}

/// What a `hello` told this tab about the stream; defaults until one arrives.
#[derive(Clone, Copy, Debug)]
pub struct Timings {
    pub heartbeat_ms: u64,
    pub hidden_pause_ms: u64,
}

impl Default for Timings {
    fn default() -> Timings {
        Timings {
            heartbeat_ms: 15_000,
            hidden_pause_ms: 300_000,
        }
    }
}

pub struct Inbox {
    store: Store,
    /// The build that rendered this page; a stream of another build means an update.
    build: String,
    frames: Rc<Frames>,
    /// The id of the newest event applied (or of the rendered snapshot).
    position: Cell<Option<EventId>>,
    /// Relayed events held back while this tab catches up.
    held: RefCell<Option<Vec<Message>>>,
    timings: Cell<Timings>,
    /// The watcher entry the last stream was given (`hello`): the next stream names it, so
    /// a reconnect is not counted as someone new.
    presence_id: RefCell<String>,
}

impl Inbox {
    /// A tab at `position` (the id of the snapshot its page was rendered from).
    pub fn new(store: Store, build: String, position: EventId) -> Rc<Inbox> {
        Rc::new(Inbox {
            frames: Frames::new(store),
            store,
            build,
            position: Cell::new(Some(position)),
            held: RefCell::new(None),
            timings: Cell::new(Timings::default()),
            presence_id: RefCell::new(String::new()),
        })
    }

    pub fn store(&self) -> Store {
        self.store
    }

    /// The newest event id applied here, as the wire writes it.
    pub fn position(&self) -> String {
        self.position
            .get()
            .map(|id| id.to_string())
            .unwrap_or_default()
    }

    pub fn timings(&self) -> Timings {
        self.timings.get()
    }

    pub fn presence_id(&self) -> String {
        self.presence_id.borrow().clone()
    }

    /// Applies `message` unless this tab already has it (or holds it back, see `hold`).
    pub fn deliver(&self, message: &Message) {
        if let Some(held) = self.held.borrow_mut().as_mut() {
            held.push(message.clone());
            return;
        }
        self.apply(message);
    }

    /// From now on, relayed events wait for `catch_up`.
    pub fn hold(&self) {
        self.held.borrow_mut().get_or_insert_with(Vec::new);
    }

    /// Applies what the holder sent to catch this tab up, then what was held back
    /// (skipping what the catch-up covered). `replay` false: the holder rewinds its
    /// stream to this tab's position instead, and everything held back comes again.
    pub fn catch_up(&self, messages: &[Message], replay: bool) {
        let held = self.held.borrow_mut().take().unwrap_or_default();
        for message in messages {
            self.apply(message);
        }
        if replay {
            for message in &held {
                self.apply(message);
            }
        }
    }

    fn apply(&self, message: &Message) {
        if message.kind == HELLO {
            return self.hello(&message.data);
        }
        if message.kind == PRESENCE {
            // Not in the log (no id of its own): the newest simply replaces the last.
            if let Ok(now) = json::parse::<Presence>(&message.data) {
                self.store.presence.set(now);
            }
            return;
        }
        let Some(kind) = EventKind::from_name(&message.kind) else {
            return; // a kind of a newer server: skipped, not fatal
        };
        let id = message.id.parse::<EventId>().ok();
        if !after(id, self.position.get()) {
            return;
        }
        match json::event(kind, &message.data) {
            Ok(event) => {
                if id.is_some() {
                    self.position.set(id);
                }
                self.frames.push(event);
            }
            Err(e) => leptos::logging::warn!("ignoring an undecodable event: {e}"),
        }
    }

    /// The stream's first event names the build serving it, and its timings.
    fn hello(&self, data: &str) {
        match json::parse::<Hello>(data) {
            Ok(hello) => {
                let defaults = Timings::default();
                self.timings.set(Timings {
                    heartbeat_ms: hello.heartbeat_ms.unwrap_or(defaults.heartbeat_ms),
                    hidden_pause_ms: hello.hidden_pause_ms.unwrap_or(defaults.hidden_pause_ms),
                });
                if let Some(id) = hello.presence {
                    *self.presence_id.borrow_mut() = id;
                }
                if hello.build != self.build {
                    update::arrived(self.store, hello.build);
                }
            }
            Err(e) => leptos::logging::warn!("ignoring an undecodable hello: {e}"),
        }
    }
}

/// Whether event `id` comes after `position`: same epoch and a higher sequence, or
/// another epoch (or an id that does not parse, which is applied rather than lost).
pub fn newer(id: &str, position: &str) -> bool {
    after(id.parse().ok(), position.parse().ok())
}

fn after(id: Option<EventId>, position: Option<EventId>) -> bool {
    match (id, position) {
        (Some(id), Some(position)) => id.epoch != position.epoch || id.seq > position.seq,
        _ => true,
    }
}
