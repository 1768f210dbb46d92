//! The browser's end of `/api/events`: one EventSource per tab, decoded into the shared
//! protocol types (`json.rs`) and applied to the store.
//!
//! This uses `web_sys::EventSource` directly rather than gloo-net's wrapper: gloo-net
//! reports errors only once the source is closed, and the connection indicator needs to
//! know as soon as the browser starts reconnecting.
//!
//! Resuming: the first connection asks for everything after the id of the snapshot the
//! page was rendered from, so an event published between render and connect arrives once.
//! The browser's own reconnects send `Last-Event-ID`; when it gives up (the source is
//! closed, e.g. after an error response) we open a new source with the last id we saw, after
//! an exponential backoff. The server answers with the missed events, or with a snapshot
//! that replaces the state (after a restart, or a gap beyond its replay window).
//!
//! States: `Connecting` until the stream opens; `Live` while it is open; `Reconnecting`
//! while the browser or we retry; `Offline` between giving up and our next attempt.
//!
//! Leaving (the dashboard is put away, or cleaned up) closes the source *and* cancels a
//! pending backoff timer: a timer that fired later would open a stream nobody shows.

use crate::{
    app::store::{Connection, Store},
    protocol::{EventId, EventKind, HELLO, Hello},
};
use leptos::prelude::{Effect, Get, Memo, Set, TimeoutHandle, on_cleanup, set_timeout_with_handle};
use send_wrapper::SendWrapper;
use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Duration,
};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{EventSource, MessageEvent};

#[path = "frames.rs"]
mod frames;
use frames::Frames;

#[path = "post.rs"]
mod post;
pub use post::submit;

#[path = "json.rs"]
pub mod json;

#[path = "update.rs"]
mod update;
pub use update::reload_now;

const STREAM_URL: &str = "/api/events";
const MAX_BACKOFF_MS: u64 = 30_000;

/// Keeps the stream for `store` open while `shown` (the dashboard is on screen), resuming
/// after `rendered`, then after the newest event received; closes it when the dashboard
/// leaves, and for good when the owning component is cleaned up.
pub fn connect(store: Store, rendered: EventId, build: String, shown: Memo<bool>) {
    let live = Rc::new(Live {
        frames: Frames::new(store),
        store,
        build,
        source: RefCell::new(None),
        last_id: RefCell::new(rendered.to_string()),
        failures: Cell::new(0),
        retry: Cell::new(None),
        closed: Cell::new(true),
    });
    let follow = SendWrapper::new(live.clone());
    Effect::new(move |_| {
        if shown.get() {
            follow.resume();
        } else {
            follow.close();
        }
    });
    let live = SendWrapper::new(live);
    on_cleanup(move || live.close());
}

struct Live {
    store: Store,
    /// The build that rendered this page; a stream of another build means an update.
    build: String,
    /// Where decoded events wait for the next animation frame (see `frames.rs`).
    frames: Rc<Frames>,
    source: RefCell<Option<Source>>,
    /// The newest event id received (or the rendered snapshot's).
    last_id: RefCell<String>,
    /// Consecutive times the browser gave up; sets the backoff.
    failures: Cell<u32>,
    /// The pending backoff timer, if one is scheduled.
    retry: Cell<Option<TimeoutHandle>>,
    /// Not wanted (not yet opened, the dashboard left, or cleaned up): open no source.
    closed: Cell<bool>,
}

/// An open EventSource and the callbacks it holds (they must outlive it).
struct Source {
    es: EventSource,
    _on_message: Vec<Closure<dyn FnMut(MessageEvent)>>,
    _on_state: [Closure<dyn FnMut(web_sys::Event)>; 2],
}

fn open(live: &Rc<Live>) {
    let url = format!("{STREAM_URL}?last_event_id={}", live.last_id.borrow());
    let Ok(es) = EventSource::new(&url) else {
        live.retry_later();
        return;
    };
    let on_message: Vec<_> = EventKind::ALL
        .into_iter()
        .map(|kind| {
            let weak = Rc::downgrade(live);
            let callback = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                if let (Some(live), Some(data)) = (weak.upgrade(), message.data().as_string()) {
                    live.receive(kind, &data, message.last_event_id());
                }
            });
            let _ = es
                .add_event_listener_with_callback(kind.as_str(), callback.as_ref().unchecked_ref());
            callback
        })
        .collect();
    let weak = Rc::downgrade(live);
    let on_hello = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
        if let (Some(live), Some(data)) = (weak.upgrade(), message.data().as_string()) {
            live.hello(&data);
        }
    });
    let _ = es.add_event_listener_with_callback(HELLO, on_hello.as_ref().unchecked_ref());
    let mut on_message: Vec<_> = on_message;
    on_message.push(on_hello);
    let on_open = state_callback(live, |live| {
        live.failures.set(0);
        live.store.connection.set(Connection::Live);
    });
    let on_error = state_callback(live, Live::on_error);
    es.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    *live.source.borrow_mut() = Some(Source {
        es,
        _on_message: on_message,
        _on_state: [on_open, on_error],
    });
}

fn state_callback(live: &Rc<Live>, f: fn(&Rc<Live>)) -> Closure<dyn FnMut(web_sys::Event)> {
    let weak = Rc::downgrade(live);
    Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        if let Some(live) = weak.upgrade() {
            f(&live);
        }
    })
}

impl Live {
    /// The stream's first event names the build serving it.
    fn hello(&self, data: &str) {
        match json::parse::<Hello>(data) {
            Ok(hello) if hello.build != self.build => update::arrived(self.store, hello.build),
            Ok(_) => {}
            Err(e) => leptos::logging::warn!("ignoring an undecodable hello: {e}"),
        }
    }

    fn receive(&self, kind: EventKind, data: &str, id: String) {
        match json::event(kind, data) {
            Ok(event) => {
                if !id.is_empty() {
                    *self.last_id.borrow_mut() = id;
                }
                self.frames.push(event);
            }
            Err(e) => leptos::logging::warn!("ignoring an undecodable event: {e}"),
        }
    }

    fn on_error(self: &Rc<Self>) {
        let closed = self
            .source
            .borrow()
            .as_ref()
            .is_none_or(|s| s.es.ready_state() == EventSource::CLOSED);
        if closed {
            self.store.connection.set(Connection::Offline);
            self.retry_later();
        } else {
            self.store.connection.set(Connection::Reconnecting);
        }
    }

    /// The browser will not retry this source: open a new one after a backoff. The old
    /// source is only dropped in that later task, never inside one of its own callbacks.
    fn retry_later(self: &Rc<Self>) {
        if let Some(source) = self.source.borrow().as_ref() {
            source.es.close();
        }
        let failures = self.failures.get() + 1;
        self.failures.set(failures);
        let delay = (500u64 << failures.min(6)).min(MAX_BACKOFF_MS);
        let live = SendWrapper::new(self.clone());
        let timer = set_timeout_with_handle(
            move || {
                let live = live.take();
                live.retry.set(None);
                if live.closed.get() {
                    return;
                }
                live.source.borrow_mut().take();
                live.store.connection.set(Connection::Reconnecting);
                open(&live);
            },
            Duration::from_millis(delay),
        );
        self.retry.set(timer.ok());
    }

    /// Opens a source, unless one is open or pending.
    fn resume(self: &Rc<Self>) {
        if self.closed.replace(false) {
            open(self);
        }
    }

    fn close(&self) {
        self.closed.set(true);
        if let Some(timer) = self.retry.take() {
            timer.clear();
        }
        if let Some(source) = self.source.borrow_mut().take() {
            source.es.close();
        }
    }
}
