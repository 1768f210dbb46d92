//! What tabs say to each other over the browser's `BroadcastChannel`, and the replay ring
//! the stream's holder keeps so that a tab that joins late can catch up without a stream of
//! its own.
//!
//! A message is an array of strings (cheap to clone across tabs, no JSON around JSON):
//! its first element names it.
//! - from the holder (the leader) to every tab: `ev kind data id` (an event, relayed as it
//!   arrived), `state connection`, `leader tab`, and `sync to replay (kind data id)*` (the
//!   catch-up of the tab `to`; `replay` is empty when the holder rewinds its stream instead);
//! - from a tab to the holder: `join tab position topics visible` (answered by a `sync`),
//!   `tab tab topics visible` (what it wants changed), `bye tab`.

use super::inbox::{Message, newer};
use js_sys::Array;
use std::collections::VecDeque;
use wasm_bindgen::JsValue;

/// The events the holder keeps for late joiners: 2048 (about four seconds of a busy
/// ticker, and far more than a page takes from its render to joining).
const RING: usize = 2048;

/// A message on the channel, decoded.
#[derive(Debug)]
pub enum Said {
    Event(Message),
    State(String),
    Leader,
    Sync {
        to: String,
        replay: bool,
        events: Vec<Message>,
    },
    Join {
        tab: String,
        position: String,
        wants: Wants,
    },
    Tab {
        tab: String,
        wants: Wants,
    },
    Bye {
        tab: String,
    },
}

/// What a tab wants of the stream: its topics (empty: all) and whether it is visible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wants {
    pub topics: String,
    pub visible: bool,
}

/// An event as the holder relays it (the hot path: no `Said` is built around it).
pub fn encode_event(m: &Message) -> JsValue {
    strings(["ev", &m.kind, &m.data, &m.id])
}

pub fn encode(said: &Said) -> JsValue {
    let mut parts: Vec<&str> = Vec::new();
    let visible = |w: &Wants| if w.visible { "1" } else { "" };
    match said {
        Said::Event(m) => return encode_event(m),
        Said::State(s) => parts.extend(["state", s]),
        Said::Leader => parts.push("leader"),
        Said::Sync { to, replay, events } => {
            parts.extend(["sync", to, if *replay { "1" } else { "" }]);
            for m in events {
                parts.extend([&*m.kind, &m.data, &m.id]);
            }
        }
        Said::Join {
            tab,
            position,
            wants,
        } => parts.extend(["join", tab, position, &wants.topics, visible(wants)]),
        Said::Tab { tab, wants } => parts.extend(["tab", tab, &wants.topics, visible(wants)]),
        Said::Bye { tab } => parts.extend(["bye", tab]),
    }
    strings(parts)
}

fn strings<'a>(parts: impl IntoIterator<Item = &'a str>) -> JsValue {
    parts
        .into_iter()
        .map(JsValue::from_str)
        .collect::<Array>()
        .into()
}

/// The message in `value`, or `None` for anything else (another version's message).
pub fn decode(value: &JsValue) -> Option<Said> {
    let array: &Array = wasm_bindgen::JsCast::dyn_ref(value)?;
    let len = array.length();
    let at = |i: u32| array.get(i).as_string();
    let message = |i: u32| {
        Some(Message {
            kind: at(i)?,
            data: at(i + 1)?,
            id: at(i + 2)?,
        })
    };
    let wants = |i: u32| {
        Some(Wants {
            topics: at(i)?,
            visible: !at(i + 1)?.is_empty(),
        })
    };
    Some(match (at(0)?.as_str(), len) {
        ("ev", 4) => Said::Event(message(1)?),
        ("state", 2) => Said::State(at(1)?),
        ("leader", 1) => Said::Leader,
        ("sync", n) if n >= 3 && (n - 3) % 3 == 0 => Said::Sync {
            to: at(1)?,
            replay: !at(2)?.is_empty(),
            events: (3..n).step_by(3).map(message).collect::<Option<_>>()?,
        },
        ("join", 5) => Said::Join {
            tab: at(1)?,
            position: at(2)?,
            wants: wants(3)?,
        },
        ("tab", 4) => Said::Tab {
            tab: at(1)?,
            wants: wants(2)?,
        },
        ("bye", 2) => Said::Bye { tab: at(1)? },
        _ => return None,
    })
}

/// The recent events of the holder's stream, contiguous: every event after `since`, or
/// (once a snapshot came) everything from that snapshot on.
pub struct Ring {
    events: VecDeque<Message>,
    since: String,
    from_snapshot: bool,
}

impl Ring {
    /// An empty ring of a stream that starts after `position`.
    pub fn new(position: String) -> Ring {
        Ring {
            events: VecDeque::new(),
            since: position,
            from_snapshot: false,
        }
    }

    pub fn push(&mut self, message: Message) {
        if message.kind == crate::protocol::EventKind::Snapshot.as_str() {
            self.events.clear();
            self.from_snapshot = true;
        }
        self.events.push_back(message);
        if self.events.len() > RING
            && let Some(oldest) = self.events.pop_front()
        {
            self.from_snapshot = false;
            self.since = oldest.id;
        }
    }

    /// The events a tab at `position` lacks, or `None` if the ring no longer reaches back
    /// that far (or the position is of another history).
    pub fn after(&self, position: &str) -> Option<Vec<Message>> {
        if !self.from_snapshot && newer(&self.since, position) {
            return None;
        }
        Some(
            self.events
                .iter()
                .filter(|m| newer(&m.id, position))
                .cloned()
                .collect(),
        )
    }
}
