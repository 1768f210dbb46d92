//! What the page itself exchanges with the server: its first state, what its viewer may
//! do, and the error every failed request carries.

use super::{EventId, JobState, Snapshot};
use serde::{Deserialize, Serialize};

/// What the viewer of the dashboard may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// No publish token is configured: everyone may start jobs and send notifications.
    Open,
    /// A token is configured and this browser signed in with it.
    Operator,
    /// A token is configured and this browser has not signed in: read-only.
    Viewer,
}

impl Access {
    /// Whether the controls that change state are offered.
    pub fn can_operate(self) -> bool {
        !matches!(self, Access::Viewer)
    }
}

/// Where the ticker's prices come from, for the panel to say so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketSource {
    /// The built-in simulation (fed prices join it).
    Simulated,
    /// Only what systems feed through `POST /api/quotes`.
    Fed,
}

/// The page's first render: the state, the id of the newest event in it (the browser
/// resumes the stream from there), what the viewer may do, where prices come from, and the
/// build of the server that rendered it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageState {
    pub snapshot: Snapshot,
    pub head: EventId,
    pub access: Access,
    pub market: MarketSource,
    pub build: String,
}

/// The name of the event that opens every stream, before its snapshot or replay.
pub const HELLO: &str = "hello";

/// The `hello` event's data: which build serves this stream, and how the browser should
/// treat it. A page rendered by another build reloads itself (at a safe moment) to run
/// this one's code. Its `id:` is where the stream starts from (the client's
/// `Last-Event-ID`, or the log's start), so it never moves a client forward.
///
/// The timings are optional on the wire so that a page and a server of different builds
/// (during a deploy) still understand each other's hello.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub build: String,
    /// The server's heartbeat period: a stream silent for two of them is taken for dead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_ms: Option<u64>,
    /// How long a browser keeps the stream open while none of its tabs is visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_pause_ms: Option<u64>,
}

/// The body of every error response, `{"error": "..."}`: from the API and from the page's
/// own server functions alike, so the page shows the API's message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{error}")]
pub struct ErrorBody {
    pub error: String,
    /// With a 409 to a job's reporter: the state the job is in (e.g. `cancelled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<JobState>,
}
