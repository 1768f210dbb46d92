//! The browser's end of `/api/events`: one EventSource per tab, decoded with the shared
//! protocol and applied to the store.
//!
//! This uses `web_sys::EventSource` directly rather than gloo-net's wrapper: gloo-net
//! reports errors only once the source is closed, and the connection indicator needs to
//! know as soon as the browser starts reconnecting.
//!
//! States: `Connecting` until the first snapshot; `Live` on every snapshot (the server
//! sends one first on each connection); `Reconnecting` while the browser retries by itself;
//! `Offline` when the browser gave up (e.g. the server answered an error), after which we
//! open a new source with exponential backoff.

use crate::{
    app::store::{Connection, Store},
    protocol::{Event, EventKind},
};
use leptos::prelude::{Set, on_cleanup, set_timeout};
use send_wrapper::SendWrapper;
use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Duration,
};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{EventSource, MessageEvent};

const STREAM_URL: &str = "/api/events";
const MAX_BACKOFF_MS: u64 = 30_000;

/// Opens the stream for `store` and closes it when the owning component is cleaned up.
pub fn connect(store: Store) {
    let live = Rc::new(Live {
        store,
        source: RefCell::new(None),
        failures: Cell::new(0),
    });
    open(&live);
    let live = SendWrapper::new(live);
    on_cleanup(move || live.close());
}

struct Live {
    store: Store,
    source: RefCell<Option<Source>>,
    /// Consecutive times the browser gave up; sets the backoff.
    failures: Cell<u32>,
}

/// An open EventSource and the callbacks it holds (they must outlive it).
struct Source {
    es: EventSource,
    _on_message: Vec<Closure<dyn FnMut(MessageEvent)>>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

fn open(live: &Rc<Live>) {
    let Ok(es) = EventSource::new(STREAM_URL) else {
        live.retry_later();
        return;
    };
    let on_message = EventKind::ALL
        .into_iter()
        .map(|kind| {
            let weak = Rc::downgrade(live);
            let callback = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                if let (Some(live), Some(data)) = (weak.upgrade(), message.data().as_string()) {
                    live.receive(kind, &data);
                }
            });
            let _ = es
                .add_event_listener_with_callback(kind.as_str(), callback.as_ref().unchecked_ref());
            callback
        })
        .collect();
    let weak = Rc::downgrade(live);
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        if let Some(live) = weak.upgrade() {
            live.on_error();
        }
    });
    es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    *live.source.borrow_mut() = Some(Source {
        es,
        _on_message: on_message,
        _on_error: on_error,
    });
}

impl Live {
    fn receive(&self, kind: EventKind, data: &str) {
        match Event::decode(kind.as_str(), data) {
            Ok(event) => {
                if kind == EventKind::Snapshot {
                    self.failures.set(0);
                    self.store.connection.set(Connection::Live);
                }
                self.store.apply(event);
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
        set_timeout(
            move || {
                let live = live.take();
                live.source.borrow_mut().take();
                live.store.connection.set(Connection::Reconnecting);
                open(&live);
            },
            Duration::from_millis(delay),
        );
    }

    fn close(&self) {
        if let Some(source) = self.source.borrow_mut().take() {
            source.es.close();
        }
    }
}
