//! The embedded database: a single node's events and state in its data dir (`--data-dir`),
//! so a restart (a deploy) loses nothing and continues the same log: the same epoch, the
//! next sequence number, the jobs, the feed and the prices.
//!
//! SQLite (through rusqlite, built from its bundled source), in WAL mode with
//! `synchronous = FULL`: a commit returns once the log is on disk. Chosen over redb and
//! fjall for how it fails: a full disk is an error on that one transaction (rolled back;
//! the connection goes on and recovers by itself when there is space), a damaged file is
//! found by `PRAGMA quick_check` at start, and an operator can open the file with the
//! `sqlite3` shell. (redb poisons the whole database after one I/O error until it is
//! reopened, and its reopening needs space to repair.)
//!
//! One writer thread numbers and commits events in batches (group commit: every publish
//! waiting at that moment shares one fsync), then hands them to the hub in order, then
//! answers the publishers: acknowledged means durable. Every few thousand events it writes
//! the state as a snapshot and deletes the events the snapshot covers, keeping only the
//! replay window's, so the file does not grow with uptime.

/// The lock, the file, its checks and its tables.
mod open;
/// The state read back at start.
mod restore;
/// The writer thread: group commit, then the hub, then the answers; snapshots.
mod writer;

mod handle;

pub use handle::{Disk, Opened};
pub use open::OpenError;
