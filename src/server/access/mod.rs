//! Who may do what, and how often: the one path every way in (the API, the page's forms,
//! the CLI) goes through before it changes anything or holds anything open.
//!
//! It knows the configuration and the API's error type, nothing of handlers, the hub or
//! the network: an operation is handed an [`Operator`] (proof that [`auth::authorize`]
//! passed) and charges its rate itself (`app_state/operations.rs`).

/// What a request may do: the only maker of an [`Operator`] or a [`Viewer`] from a request.
pub mod auth;
/// Concurrent event streams per client address and in total, and the client's address.
pub mod limits;
/// The origin rule, and whether cookies are `Secure`.
pub mod origin;
/// Who a request comes from: its bearer token, the sign-on proxy's header, its session.
pub mod principal;
/// Token buckets per client address and kind of operation.
pub mod rates;
/// The page's session cookies (HMAC-signed with the token they were made with).
pub mod session;

pub use auth::{Operator, Viewer};
