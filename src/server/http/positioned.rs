//! A cluster node serves pages and streams only once its hub holds the cluster's state.
//!
//! A node that has just started (or started while Redis was away) has a hub of its own
//! making: a client resuming there would get a needless snapshot, and a page would show
//! nothing. Such a request waits briefly for the node to read Redis, then gets 503 with
//! `Retry-After`, which a load balancer can pass to the next node (see the README's nginx
//! configuration) and a browser retries. Health and metrics are never held.

use crate::server::{app_state::AppState, error::ApiError};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::time::Duration;

/// How long a request waits for a starting node to read the cluster's state.
const SETTLE: Duration = Duration::from_secs(3);

pub async fn gate(State(app): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(cluster) = &app.engine
        && let Err(e) = cluster.positioned(SETTLE).await
    {
        return ApiError::from(e).into_response();
    }
    next.run(request).await
}
