//! One component per file.
//!
//! Components return `AnyView`: erasing the view type at each component boundary keeps the
//! nested type small enough for rustc's query depth limit in the optimised wasm build, and
//! makes builds faster.

mod access;
mod connection;
mod feed;
mod job_card;
mod jobs;
mod notify_form;
mod quote_row;
mod sparkline;
mod ticker;
mod toasts;

pub use access::{AccessControl, ReadOnlyNote};
pub use connection::ConnectionBadge;
pub use feed::NotificationFeed;
pub use jobs::JobsPanel;
pub use notify_form::NotifyForm;
pub use ticker::Ticker;
pub use toasts::ToastStack;
