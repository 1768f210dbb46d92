//! One component per file.
//!
//! No component erases its view type (`AnyView`, or `Show`/`Suspense`, whose children are
//! `AnyView`s): in the browser build every erased view carries its own copy of the async
//! hydration code, which was a tenth of the bundle (README "Performance"). Conditional
//! parts are closures over a `Memo`, so they are rebuilt only when the condition flips.

mod access;
mod connection;
mod feed;
mod job_card;
mod job_view;
mod jobs;
mod notify_form;
mod post_form;
mod quote_row;
mod sign_in;
mod sparkline;
mod ticker;
mod toasts;
mod update_notice;
mod watching;

pub use access::{AccessControl, ReadOnlyNote};
pub use connection::ConnectionBadge;
pub use feed::NotificationFeed;
pub use job_view::JobView;
pub use jobs::JobsPanel;
pub use notify_form::NotifyForm;
pub use post_form::{Answer, Post};
pub use sign_in::SignInPage;
pub use ticker::Ticker;
pub use toasts::ToastStack;
pub use update_notice::UpdateNotice;
pub use watching::Watching;
