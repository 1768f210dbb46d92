//! Which build serves: the id every response carries (`X-Livedash-Build`) and every event
//! stream opens with (`hello`), so a page rendered by another build knows to reload.
//!
//! The id is the hash of the browser bundle (`site/`): two builds of different code never
//! share one, and a build whose bundle did not change keeps its id, so its pages stay. With
//! `--build-tag` the tag is appended, to make open pages reload for a change outside the
//! bundle.

use crate::{
    protocol::{EventId, HELLO, Hello},
    server::{app_state::AppState, config::Config},
};
use axum::{
    extract::{Request, State},
    http::HeaderValue,
    middleware::Next,
    response::Response,
};
use bytes::Bytes;
use leptos::config::LeptosOptions;

/// The header every response carries.
pub const HEADER: &str = "x-livedash-build";

/// This server's build id.
pub fn id(options: &LeptosOptions, tag: Option<&str>) -> String {
    let bundle = super::site::bundle_id(options);
    match tag {
        Some(tag) => format!("{bundle}-{tag}"),
        None => bundle,
    }
}

/// Middleware: `X-Livedash-Build` on every response.
pub async fn header(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&app.build) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

/// The `hello` frame that opens a stream resuming from `from` (where the client is: its
/// `Last-Event-ID`, or the start of the log). Like every event it has an id, and that id
/// is the client's own position, so a connection lost right after it resumes from the
/// same place. `presence` is the stream's watcher entry, which its next stream may take
/// back (`presence/`).
pub fn hello(build: &str, from: EventId, config: &Config, presence: Option<&str>) -> Bytes {
    let hello = Hello {
        build: build.to_owned(),
        heartbeat_ms: Some(config.heartbeat().as_millis() as u64),
        hidden_pause_ms: Some(config.hidden_pause().as_millis() as u64),
        presence: presence.map(str::to_owned),
    };
    let data = serde_json::to_string(&hello).expect("a hello always serialises");
    Bytes::from(format!("event: {HELLO}\nid: {from}\ndata: {data}\n\n"))
}
