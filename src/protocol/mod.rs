//! The wire contract, compiled identically for the server and the browser.
//!
//! Everything that crosses the network is defined here once: the live [`Event`]s and their
//! wire names ([`EventKind`]), the [`Topic`]s a stream can carry, the payload types (quotes,
//! jobs, toasts), the request bodies of the publish API, the SSE framing (an encoder and a
//! parser) and the schedule every client reconnects on (`reconnect`). Neither side spells
//! an event name or a field by hand, so they cannot drift.

mod event;
mod job;
mod job_detail_wire;
mod job_page;
mod job_report;
mod job_spec;
mod page;
mod quote;
mod quote_feed;
pub mod reconnect;
pub mod sse;
mod toast;
mod topic;

pub use event::{DecodeError, Event, EventId, EventKind, Snapshot};
pub use job::{
    ItemError, Job, JobDetail, JobId, JobKind, JobLog, JobState, PhaseProgress, Timeline,
};
pub use job_page::{JobLines, JobView};
pub use job_report::{JobReport, Lines, ReportedEnd};
pub use job_spec::{JobSpec, PhaseSpec, ReportedPhase, ReportedSpec};
pub use page::{
    Access, ErrorBody, HELLO, Hello, MarketSource, PRESENCE, PageState, Presence, SIGNED_OUT,
};
pub use quote::{Quote, QuoteSeries};
pub use quote_feed::{FedQuote, normalize_symbol, validate_batch};
pub use toast::{Level, NotificationRequest, Toast};
pub use topic::{Topic, TopicSet, union_of_lists};

/// Milliseconds since the Unix epoch; the one clock unit on the wire.
pub type Millis = u64;
