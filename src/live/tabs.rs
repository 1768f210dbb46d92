//! One stream per browser, shared by its tabs.
//!
//! Over HTTP/1.1 a browser opens at most six connections to one origin; a stream per tab
//! made the seventh tab hang, and with it every request of the page's buttons. So the tabs
//! elect one of them, the holder, to keep the one stream for all:
//! - **Election** with the Web Locks API: every tab asks for the lock `livedash-stream`;
//!   the browser grants it to one and queues the others. The holder keeps it until it
//!   leaves; when it closes or crashes the browser frees it and grants it to the next tab
//!   at once, which opens the stream from its own position (every tab has seen the same
//!   events, so that is the newest id any tab has seen).
//! - **Relay** over a `BroadcastChannel` (`relay.rs`): the holder posts every event as it
//!   arrived, with its id, and the stream's state; each tab applies what it has not
//!   applied yet (`inbox.rs`), so a takeover that replays an event applies it nowhere
//!   twice.
//! - **Joining**: a tab says where it is (the id its page was rendered at) and what it
//!   wants; the holder answers with the events after that from its ring, or, if the ring
//!   does not reach back, rewinds its stream to that position (the server replays, or
//!   sends a snapshot) and every tab skips what it already had.
//! - **Wants**: the holder asks for the union of the tabs' topics, and pauses the stream
//!   when no tab has been visible for the server's `hidden_pause` (`stream.rs`).
//!
//! Where the browser has no Web Locks or no BroadcastChannel, every tab holds its own
//! stream, as before (`solo`). `<html data-stream>` says which role this tab has:
//! `leader`, `follower` or `solo`.

use super::{
    inbox::Inbox,
    relay::{self, Said, Wants},
    stream::Stream,
};
use crate::app::store::Connection;
use holder::Lead;
use js_sys::{Function, Object, Promise, Reflect};
use leptos::prelude::{Set, document, window};
use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};
use wasm_bindgen::{JsCast, JsValue, prelude::*};
use web_sys::{AbortController, BroadcastChannel, MessageEvent};

/// The lock and the channel; the version keeps tabs of builds that speak another relay
/// protocol apart (each group then elects its own holder). A job's pages share a stream
/// of their own, named for its filter (`job=12`): that stream carries only their job.
const NAME: &str = "livedash-stream-1";

#[path = "holder.rs"]
mod holder;

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks` (web-sys has the Web Locks API only behind an unstable flag).
    type LockManager;
    #[wasm_bindgen(method)]
    fn request(this: &LockManager, name: &str, options: &Object, granted: &Function) -> Promise;
}

pub struct Tabs {
    id: String,
    /// The stream's filter beyond topics (`job=12`), or empty: the dashboard's stream.
    filter: String,
    /// The lock's and the channel's name: [`NAME`], and the filter.
    name: String,
    inbox: Rc<Inbox>,
    wants: RefCell<Wants>,
    channel: Option<BroadcastChannel>,
    locks: Option<LockManager>,
    /// In the tab's life: joined (wants the stream) or not.
    joined: Cell<bool>,
    /// While waiting for the lock: cancels the request.
    waiting: RefCell<Option<AbortController>>,
    /// Present while this tab holds the stream.
    lead: RefCell<Option<Lead>>,
}

impl Tabs {
    pub fn new(inbox: Rc<Inbox>, wants: Wants, filter: String) -> Rc<Tabs> {
        let name = format!("{NAME}{filter}");
        let navigator = window().navigator();
        let locks = Reflect::get(&navigator, &JsValue::from_str("locks"))
            .ok()
            .filter(|l| l.is_object())
            .map(JsCast::unchecked_into::<LockManager>);
        let channel = locks
            .as_ref()
            .and_then(|_| BroadcastChannel::new(&name).ok());
        let tabs = Rc::new(Tabs {
            id: format!("{:x}", (js_sys::Math::random() * 2f64.powi(52)) as u64),
            filter,
            name,
            inbox,
            wants: RefCell::new(wants),
            channel,
            locks,
            joined: Cell::new(false),
            waiting: RefCell::new(None),
            lead: RefCell::new(None),
        });
        if let Some(channel) = &tabs.channel {
            let weak = Rc::downgrade(&tabs);
            let listen = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let (Some(tabs), Some(said)) = (weak.upgrade(), relay::decode(&event.data())) {
                    tabs.heard(said);
                }
            });
            channel.set_onmessage(Some(listen.as_ref().unchecked_ref()));
            // Listens for the page's lifetime, as the tabs do.
            listen.forget();
        }
        tabs
    }

    fn leads(&self) -> bool {
        self.lead.borrow().is_some()
    }

    fn stream(&self) -> Option<Rc<Stream>> {
        self.lead.borrow().as_ref().map(|l| l.stream.clone())
    }

    fn say(&self, said: &Said) {
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(&relay::encode(said));
        }
    }

    fn role(&self, role: &str) {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("data-stream", role);
        }
    }

    /// Wants the stream: asks for the lock (or holds its own stream, alone).
    pub fn join(self: &Rc<Self>) {
        if self.joined.replace(true) {
            return;
        }
        let (Some(locks), Some(_)) = (&self.locks, &self.channel) else {
            self.role("solo");
            self.lead_now();
            return;
        };
        self.role("follower");
        self.inbox.hold();
        self.say(&self.join_message());
        let Ok(abort) = AbortController::new() else {
            return;
        };
        let options = Object::new();
        let _ = Reflect::set(&options, &JsValue::from_str("signal"), &abort.signal());
        let weak = Rc::downgrade(self);
        let granted = Closure::once_into_js(move |_lock: JsValue| -> Promise {
            match weak.upgrade() {
                Some(tabs) if tabs.joined.get() => tabs.granted(),
                _ => Promise::resolve(&JsValue::UNDEFINED),
            }
        });
        let request = locks.request(&self.name, &options, granted.unchecked_ref());
        // Rejected when the request is cancelled (the tab left first): nothing to do.
        let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
        let _ = request.catch(&ignore);
        ignore.forget();
        *self.waiting.borrow_mut() = Some(abort);
    }

    fn join_message(&self) -> Said {
        Said::Join {
            tab: self.id.clone(),
            position: self.inbox.position(),
            wants: self.wants.borrow().clone(),
        }
    }

    /// The lock is ours: hold the stream until the returned promise resolves.
    fn granted(self: &Rc<Self>) -> Promise {
        self.waiting.borrow_mut().take();
        let mut release = None;
        let held = Promise::new(&mut |resolve, _| release = Some(resolve));
        self.role("leader");
        self.lead_now();
        if let Some(lead) = self.lead.borrow_mut().as_mut() {
            lead.release = release;
        }
        self.say(&Said::Leader);
        held
    }

    /// Leaves: frees the stream for another tab, or stops waiting for it.
    pub fn leave(&self) {
        if !self.joined.replace(false) {
            return;
        }
        self.clear_hidden();
        if let Some(abort) = self.waiting.borrow_mut().take() {
            abort.abort();
        }
        let lead = self.lead.borrow_mut().take();
        if let Some(lead) = lead {
            // The others show the truth until the next holder reports.
            self.say(&Said::State(Connection::Reconnecting.as_str().to_owned()));
            lead.stream.close();
            if let Some(release) = lead.release {
                let _ = release.call0(&JsValue::UNDEFINED);
            }
        } else {
            self.say(&Said::Bye {
                tab: self.id.clone(),
            });
        }
    }

    fn heard(self: &Rc<Self>, said: Said) {
        if !self.joined.get() {
            return;
        }
        let leads = self.leads();
        match said {
            Said::Event(message) if !leads => self.inbox.deliver(&message),
            Said::State(state) if !leads => {
                if let Some(state) = Connection::parse(&state) {
                    self.inbox.store().connection.set(state);
                }
            }
            Said::Leader if !leads => {
                self.inbox.hold();
                self.say(&self.join_message());
            }
            Said::Sync { to, replay, events } if !leads && to == self.id => {
                self.inbox.catch_up(&events, replay);
            }
            Said::Join {
                tab,
                position,
                wants,
            } if leads => self.joined_us(tab, position, wants),
            Said::Tab { tab, wants } if leads => {
                let shown = wants.visible;
                if let Some(lead) = self.lead.borrow_mut().as_mut() {
                    lead.tabs.insert(tab, wants);
                }
                self.seen(shown);
            }
            Said::Bye { tab } if leads => {
                if let Some(lead) = self.lead.borrow_mut().as_mut() {
                    lead.tabs.remove(&tab);
                }
                self.recompute();
            }
            _ => {}
        }
    }

    /// This tab was shown or hidden.
    pub fn visibility(self: &Rc<Self>, visible: bool) {
        self.wants.borrow_mut().visible = visible;
        if !self.joined.get() {
            return;
        }
        if self.leads() {
            self.seen(visible);
        } else {
            self.say(&Said::Tab {
                tab: self.id.clone(),
                wants: self.wants.borrow().clone(),
            });
        }
    }

    /// The browser is online again, or restored a page: a dead stream reopens now.
    pub fn kick(&self) {
        if let Some(stream) = self.stream() {
            stream.kick();
        }
    }

    pub fn offline(&self) {
        if let Some(stream) = self.stream() {
            stream.offline();
        }
    }
}
