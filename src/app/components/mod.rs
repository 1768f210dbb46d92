//! One component per file.

mod connection;
mod feed;
mod job_card;
mod jobs;
mod notify_form;
mod quote_row;
mod sparkline;
mod ticker;
mod toasts;

pub use connection::ConnectionBadge;
pub use feed::NotificationFeed;
pub use jobs::JobsPanel;
pub use notify_form::NotifyForm;
pub use ticker::Ticker;
pub use toasts::ToastStack;
