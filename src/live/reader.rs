//! One attempt at the stream: `fetch` with the position in `Last-Event-ID`, the body read
//! chunk by chunk and parsed with the project's own SSE parser (`protocol::sse`, the one
//! the CLI uses).
//!
//! Why not `EventSource`: it hides what the reconnect schedule must honour. It reconnects
//! by itself on the server's `retry:` with no jitter (so a fleet of pages comes back in
//! waves after a restart), it cannot report a 503's `Retry-After` or even its status, and
//! it swallows the heartbeat comments a watchdog needs to tell a quiet stream from a dead
//! one. Reading the body ourselves costs one parser in the bundle, and gives all three.
//!
//! The attempt ends exactly once, with an [`Ending`]; aborting it (the stream was closed
//! or replaced) ends it silently.

use crate::protocol::sse::{Frame, Parser};
use js_sys::{Reflect, Uint8Array};
use leptos::prelude::window;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, ReadableStreamDefaultReader, RequestInit, Response};

/// How an attempt ended.
#[derive(Debug)]
pub enum Ending {
    /// The server answered with an error status; `retry_after_ms` from its `Retry-After`.
    Refused { status: u16, retry_after_ms: u64 },
    /// Something other than an event stream answered: a sign-on proxy whose session ended
    /// sends its sign-in page (or redirects to it).
    NotAStream,
    /// The network failed, or the body ended or broke (e.g. the server shut down).
    Lost,
    /// Aborted on purpose: nothing to do.
    Aborted,
}

/// What an attempt reports, in order: `opened` once the server accepted, then frames.
pub trait Sink {
    fn opened(&self);
    fn frames(&self, frames: Vec<Frame>);
}

/// An attempt in flight; dropping it does not stop it, [`Attempt::abort`] does.
pub struct Attempt {
    controller: AbortController,
}

impl Attempt {
    pub fn abort(&self) {
        self.controller.abort();
    }
}

/// Starts reading `url` from `last_id`; `done` gets the ending.
pub fn start(
    url: String,
    last_id: String,
    sink: impl Sink + 'static,
    done: impl FnOnce(Ending) + 'static,
) -> Option<Attempt> {
    let controller = AbortController::new().ok()?;
    let signal = controller.signal();
    leptos::task::spawn_local(async move {
        let aborted = signal.clone();
        let ending = match read(&url, &last_id, &signal, &sink).await {
            _ if aborted.aborted() => Ending::Aborted,
            Ok(ending) => ending,
            Err(_) => Ending::Lost,
        };
        done(ending);
    });
    Some(Attempt { controller })
}

async fn read(
    url: &str,
    last_id: &str,
    signal: &web_sys::AbortSignal,
    sink: &impl Sink,
) -> Result<Ending, JsValue> {
    let headers = Headers::new()?;
    headers.set("Accept", "text/event-stream")?;
    if !last_id.is_empty() {
        headers.set("Last-Event-ID", last_id)?;
    }
    let init = RequestInit::new();
    init.set_headers(&headers);
    init.set_signal(Some(signal));
    init.set_cache(web_sys::RequestCache::NoStore);
    let response: Response = JsFuture::from(window().fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    if !response.ok() {
        let retry_after_ms = response
            .headers()
            .get("Retry-After")
            .ok()
            .flatten()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map_or(0, |secs| secs.saturating_mul(1_000));
        return Ok(Ending::Refused {
            status: response.status(),
            retry_after_ms,
        });
    }
    // Something else answered in our place (see `Ending::NotAStream`).
    let is_stream = response
        .headers()
        .get("Content-Type")
        .ok()
        .flatten()
        .is_some_and(|t| t.starts_with("text/event-stream"));
    if !is_stream {
        return Ok(Ending::NotAStream);
    }
    let Some(body) = response.body() else {
        return Ok(Ending::Lost);
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().dyn_into()?;
    sink.opened();
    let mut parser = Parser::default();
    let mut busy_since = js_sys::Date::now();
    loop {
        let asked = js_sys::Date::now();
        let chunk = JsFuture::from(reader.read()).await?;
        // A read of data already buffered resolves at once, in the same task (promises
        // settle in microtasks); only a read that waited for the network began a new one.
        if js_sys::Date::now() - asked > 1.0 {
            busy_since = js_sys::Date::now();
        }
        if Reflect::get(&chunk, &JsValue::from_str("done"))?.is_truthy() {
            return Ok(Ending::Lost);
        }
        let bytes: Uint8Array = Reflect::get(&chunk, &JsValue::from_str("value"))?.dyn_into()?;
        // A server that never completes an event is not a stream we can follow (the
        // caller aborts the request).
        let Ok(mut frames) = parser.push(&bytes.to_vec()) else {
            return Ok(Ending::Lost);
        };
        // A chunk can hold hundreds of events (a page that fell behind gets them in one
        // read); EventSource dispatched each as its own task, and so must we, or one chunk
        // becomes one long task that blocks the frames. So: a slice at a time, and back to
        // the browser whenever this has run for a few milliseconds.
        while !frames.is_empty() {
            let rest = frames.split_off(frames.len().min(SLICE));
            sink.frames(std::mem::replace(&mut frames, rest));
            if js_sys::Date::now() - busy_since > BUSY_MS {
                pause().await?;
                busy_since = js_sys::Date::now();
            }
        }
    }
}

/// Events handed on at once.
const SLICE: usize = 16;
/// How long the reader runs before letting the browser render.
const BUSY_MS: f64 = 8.0;

/// Resumes in a later task (after the browser had a chance to render).
async fn pause() -> Result<JsValue, JsValue> {
    let later = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback(&resolve);
    });
    JsFuture::from(later).await
}
