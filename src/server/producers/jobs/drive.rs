//! The life of one simulated job, as a task: wait for a slot, step, end.

use super::{runner::Inner, work::Work};
use crate::{
    protocol::{Event, JobState},
    server::clock::now_ms,
};
use std::{sync::Arc, time::Duration};
use tokio_util::sync::CancellationToken;

impl Inner {
    /// The life of one job: wait for a slot, then step until done or cancelled.
    pub(super) async fn drive(
        self: Arc<Self>,
        mut work: Work,
        step: Duration,
        cancel: CancellationToken,
    ) {
        let inner = self;
        let id = work.job.id;
        let slot = tokio::select! {
            () = cancel.cancelled() => None,
            slot = inner.slots.clone().acquire_owned() => slot.ok(),
        };
        let mut ended_elsewhere = false;
        if let Some(_slot) = slot {
            work.start(now_ms());
            inner.publish(&work).await;
            loop {
                tokio::select! {
                    biased;
                    () = cancel.cancelled() => break,
                    () = tokio::time::sleep(step) => {
                        ended_elsewhere = inner.ended_elsewhere(id);
                        if ended_elsewhere || work.advance(now_ms()) {
                            break;
                        }
                        inner.publish(&work).await;
                    }
                }
            }
        }
        if ended_elsewhere {
            inner.lock_live().remove(&id);
            return;
        }
        // Kept on disk, a job interrupted by shutdown stays as it is: the next start ends it
        // `failed` ("the server restarted"), as it would after a crash (`recover.rs`).
        if inner.shutdown.is_cancelled() && inner.journal.is_durable() && !work.job.state.is_final()
        {
            inner.lock_live().remove(&id);
            return;
        }
        if !work.job.state.is_final() {
            let why = inner
                .shutdown
                .is_cancelled()
                .then(|| "the server shut down".to_owned());
            work.finish(JobState::Cancelled, why, now_ms());
        }
        if inner.engine.is_some() {
            inner.publish(&work).await;
            inner.lock_live().remove(&id);
            return;
        }
        // The final state and the freed place in the queue appear together: a client that saw
        // the one can count on the other (a start waits for this lock).
        let ended = {
            let mut live = inner.lock_live();
            let ended = inner.journal.submit(Event::Job(work.job.clone()));
            live.remove(&id);
            ended
        };
        if ended.await.is_err() {
            inner.publish(&work).await;
        }
    }
}
