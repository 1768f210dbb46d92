//! What the tab that holds the stream does for the others (see `tabs.rs`): opens the
//! stream from its position, relays every event and keeps the last ones for tabs that
//! join late, catches each joining tab up (or rewinds the stream for it), and follows what
//! the tabs want: the union of their topics, and a pause while none is visible.

use super::{
    super::{
        inbox::Message,
        relay::{self, Ring, Said, Wants},
        stream::{Relay, Stream},
    },
    Tabs,
};
use crate::{
    app::store::Connection,
    protocol::{HELLO, PRESENCE, union_of_lists},
};
use js_sys::Function;
use leptos::prelude::{TimeoutHandle, set_timeout_with_handle};
use std::{rc::Rc, time::Duration};

/// What only the holder has.
pub struct Lead {
    pub stream: Rc<Stream>,
    /// The other tabs and what they want (a handful: a list, not a map, keeps the
    /// bundle small).
    pub tabs: Others,
    /// Resolving it frees the lock.
    pub release: Option<Function>,
    /// The stream's recent events, for tabs that join late.
    ring: Ring,
    /// The last `hello` (a late tab learns the stream's build and timings from it).
    hello: Option<Message>,
    /// The last `presence` (not an event of the log: kept beside the ring, not in it).
    presence: Option<Message>,
    /// Pending while no tab is visible: pauses the stream when it fires.
    pub hidden: Option<TimeoutHandle>,
}

impl Tabs {
    /// Opens the stream for every tab, from this tab's position.
    pub(super) fn lead_now(self: &Rc<Self>) {
        // What arrived while waiting for a catch-up comes again on our own stream.
        self.inbox.catch_up(&[], false);
        let (on_event, on_state) = (Rc::downgrade(self), Rc::downgrade(self));
        let relay = Relay {
            event: Box::new(move |message| {
                if let Some(tabs) = on_event.upgrade() {
                    tabs.relayed(message);
                }
            }),
            state: Box::new(move |state| {
                if let Some(tabs) = on_state.upgrade() {
                    tabs.say(&Said::State(state.as_str().to_owned()));
                }
            }),
        };
        let topics = self.wants.borrow().topics.clone();
        let stream = Stream::new(self.inbox.clone(), topics, self.filter.clone(), relay);
        *self.lead.borrow_mut() = Some(Lead {
            stream: stream.clone(),
            tabs: Others::default(),
            release: None,
            ring: Ring::new(self.inbox.position()),
            hello: None,
            presence: None,
            hidden: None,
        });
        stream.open_now();
        self.recompute();
    }

    /// An event of our stream: posted to the tabs there are (alone, nothing is posted: a
    /// tab joining later catches up from the ring), and kept for late joiners.
    fn relayed(&self, message: Message) {
        let Some(channel) = &self.channel else {
            return;
        };
        let mut lead = self.lead.borrow_mut();
        let Some(lead) = lead.as_mut() else { return };
        if !lead.tabs.0.is_empty() {
            let _ = channel.post_message(&relay::encode_event(&message));
        }
        if message.kind == HELLO {
            lead.hello = Some(message);
        } else if message.kind == PRESENCE {
            lead.presence = Some(message);
        } else {
            lead.ring.push(message);
        }
    }

    /// A tab joined at `position`: catch it up from the ring, or rewind the stream.
    pub(super) fn joined_us(self: &Rc<Self>, tab: String, position: String, wants: Wants) {
        let (stream, caught_up, hello) = {
            let mut lead = self.lead.borrow_mut();
            let Some(lead) = lead.as_mut() else { return };
            lead.tabs.insert(tab.clone(), wants);
            let caught_up = lead.ring.after(&position);
            if caught_up.is_none() {
                lead.ring = Ring::new(position.clone());
            }
            let told = lead.hello.iter().chain(&lead.presence).cloned();
            (lead.stream.clone(), caught_up, told.collect::<Vec<_>>())
        };
        let replay = caught_up.is_some();
        let events = hello
            .into_iter()
            .chain(caught_up.unwrap_or_default())
            .collect();
        self.say(&Said::Sync {
            to: tab,
            replay,
            events,
        });
        self.say(&Said::State(stream.state().as_str().to_owned()));
        if !replay {
            stream.rewind(position);
        }
        self.recompute();
    }

    /// A tab (this one or another) was shown or hidden: follow it, and reopen a stream
    /// that is paused or went stale when one is shown.
    pub(super) fn seen(self: &Rc<Self>, visible: bool) {
        self.recompute();
        if visible && let Some(stream) = self.stream() {
            stream.kick();
        }
    }

    /// The holder follows what the tabs want: the union of their topics, and a pause
    /// once none has been visible for the server's `hidden_pause`.
    pub(super) fn recompute(self: &Rc<Self>) {
        let (stream, topics, visible, waiting) = {
            let lead = self.lead.borrow();
            let Some(lead) = lead.as_ref() else { return };
            let own = self.wants.borrow();
            let all = || std::iter::once(&*own).chain(lead.tabs.values());
            let topics = union_of_lists(all().map(|w| w.topics.as_str()));
            let visible = all().any(|w| w.visible);
            (lead.stream.clone(), topics, visible, lead.hidden.is_some())
        };
        stream.set_topics(topics);
        if visible {
            self.clear_hidden();
            if stream.state() == Connection::Paused {
                stream.kick();
            }
        } else if !waiting && stream.state() != Connection::Paused {
            let weak = Rc::downgrade(self);
            let pause = Duration::from_millis(self.inbox.timings().hidden_pause_ms);
            let timer = set_timeout_with_handle(
                move || {
                    if let Some(tabs) = weak.upgrade() {
                        tabs.pause_if_unseen();
                    }
                },
                pause,
            );
            if let Some(lead) = self.lead.borrow_mut().as_mut() {
                lead.hidden = timer.ok();
            }
        }
    }

    /// Cancels a pending pause.
    pub(super) fn clear_hidden(&self) {
        let pending = self
            .lead
            .borrow_mut()
            .as_mut()
            .and_then(|l| l.hidden.take());
        if let Some(timer) = pending {
            timer.clear();
        }
    }

    fn pause_if_unseen(&self) {
        let lead = self.lead.borrow_mut().as_mut().map(|lead| {
            lead.hidden = None;
            let seen = lead.tabs.values().any(|w| w.visible);
            (lead.stream.clone(), seen)
        });
        if let Some((stream, others_seen)) = lead
            && !others_seen
            && !self.wants.borrow().visible
        {
            stream.pause();
        }
    }
}

/// The other tabs, by id, and what each wants.
#[derive(Default)]
pub struct Others(pub Vec<(String, Wants)>);

impl Others {
    pub fn insert(&mut self, tab: String, wants: Wants) {
        match self.0.iter_mut().find(|(id, _)| *id == tab) {
            Some((_, old)) => *old = wants,
            None => self.0.push((tab, wants)),
        }
    }

    pub fn remove(&mut self, tab: &str) {
        self.0.retain(|(id, _)| id != tab);
    }

    pub fn values(&self) -> impl Iterator<Item = &Wants> {
        self.0.iter().map(|(_, wants)| wants)
    }
}
