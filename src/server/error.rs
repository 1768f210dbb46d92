//! The one error type of the HTTP API: every failure becomes a status and `{"error": "..."}`
//! (the shared [`ErrorBody`]), from the API, the page's server functions and the fallbacks.

use crate::protocol::ErrorBody;
use axum::{
    Json,
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request was malformed or out of range; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// Missing or wrong credentials for a state-changing operation.
    #[error("{0}")]
    Unauthorized(String),
    /// A browser request on behalf of another site's page.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The path exists, the method does not.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The request was valid but the resource's state does not allow it.
    #[error("{0}")]
    Conflict(String),
    /// A report to a job that is not running as a reported job: the body says its state,
    /// so a reporter learns it was cancelled and stops.
    #[error("{message}")]
    JobNotRunning {
        message: String,
        state: crate::protocol::JobState,
    },
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
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::JobNotRunning { .. } => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Rejected(status, _) => *status,
        }
    }

    /// The header that goes with the status: the scheme to authenticate with, or when to
    /// try again.
    pub fn header(&self) -> Option<(HeaderName, HeaderValue)> {
        match self {
            ApiError::Unauthorized(_) => {
                Some((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")))
            }
            ApiError::TooManyRequests { retry_after, .. }
            | ApiError::Unavailable { retry_after, .. } => {
                Some((header::RETRY_AFTER, HeaderValue::from(*retry_after)))
            }
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(ErrorBody::from(&self))).into_response();
        if let Some((name, value)) = self.header() {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

impl From<axum::extract::rejection::BytesRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::BytesRejection) -> Self {
        ApiError::Rejected(rejection.status(), rejection.body_text())
    }
}

impl From<&ApiError> for ErrorBody {
    fn from(error: &ApiError) -> Self {
        ErrorBody {
            error: error.to_string(),
            state: match error {
                ApiError::JobNotRunning { state, .. } => Some(*state),
                _ => None,
            },
        }
    }
}

/// The event store (Redis) cannot take a publish now: 503, and come back in a second.
impl From<crate::server::engine::Unavailable> for ApiError {
    fn from(e: crate::server::engine::Unavailable) -> ApiError {
        ApiError::Unavailable {
            message: e.to_string(),
            retry_after: 1,
        }
    }
}
