//! livedash: a live dashboard whose reactive signals are fed by Server-Sent Events.
//!
//! One crate, built twice by cargo-leptos: with `ssr` it is the axum server (and renders
//! the page), with `hydrate` it is the WebAssembly that takes the page over in the browser.
//! This file chooses the modules of each build (`ssr` or `hydrate`); the only other
//! choice is `server/http/mod.rs` picking where the site's files come from (`embed`).
//!
//! # Layout
//! The path of one event: a producer (`server/producers/`: the market, the job runner; or
//! the API through `server/app_state/`) publishes to the **hub** (`server/hub/`), which
//! numbers it, folds it into the current state with the **reducers** (`state/`) and fans
//! its encoded frame out; the **SSE handler** (`server/http/events.rs`) writes it to each
//! tab's stream, applying the delivery policy (`server/hub/delivery.rs`); the **network**
//! (`server/net/`) carries it; in the browser the **live connection** (`live/`: one stream
//! per browser, held by one tab and relayed to the others) decodes it with the
//! **protocol** (`protocol/`) and applies it to the reactive **store**
//! (`app/store.rs`), whose signals drive the **components** (`app/components/`).
//!
//! - `protocol`: the wire contract, identical on both sides.
//! - `state`: pure reducers, used by the server (snapshots) and the browser (signals).
//! - `app`: the page: dashboard, store, components, server functions.
//! - `initial`: where the page starts: the request (server) or the document (browser).
//! - `live`: the browser's end of the event stream (a no-op stand-in on the server).
//! - `server` (`ssr` only), one room per part; each imports only the rooms listed before
//!   it here (`tests/layout.rs` checks it):
//!   - `server/clock.rs`: the wall clock in the wire's milliseconds; imports nothing.
//!   - `server/hub/`: numbering, state, replay window, delivery policy, snapshots, reset;
//!     imports nothing of the server.
//!   - `server/net/`: accept loop, deadlines, shedding, the HTTP/1.1 stream path, TLS;
//!     imports nothing of the server (it is handed the router).
//!   - `server/config/`: every flag and its checks; imports nothing of the server.
//!   - `server/engine/`: the stores behind the hub: a single node's journal, in memory or
//!     on disk (`disk/`, SQLite), and the Redis engine of a cluster (`redis/`); imports
//!     `hub`, `clock`.
//!   - `server/producers/`: jobs (simulated, reported), the market, fed quotes; imports
//!     `hub`, `engine`, `config`, `clock`.
//!   - `server/error.rs`: the API's error type; imports `engine`.
//!   - `server/access/`: who may do what, and how often; imports `config`, `error`,
//!     `clock`.
//!   - `server/app_state/`: what handlers hold, and the state-changing operations (the
//!     one path for API, page and CLI); imports all of the above but `net`.
//!   - `server/http/`: the router's parts (API, stream, page, health, metrics, site);
//!     imports all of the above.
//!   - `server/mod.rs` puts them together: `router()` and `run()`, nothing else.
//! - `cli`: the same binary as a client: `notify`, `run -- COMMAND`, `watch` (`ssr` only).

// A route's view is erased into an `AnyView`, whose async layout the compiler computes
// through the whole job page's view type: deeper than the default limit of 128.
#![recursion_limit = "256"]

pub mod app;
pub mod protocol;
pub mod state;

/// The browser's end of the stream: one per browser, shared by its tabs, feeding the store.
#[cfg(feature = "hydrate")]
#[path = "live/browser.rs"]
pub mod live;

/// On the server the page is rendered from the snapshot; there is no stream to open.
#[cfg(not(feature = "hydrate"))]
#[path = "live/stand_in.rs"]
pub mod live;

/// Where the page starts, on the server: the request's path and the hub's state.
#[cfg(feature = "ssr")]
#[path = "initial/server.rs"]
pub mod initial;

/// Where the page starts, in the browser: the location and the state in the document.
#[cfg(feature = "hydrate")]
#[path = "initial/browser.rs"]
pub mod initial;

#[cfg(feature = "ssr")]
pub mod server;

/// The command-line companion (`livedash run|watch|notify`), in the server's binary.
#[cfg(feature = "ssr")]
pub mod cli;

/// Entry point of the WebAssembly bundle: take over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let page = initial::page();
    leptos::mount::hydrate_body(move || leptos::view! { <app::App page/> });
}
