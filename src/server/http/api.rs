//! The JSON endpoints of the public API (the event stream is in `events.rs`).

use super::job_stream;
use crate::protocol::{
    FedQuote, Job, JobId, JobReport, JobSpec, JobView, NotificationRequest, Presence, Quote, Topic,
};
use crate::server::{
    access::{
        Operator, Viewer,
        limits::{ClientIp, Transport},
    },
    app_state::AppState,
    error::ApiError,
};
use axum::{
    Json,
    extract::{
        FromRequest, Path, Query, Request, State,
        rejection::{PathRejection, QueryRejection},
    },
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::json;

/// A JSON request body. Unlike `axum::Json` it does not insist on a `Content-Type` (so a
/// plain `curl -d` works) and every failure is a 400 whose message says what was wrong and,
/// where it can, in which field.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await?;
        decode(&mut serde_json::Deserializer::from_slice(&bytes)).map(JsonBody)
    }
}

/// Deserializes, naming the field of a bad value where serde can tell (`[2].price`).
fn decode<'de, T: serde::Deserialize<'de>>(
    json: impl serde::Deserializer<'de, Error = serde_json::Error>,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ApiError::BadRequest(match path.as_str() {
            "." | "" => format!("invalid JSON body: {inner}"),
            path => format!("invalid JSON body: `{path}`: {inner}"),
        })
    })
}

/// The body of `POST /api/jobs`. Serde loses the field path inside an internally tagged
/// enum, so a reported job's spec, which clients write by hand, is decoded on its own: a
/// negative `total` is named as such.
pub struct SpecBody(pub JobSpec);

impl<S: Send + Sync> FromRequest<S> for SpecBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let JsonBody(mut value) = JsonBody::<serde_json::Value>::from_request(req, state).await?;
        if value.get("kind").and_then(|k| k.as_str()) == Some("reported") {
            value.as_object_mut().map(|o| o.remove("kind"));
            return decode(value).map(|spec| SpecBody(JobSpec::Reported(spec)));
        }
        decode(value).map(SpecBody)
    }
}

/// The prices now, for a viewer of `quotes`.
pub async fn quotes(
    State(app): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<Quote>>, ApiError> {
    viewer.require(Topic::Quotes)?;
    Ok(Json(app.hub.read(|s| {
        s.quotes.iter().map(|q| q.quote.clone()).collect()
    })))
}

/// Who is watching now: the count for every viewer, the names for those who may see them.
pub async fn presence(State(app): State<AppState>, viewer: Viewer) -> Json<Presence> {
    let mut now = app.presence.current();
    if !viewer.sees_names() {
        now.users.clear();
    }
    Json(now)
}

/// Takes a batch of prices from outside (priced by `producers/fed_quotes.rs`): all of it or none.
pub async fn feed_quotes(
    State(app): State<AppState>,
    operator: Operator,
    JsonBody(batch): JsonBody<Vec<FedQuote>>,
) -> Result<impl IntoResponse, ApiError> {
    let accepted = app.feed_quotes(&operator, batch).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "accepted": accepted }))))
}

/// The jobs now, for a viewer of `jobs`.
pub async fn jobs(State(app): State<AppState>, viewer: Viewer) -> Result<Json<Vec<Job>>, ApiError> {
    viewer.require(Topic::Jobs)?;
    Ok(Json(app.hub.read(|s| s.jobs.clone())))
}

/// One job with its longer log (what its page shows), for a viewer of `jobs`; 404 for a
/// job no longer in the list (finished jobs age out, `state/jobs.rs`) or never started.
pub async fn job(
    State(app): State<AppState>,
    viewer: Viewer,
    id: Result<Path<JobId>, PathRejection>,
) -> Result<Json<JobView>, ApiError> {
    viewer.require(Topic::Jobs)?;
    let id = job_id(id)?;
    let (job, log, head) = app.hub.job_view(id).ok_or_else(|| unknown_job(id))?;
    Ok(Json(JobView { job, log, head }))
}

/// The 404 of a job id the list does not hold.
pub fn unknown_job(id: JobId) -> ApiError {
    ApiError::NotFound(format!(
        "job {id} is unknown: it never existed, or it finished and left the list"
    ))
}

/// A job id from the path: a positive integer, or a 400 naming `id`.
fn job_id(id: Result<Path<JobId>, PathRejection>) -> Result<JobId, ApiError> {
    match id {
        Ok(Path(id)) if id > 0 => Ok(id),
        _ => Err(ApiError::BadRequest(
            "`id`: a job id must be a positive integer".into(),
        )),
    }
}

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    /// With a streamed response: cancel the job if the client goes away before it ends.
    #[serde(default)]
    cancel_on_disconnect: bool,
}

/// Starts a job. With `Accept: text/event-stream` the response streams the job's events
/// until it ends (see `job_stream.rs`); otherwise it is the job as JSON. Authorization
/// comes first, so an unauthorized caller learns nothing about validation.
pub async fn start_job(
    State(app): State<AppState>,
    operator: Operator,
    ClientIp(ip): ClientIp,
    transport: Transport,
    headers: HeaderMap,
    query: Result<Query<StartQuery>, QueryRejection>,
    SpecBody(spec): SpecBody,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let wants_stream = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/event-stream"));
    if wants_stream {
        let permit = app.limits.open_stream(ip, transport)?;
        return job_stream::respond(&app, &operator, spec, query.cancel_on_disconnect, permit)
            .await;
    }
    let job = app.start_job(&operator, spec).await?;
    let location = format!("/api/jobs/{}", job.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(job),
    )
        .into_response())
}

pub async fn cancel_job(
    State(app): State<AppState>,
    operator: Operator,
    id: Result<Path<JobId>, PathRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let id = job_id(id)?;
    app.cancel_job(&operator, id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "id": id, "status": "cancelling" })),
    ))
}

/// A reporter's progress report for its job: 200 with the job as it now stands.
pub async fn report_job(
    State(app): State<AppState>,
    operator: Operator,
    id: Result<Path<JobId>, PathRejection>,
    JsonBody(report): JsonBody<JobReport>,
) -> Result<Json<Job>, ApiError> {
    let id = job_id(id)?;
    Ok(Json(app.report_job(&operator, id, report).await?))
}

/// Publishes a toast. Authorization comes before the body is read, so an unauthorized
/// caller learns nothing about validation.
pub async fn notify(
    State(app): State<AppState>,
    operator: Operator,
    JsonBody(request): JsonBody<NotificationRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let toast = app.notify(&operator, request).await?;
    Ok((StatusCode::ACCEPTED, Json(toast)))
}

/// Unknown paths under `/api` answer in JSON too, not with the HTML 404 page.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such API endpoint".into())
}
