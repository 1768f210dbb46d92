//! The browser's end of `/api/events`: one stream per browser, shared by its tabs, decoded
//! into the shared protocol types and applied to each tab's store.
//!
//! - `tabs.rs`: which tab holds the stream (Web Locks) and how the others get its events
//!   (BroadcastChannel); every tab alone where a browser lacks either.
//! - `stream.rs`: the stream itself: reconnect schedule, watchdog, pause in the
//!   background; `reader.rs`: one attempt, `fetch` read with the SSE parser.
//! - `inbox.rs`: a tab's receiving end: its position, each event applied once, in order;
//!   `frames.rs`: applied once per animation frame.
//! - `update.rs`: a stream of a newer build reloads the page at a safe moment.
//!
//! Resuming: the first connection asks for everything after the id of the snapshot the
//! page was rendered from, so an event published between render and connect arrives once;
//! later ones ask for everything after the newest event received. The server answers with
//! the missed events, or with a snapshot that replaces the state (after a gap beyond its
//! replay window).

use crate::{
    app::store::Store,
    protocol::{EventId, JobId, TopicSet},
};
use leptos::prelude::{Effect, Get, Memo, document, on_cleanup, window};
use send_wrapper::SendWrapper;
use std::rc::Rc;
use wasm_bindgen::{JsCast, closure::Closure};

#[path = "frames.rs"]
mod frames;

#[path = "inbox.rs"]
mod inbox;

#[path = "reader.rs"]
mod reader;

#[path = "relay.rs"]
mod relay;

#[path = "stream.rs"]
mod stream;

#[path = "tabs.rs"]
mod tabs;

#[path = "post.rs"]
mod post;
pub use post::{fetch_job, submit};

#[path = "json.rs"]
pub mod json;

#[path = "update.rs"]
mod update;
pub use update::reload_now;

use tabs::Tabs;

/// Keeps this tab on the browser's stream while `shown` (the dashboard is on screen),
/// resuming after `rendered`; leaves it when the dashboard leaves, and for good when the
/// owning component is cleaned up. A job's page (`job`) has a stream of its own, for
/// that job alone, shared by the tabs showing it.
pub fn connect(
    store: Store,
    rendered: EventId,
    build: String,
    shown: Memo<bool>,
    job: Option<JobId>,
) {
    let inbox = inbox::Inbox::new(store, build, rendered);
    // The topics this viewer may watch: all of them is the empty list (every topic).
    let topics = if store.topics == TopicSet::all() {
        String::new()
    } else {
        store
            .topics
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let wants = relay::Wants {
        topics,
        visible: !document().hidden(),
    };
    let filter = job.map_or_else(String::new, |id| format!("job={id}"));
    let tabs = Tabs::new(inbox, wants, filter);
    listen(&tabs);
    let follow = SendWrapper::new(tabs.clone());
    Effect::new(move |_| {
        if shown.get() {
            follow.join();
        } else {
            follow.leave();
        }
    });
    let tabs = SendWrapper::new(tabs);
    on_cleanup(move || tabs.leave());
}

type OnEvent = Box<dyn Fn(&Rc<Tabs>, &web_sys::Event)>;

/// The page's life as the stream cares about it: shown or hidden, online or not, put in
/// the back/forward cache and restored. (Listeners for the page's lifetime.)
fn listen(tabs: &Rc<Tabs>) {
    let on = |target: &web_sys::EventTarget, name: &str, f: OnEvent| {
        let weak = Rc::downgrade(tabs);
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            if let Some(tabs) = weak.upgrade() {
                f(&tabs, &event);
            }
        });
        let _ = target.add_event_listener_with_callback(name, callback.as_ref().unchecked_ref());
        callback.forget();
    };
    let weak = Rc::downgrade(tabs);
    let shown = Closure::<dyn FnMut()>::new(move || {
        if let Some(tabs) = weak.upgrade() {
            tabs.visibility(!document().hidden());
        }
    });
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", shown.as_ref().unchecked_ref());
    shown.forget();
    let window: web_sys::EventTarget = window().into();
    on(&window, "online", Box::new(|tabs, _| tabs.kick()));
    on(&window, "offline", Box::new(|tabs, _| tabs.offline()));
    // Closing or put in the back/forward cache: free the stream for the other tabs (and
    // tell them); restored from the cache: join again, catching up from the position.
    on(&window, "pagehide", Box::new(|tabs, _| tabs.leave()));
    on(
        &window,
        "pageshow",
        Box::new(|tabs, event| {
            if persisted(event) {
                tabs.join();
            }
        }),
    );
}

fn persisted(event: &web_sys::Event) -> bool {
    event
        .dyn_ref::<web_sys::PageTransitionEvent>()
        .is_some_and(|e| e.persisted())
}
