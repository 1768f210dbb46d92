//! The Redis engine (`--redis-url`): the store behind the hub when nodes form a cluster.
//! Every node publishes into one log in Redis and follows it into its own hub, so ids,
//! state and replay agree across nodes. Imports only the hub (and the clock).

/// A node's handle: publish into the log, next ids, leases, readiness.
mod cluster;
/// Jobs whose state is Redis's: compare-and-set changes, owners, reported jobs.
mod cluster_jobs;
/// Following the log into this node's hub.
mod follow;
/// Failing the jobs of nodes that died.
mod janitor;
/// Work that runs on one node at a time (the market, the janitor).
pub mod lease;
/// The log and stored state, written and read through two Lua scripts.
mod store;

pub use cluster::Cluster;
pub use follow::{Following, follow};
pub use store::{Lengths, StoreError, Stored, init, load, publish, publish_if};
