//! What the page itself exchanges with the server: its first state, what its viewer may
//! do, and the error every failed request carries.

use super::{EventId, JobId, JobLines, JobState, Snapshot, TopicSet};
use serde::{Deserialize, Serialize};

/// What the viewer of the dashboard may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// No publish token is configured: everyone may start jobs and send notifications.
    Open,
    /// A token is configured and this browser signed in with it.
    Operator,
    /// Read-only: a publish token is configured and this browser has not signed in with
    /// it, or a viewer signed in (view token, single sign-on).
    Viewer,
    /// Watching needs access (`--view-token`, `--auth-proxy-header`) and this browser has
    /// none: the page is a sign-in form, with no data.
    Locked,
}

impl Access {
    /// Whether the controls that change state are offered.
    pub fn can_operate(self) -> bool {
        matches!(self, Access::Open | Access::Operator)
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
    /// The topics this viewer may watch: the page shows their panels only.
    pub topics: TopicSet,
    /// Who the viewer is, when a sign-on proxy named them.
    pub user: Option<String>,
    /// Whether a token typed into the page signs in (one is configured).
    pub token_sign_in: bool,
    /// Whether this browser holds a session (signing out ends it).
    pub session: bool,
    pub presence: Presence,
    /// A job's page (`/jobs/{id}`): its job. The snapshot then holds that job alone (none
    /// when it is unknown: the page says so, answered 404), the topics only `jobs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobId>,
    /// A job's page: its longer log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<JobLines>,
}

/// Who is watching now: the browsers with a stream open (a browser's tabs share one), and
/// the users among them a sign-on proxy named, for viewers who may see names.
/// `GET /api/presence` answers with it, and streams send it as a `presence` event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub watching: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
}

/// The event telling who is watching (no id: it is not part of the log, never replayed).
pub const PRESENCE: &str = "presence";

/// The last event of a stream whose access ended (the session expired): the page asks its
/// viewer to sign in again rather than reconnect. Its data is an [`ErrorBody`].
pub const SIGNED_OUT: &str = "signed_out";

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
    /// This stream's entry among the watchers: the browser's next stream names it
    /// (`?presence=`) so a reconnect is not counted as someone new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence: Option<String>,
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
