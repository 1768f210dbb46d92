//! The CLI's HTTP client: one place that knows the server's address, sends the token and
//! turns every failure into one clear line with an exit code.

use super::{args::ClientArgs, exit};
use crate::protocol::{ErrorBody, JobState};
use reqwest::{StatusCode, header};
use serde::{Serialize, de::DeserializeOwned};
use std::time::Duration;

/// How long a request (not a stream) may take before we give up on it. `run` waits for
/// its reports between looking at signals and the command, so this also bounds how late
/// it may notice a Ctrl-C while the server hangs.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    server: reqwest::Url,
    token: Option<String>,
}

/// Why a request did not succeed: the server refused it, or could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The server answered with an error; its JSON body's message, and a job's state with a
    /// 409 to a reporter.
    #[error("{what}: the server answered {status}: {message}")]
    Refused {
        what: String,
        status: StatusCode,
        message: String,
        state: Option<JobState>,
        retry_after: Option<Duration>,
    },
    #[error("{what}: cannot reach {server}: {reason}")]
    Unreachable {
        what: String,
        server: String,
        reason: String,
    },
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Refused { .. } => exit::REFUSED,
            CliError::Unreachable { .. } => exit::UNREACHABLE,
        }
    }

    /// The job's state, when the server refused a report because the job has ended.
    pub fn ended_state(&self) -> Option<JobState> {
        match self {
            CliError::Refused {
                status: StatusCode::CONFLICT,
                state,
                ..
            } => *state,
            _ => None,
        }
    }

    /// Worth trying again later: the server is away, busy, or failed this once.
    pub fn is_transient(&self) -> bool {
        match self {
            CliError::Unreachable { .. } => true,
            CliError::Refused { status, .. } => {
                *status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
            }
        }
    }
}

impl Client {
    pub fn new(args: &ClientArgs) -> Client {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("livedash-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the TLS backend is compiled in");
        Client {
            http,
            server: args.server.clone(),
            token: args.token.clone().filter(|t| !t.is_empty()),
        }
    }

    pub fn server(&self) -> &reqwest::Url {
        &self.server
    }

    /// `path` (e.g. `/api/jobs`) on the server, whatever path the server's URL has.
    pub fn url(&self, path: &str) -> reqwest::Url {
        let mut url = self.server.clone();
        let base = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base}{path}"));
        url
    }

    /// A GET with the token, for streams (no overall timeout).
    pub fn get(&self, path_and_query: &str) -> reqwest::RequestBuilder {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let mut url = self.url(path);
        url.set_query((!query.is_empty()).then_some(query));
        self.authorized(self.http.get(url))
    }

    /// POSTs `body` as JSON and decodes the answer.
    pub async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, CliError> {
        let what = format!("POST {path}");
        let request = self
            .http
            .post(self.url(path))
            .json(body)
            .timeout(REQUEST_TIMEOUT);
        let response = self.send(&what, self.authorized(request)).await?;
        response
            .json()
            .await
            .map_err(|e| self.unreachable(&what, e))
    }

    /// Sends a request; anything but a 2xx becomes a [`CliError`].
    pub async fn send(
        &self,
        what: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, CliError> {
        let response = request
            .send()
            .await
            .map_err(|e| self.unreachable(what, e))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .map(Duration::from_secs);
        let text = response.text().await.unwrap_or_default();
        let (message, state) = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => (body.error, body.state),
            Err(_) if text.trim().is_empty() => ("(no details)".to_owned(), None),
            Err(_) => (text.trim().chars().take(200).collect(), None),
        };
        Err(CliError::Refused {
            what: what.to_owned(),
            status,
            message,
            state,
            retry_after,
        })
    }

    fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    fn unreachable(&self, what: &str, e: reqwest::Error) -> CliError {
        // The innermost cause says what happened ("Connection refused"), the outer ones
        // only that a request failed.
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            reason = cause.to_string();
            source = cause.source();
        }
        if e.is_timeout() {
            reason = "it did not answer in time".into();
        }
        CliError::Unreachable {
            what: what.to_owned(),
            server: self.server.to_string(),
            reason,
        }
    }
}
