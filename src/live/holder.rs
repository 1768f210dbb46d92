//! What the tab that holds the stream does for the others (see `tabs.rs`): opens the
//! stream from its position, relays every event and keeps the last ones for tabs that
//! join late, catches each joining tab up (or rewinds the stream for it), and follows what
//! the tabs want: the union of their topics, and a pause while none is visible.

use super::{
    super::{
        inbox::Message,
        relay::{Ring, Said, Wants},
        stream::{Relay, Stream},
    },
    Tabs,
};
use crate::{
    app::store::Connection,
    protocol::{HELLO, union_of_lists},
};
use js_sys::Function;
use leptos::prelude::set_timeout_with_handle;
use std::{rc::Rc, time::Duration};

/// What only the holder has.
pub struct Lead {
    pub stream: Rc<Stream>,
    /// The other tabs and what they want (a handful: a list, not a map, keeps the
    /// bundle small).
    pub tabs: Others,
    /// Resolving it frees the lock.
    pub release: Option<Function>,
}

impl Tabs {
    /// Opens the stream for every tab, from this tab's position.
    pub(super) fn lead_now(self: &Rc<Self>) {
        // What arrived while waiting for a catch-up comes again on our own stream.
        self.inbox.catch_up(&[], false);
        *self.ring.borrow_mut() = Ring::new(self.inbox.position());
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
        let stream = Stream::new(self.inbox.clone(), topics, relay);
        *self.lead.borrow_mut() = Some(Lead {
            stream: stream.clone(),
            tabs: Others::default(),
            release: None,
        });
        stream.open_now();
        self.recompute();
    }

    /// An event of our stream: kept for late joiners, and posted to the tabs there are
    /// (alone, nothing is posted: a tab joining later catches up from the ring).
    pub(super) fn relayed(&self, message: &Message) {
        if self.channel.is_none() {
            return;
        }
        if message.kind == HELLO {
            *self.hello.borrow_mut() = Some(message.clone());
        } else {
            self.ring.borrow_mut().push(message);
        }
        let alone = self
            .lead
            .borrow()
            .as_ref()
            .is_none_or(|lead| lead.tabs.0.is_empty());
        if !alone {
            self.say(&Said::Event(message.clone()));
        }
    }

    /// A tab joined at `position`: catch it up from the ring, or rewind the stream.
    pub(super) fn joined_us(self: &Rc<Self>, tab: String, position: String, wants: Wants) {
        let Some(stream) = self.stream() else {
            return;
        };
        if let Some(lead) = self.lead.borrow_mut().as_mut() {
            lead.tabs.insert(tab.clone(), wants);
        }
        let caught_up = self.ring.borrow().after(&position);
        let hello = self.hello.borrow().clone();
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
            *self.ring.borrow_mut() = Ring::new(position.clone());
            stream.rewind(position);
        }
        self.recompute();
    }

    /// The holder follows what the tabs want: the union of their topics, and a pause
    /// once none has been visible for the server's `hidden_pause`.
    pub(super) fn recompute(self: &Rc<Self>) {
        let (stream, topics, visible) = {
            let lead = self.lead.borrow();
            let Some(lead) = lead.as_ref() else { return };
            let own = self.wants.borrow();
            let all = || std::iter::once(&*own).chain(lead.tabs.values());
            let topics = union_of_lists(all().map(|w| w.topics.as_str()));
            (lead.stream.clone(), topics, all().any(|w| w.visible))
        };
        stream.set_topics(topics);
        if visible {
            if let Some(timer) = self.hidden_timer.take() {
                timer.clear();
            }
            if stream.state() == Connection::Paused {
                stream.kick();
            }
            return;
        }
        let pending = self.hidden_timer.take();
        if pending.is_some() || stream.state() == Connection::Paused {
            self.hidden_timer.set(pending);
            return;
        }
        let weak = Rc::downgrade(self);
        let pause = Duration::from_millis(self.inbox.timings().hidden_pause_ms);
        let timer = set_timeout_with_handle(
            move || {
                if let Some(tabs) = weak.upgrade() {
                    tabs.hidden_timer.set(None);
                    tabs.pause_if_unseen();
                }
            },
            pause,
        );
        self.hidden_timer.set(timer.ok());
    }

    fn pause_if_unseen(&self) {
        let lead = self.lead.borrow();
        let Some(lead) = lead.as_ref() else { return };
        let seen = self.wants.borrow().visible || lead.tabs.values().any(|w| w.visible);
        if !seen {
            lead.stream.pause();
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
