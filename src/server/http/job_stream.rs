//! `POST /api/jobs` with `Accept: text/event-stream`: start a job and stream its events in
//! the response until it ends, for scripts and CLIs (`curl -N` shows progress live).
//!
//! The job outlives the request by default: a client that disconnects has only stopped
//! watching. With `?cancel_on_disconnect=true` the job is cancelled when the response is
//! dropped before the job ended.

use crate::protocol::{Event, JobId, JobSpec, sse};
use crate::server::{
    access::{Operator, limits::StreamPermit},
    app_state::AppState,
    error::ApiError,
    hub::{Key, Published},
    producers::jobs::Jobs,
};
use axum::{
    body::Body,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use futures::stream;
use std::{convert::Infallible, sync::Arc};
use tokio::sync::broadcast::{Receiver, error::RecvError};
use tokio_util::sync::CancellationToken;

/// `permit` is the stream's place under the stream limits, held until the response ends;
/// taking it before the job starts means a refused client started nothing.
pub async fn respond(
    app: &AppState,
    operator: &Operator,
    spec: JobSpec,
    cancel_on_disconnect: bool,
    permit: StreamPermit,
) -> Result<Response, ApiError> {
    // Listen before starting, so not even the `queued` event can be missed.
    let receiver = app.hub.receiver();
    let job = app.start_job(operator, spec).await?;
    let watch = Watch {
        app: app.clone(),
        receiver,
        id: job.id,
        shutdown: app.shutdown.clone(),
        guard: CancelOnDrop {
            jobs: app.jobs.clone(),
            id: job.id,
            armed: cancel_on_disconnect,
        },
        ended: false,
        _permit: permit,
    };
    let body = stream::unfold(watch, |mut watch| async move {
        let frame = watch.next_frame().await?;
        Some((Ok::<_, Infallible>(frame), watch))
    });
    Ok((
        StatusCode::CREATED,
        [
            (header::CONTENT_TYPE, "text/event-stream".to_owned()),
            (header::CACHE_CONTROL, "no-cache".to_owned()),
            (header::LOCATION, format!("/api/jobs/{}", job.id)),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

struct Watch {
    app: AppState,
    receiver: Receiver<Arc<Published>>,
    id: JobId,
    shutdown: CancellationToken,
    guard: CancelOnDrop,
    ended: bool,
    _permit: StreamPermit,
}

impl Watch {
    async fn next_frame(&mut self) -> Option<Bytes> {
        if self.ended {
            return None;
        }
        loop {
            let received = tokio::select! {
                biased;
                () = self.shutdown.cancelled() => return None,
                received = self.receiver.recv() => received,
            };
            match received {
                Ok(published) if published.key.job() == Some(self.id) => {
                    self.ended = matches!(published.key, Key::JobEnd(_));
                    self.guard.armed &= !self.ended;
                    return Some(published.frame.clone());
                }
                Ok(_) => {}
                // Fell behind: the job's current state says everything that was missed.
                Err(RecvError::Lagged(_)) => {
                    let (snapshot, head) = self.app.hub.snapshot();
                    let job = snapshot.jobs.into_iter().find(|j| j.id == self.id)?;
                    self.ended = job.state.is_final();
                    self.guard.armed &= !self.ended;
                    return Some(Bytes::from(sse::encode_event(&Event::Job(job), head)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// Cancels the job when the response is dropped early, if the client asked for that.
struct CancelOnDrop {
    jobs: Jobs,
    id: JobId,
    armed: bool,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        // The job was started by this request, so it runs on this node (or has ended).
        if self.armed {
            self.jobs.cancel_here(self.id);
        }
    }
}
