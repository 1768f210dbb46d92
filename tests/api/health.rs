//! Liveness and readiness.

use crate::api::support::TestServer;
use axum::{body::Body, http::Request};
use livedash::server;
use tower::ServiceExt;

#[tokio::test]
async fn healthy_and_ready_while_serving() {
    let server = TestServer::start().await;
    assert_eq!(server.get_json("/healthz").await.1["status"], "ok");
    let (status, body) = server.get_json("/readyz").await;
    assert_eq!(
        (status.as_u16(), body["status"].as_str()),
        (200, Some("ready"))
    );
}

#[tokio::test]
async fn not_ready_once_shutting_down() {
    let server = TestServer::start().await;
    server.state.shutdown.cancel();
    let request = Request::get("/readyz").body(Body::empty()).unwrap();
    let response = server::router(server.state.clone())
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let response = server::router(server.state.clone())
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "still alive while draining");
}
