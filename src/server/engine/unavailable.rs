//! The one failure every store reports the same way: it cannot take the operation now, and
//! the caller may try again (the API answers 503 with `Retry-After`).

/// The event store cannot take the operation now; try again later.
#[derive(Debug, thiserror::Error)]
#[error("the event store is unavailable: {0}")]
pub struct Unavailable(pub String);
