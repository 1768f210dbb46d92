//! A page whose stream is served by a new build: it says so (`UpdateNotice`) and reloads
//! itself once, at a safe moment, to run the new build's code with the server's state.
//!
//! Safe means: nothing typed and unsent in a form (a draft would be lost), and either the
//! tab is hidden or nobody has touched the page for [`IDLE_MS`]. It is checked when the tab
//! is hidden and every [`CHECK_MS`].
//!
//! Never twice for the same build, and no loop: the tab's session storage remembers the
//! build it reloaded for and when. A page that still differs after reloading for that
//! build (a cache served the old page again) keeps the notice and its button instead, and
//! while builds keep changing (a deploy that keeps restarting) the page reloads at most
//! once every [`AGAIN_AFTER_MS`].

use crate::app::store::Store;
use leptos::prelude::{Set, document, window};
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

/// Untouched this long, the page may reload.
const IDLE_MS: f64 = 15_000.0;
/// How often a waiting reload looks for its moment.
const CHECK_MS: i32 = 1_000;
/// At most one reload this often, whatever the builds do.
const AGAIN_AFTER_MS: f64 = 10.0 * 60_000.0;
const RELOADED_FOR: &str = "livedash.reloaded-for";
const RELOADED_AT: &str = "livedash.reloaded-at";
/// What counts as using the page.
const ACTIVITY: [&str; 5] = ["keydown", "pointerdown", "pointermove", "wheel", "input"];

thread_local! {
    /// A reload is waiting for its moment (one per page).
    static WAITING: Cell<bool> = const { Cell::new(false) };
    /// When the page was last used (`performance.now()`-free: `Date.now()`).
    static LAST_USED: Cell<f64> = Cell::new(js_sys::Date::now());
}

/// The stream is served by `build`, not the page's.
pub fn arrived(store: Store, build: String) {
    store.updated.set(true);
    if WAITING.with(Cell::get) || !allowed(&build) {
        return;
    }
    WAITING.with(|w| w.set(true));
    let used = Closure::<dyn FnMut()>::new(|| LAST_USED.with(|t| t.set(js_sys::Date::now())));
    for kind in ACTIVITY {
        let _ = window().add_event_listener_with_callback(kind, used.as_ref().unchecked_ref());
    }
    used.forget();
    let check = Closure::<dyn FnMut()>::new(move || {
        if safe() {
            reload(&build);
        }
    });
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", check.as_ref().unchecked_ref());
    let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(
        check.as_ref().unchecked_ref(),
        CHECK_MS,
    );
    // The page waits for its moment for the rest of its life.
    check.forget();
}

/// The notice's button: now, whatever the moment.
pub fn reload_now() {
    let _ = window().location().reload();
}

/// Whether this tab may reload for `build`: not already done for it, nor for any build a
/// moment ago.
fn allowed(build: &str) -> bool {
    let Some(storage) = window().session_storage().ok().flatten() else {
        return true;
    };
    let done_for = storage.get_item(RELOADED_FOR).ok().flatten();
    let done_at = storage.get_item(RELOADED_AT).ok().flatten();
    let recently = done_at
        .and_then(|at| at.parse::<u64>().ok())
        .is_some_and(|at| js_sys::Date::now() - (at as f64) < AGAIN_AFTER_MS);
    done_for.as_deref() != Some(build) && !recently
}

fn reload(build: &str) {
    if let Some(storage) = window().session_storage().ok().flatten() {
        let _ = storage.set_item(RELOADED_FOR, build);
        // Whole milliseconds: formatting a float would bring ~10 KB of code into the bundle.
        let _ = storage.set_item(RELOADED_AT, &(js_sys::Date::now() as u64).to_string());
    }
    reload_now();
}

/// Nothing unsent in a form, and the tab hidden or the page unused for a while.
fn safe() -> bool {
    let document = document();
    if drafting(&document) {
        return false;
    }
    let idle = js_sys::Date::now() - LAST_USED.with(Cell::get) >= IDLE_MS;
    document.hidden() || idle
}

/// Whether a form field has focus or holds text that was not sent.
fn drafting(document: &web_sys::Document) -> bool {
    let is_field = |tag: &str| matches!(tag, "INPUT" | "TEXTAREA" | "SELECT");
    if document
        .active_element()
        .is_some_and(|e| is_field(&e.tag_name()))
    {
        return true;
    }
    let Ok(fields) = document
        .query_selector_all("form textarea, form input[type=text], form input[type=password]")
    else {
        return false;
    };
    (0..fields.length())
        .filter_map(|i| fields.item(i))
        .any(|field| {
            js_sys::Reflect::get(&field, &JsValue::from_str("value"))
                .ok()
                .and_then(|v| v.as_string())
                .is_some_and(|v| !v.is_empty())
        })
}
