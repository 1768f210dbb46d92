//! What makes events besides the API: jobs (simulated here, or reported from elsewhere)
//! and the market, with the pricing of quotes fed from outside.
//!
//! Producers publish into the hub, or, on a cluster, into the Redis engine's log; they
//! know nothing of HTTP or of who asked (authorization and rates are `access/`'s, applied
//! by the operations in `app_state/operations.rs`).

/// Prices fed through `POST /api/quotes`, checked and completed as a whole batch.
pub mod fed_quotes;
/// Jobs as tokio tasks, bounded in number, each stoppable; and reported jobs.
pub mod jobs;
/// The simulated market: geometric Brownian motion, one symbol per tick.
pub mod market;
