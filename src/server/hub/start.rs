//! Where a new or returning stream starts: the hub's answer to a subscription.

use super::{published::Published, snapshots::Pending};
use crate::protocol::EventId;
use bytes::Bytes;
use std::sync::Arc;
use tokio::sync::broadcast;

/// Where a stream starts, as the hub decides it under its lock: a snapshot still to be
/// encoded (outside the lock), or the exact events missed.
pub(super) enum Begin {
    Snapshot(Arc<Pending>),
    Replay(Vec<Arc<Published>>),
}

impl Begin {
    /// Encodes the snapshot, if it is one (the first caller does, the rest share it).
    pub(super) fn resolve(self) -> Start {
        match self {
            Begin::Snapshot(pending) => Start::Snapshot(pending.frame()),
            Begin::Replay(missed) => Start::Replay(missed),
        }
    }
}

/// Where a stream starts.
pub enum Start {
    /// The client's state is replaced by this snapshot (taken at the subscription's `head`).
    Snapshot(Bytes),
    /// The client missed exactly these events (in order); nothing else.
    Replay(Vec<Arc<Published>>),
}

pub struct Subscription {
    pub start: Start,
    /// The newest event the start covers.
    pub head: EventId,
    /// Delivers every event published after `head`, in order.
    pub receiver: broadcast::Receiver<Arc<Published>>,
}
