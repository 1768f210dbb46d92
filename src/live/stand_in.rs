//! Server-side stand-in for the live connection: during SSR the page shows the snapshot it
//! was rendered from, and the browser opens the stream once it has hydrated.

use crate::{app::store::Store, protocol::EventId};

/// Does nothing on the server; see `live/browser.rs` for the real connection.
pub fn connect(_store: Store, _rendered: EventId) {}
