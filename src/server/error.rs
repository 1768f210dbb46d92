//! The one error type of the HTTP API: every failure becomes a status and `{"error": "..."}`.

use axum::{
    Json,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request was malformed or out of range; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// Missing or wrong credentials for the publish API.
    #[error("{0}")]
    Unauthorized(String),
    /// A cross-site request to the page's own controls.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The request was valid but the resource's state does not allow it.
    #[error("{0}")]
    Conflict(String),
    /// A client is over one of its limits; it may retry after the given seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// The server as a whole is at a limit; retry after the given seconds.
    #[error("{message}")]
    Unavailable { message: String, retry_after: u64 },
    /// An extractor rejected the request with its own status (e.g. 413).
    #[error("{1}")]
    Rejected(StatusCode, String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Rejected(status, _) => *status,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status(), Json(json!({ "error": self.to_string() }))).into_response();
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthorized(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
            }
            ApiError::TooManyRequests { retry_after, .. }
            | ApiError::Unavailable { retry_after, .. } => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            }
            _ => {}
        }
        response
    }
}

impl From<axum::extract::rejection::BytesRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::BytesRejection) -> Self {
        ApiError::Rejected(rejection.status(), rejection.body_text())
    }
}
