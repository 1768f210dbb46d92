//! The stores behind the hub. A single node numbers its events in a [`Journal`]: in memory
//! (`--ephemeral`), or in an embedded database in its data dir (`disk/`, the default),
//! committed before the hub applies them. Nodes of a cluster share the Redis engine
//! (`redis/`, `--redis-url`). Both stores number events and hand them to the hub in order
//! (`Hub::apply_numbered`), and both position a hub at what they hold (`Hub::reset`).
//!
//! Imports only the hub (and the clock).

/// The embedded database: a single node's state, durable, in `--data-dir`.
pub mod disk;
/// Ids of jobs and toasts, counted from their log's epoch.
pub mod ids;
/// A single node's way to publish: into memory, or durably to disk.
mod journal;
/// The Redis engine: the cluster's log, stored state, leases and janitor.
pub mod redis;
/// The failure every store reports alike.
mod unavailable;

pub use journal::{Ack, Journal};
pub use redis::{Cluster, Following, Lengths, StoreError, Stored, follow, lease, load, publish};
pub use unavailable::Unavailable;
