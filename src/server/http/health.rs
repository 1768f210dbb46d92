//! `/healthz` (the process is alive) and `/readyz` (it takes new work: 503 once shutting
//! down, so a load balancer stops sending clients before the streams close, and while a
//! cluster node cannot follow its Redis engine).

use crate::server::app_state::AppState;
use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(app): State<AppState>) -> (StatusCode, Json<Value>) {
    let following = app.engine.as_ref().is_none_or(|c| *c.ready().borrow());
    if app.shutdown.is_cancelled() {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "shutting down" })),
        )
    } else if !following {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "the event store (Redis) is unreachable" })),
        )
    } else {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    }
}
