//! JSON in the browser: parsed by the browser's own `JSON.parse` and read into the shared
//! protocol types with serde-wasm-bindgen, instead of serde_json.
//!
//! serde_json's parser, number formatting and error machinery were ~16 KB of the brotli
//! bundle (measured with and without, README "Performance"). `JSON.parse` is also exact
//! for every float, which is what serde_json's `float_roundtrip` buys on the server; every
//! integer in the protocol (ids, counters, millisecond times) stays far below 2^53, where
//! a JavaScript number would start to round.

use crate::protocol::{Event, EventKind};
use serde::de::DeserializeOwned;

/// `text` as a `T`, or why not.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|_| "not JSON".to_owned())?;
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// An event from its kind and `data:` payload (the server side is `Event::decode`).
pub fn event(kind: EventKind, data: &str) -> Result<Event, String> {
    Ok(match kind {
        EventKind::Snapshot => Event::Snapshot(parse(data)?),
        EventKind::Quote => Event::Quote(parse(data)?),
        EventKind::Job => Event::Job(parse(data)?),
        EventKind::Toast => Event::Toast(parse(data)?),
    })
}
