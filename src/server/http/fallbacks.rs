//! What the router answers when no handler does: a method a path does not serve, and a
//! server function whose arguments did not decode. Both answer with the API's JSON error.

use crate::server::error::ApiError;
use axum::{extract::Request, http::StatusCode, middleware::Next, response::Response};

/// Every router's answer to a known path with a method it does not serve.
pub async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "{} is not allowed on {}",
        request.method(),
        request.uri().path()
    ))
}

/// Middleware: a server function that failed before our code ran (its arguments did not
/// decode, a field was missing) answers with the framework's 500; that is the client's
/// mistake, so it becomes a 400. Our own failures set their status themselves
/// (`page.rs`), and the body is already an [`ErrorBody`].
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && response.headers().contains_key("serverfnerror")
    {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    response
}
