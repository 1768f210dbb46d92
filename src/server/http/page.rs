//! What the page's server functions (`app/server_fns.rs`) do on the server: the same
//! operations as the public API, authorized by the same path (`access/auth.rs`), failing with the
//! API's status and `{"error": ...}` body.
//!
//! Inside a server function, leptos_axum provides the request's parts and a
//! `ResponseOptions` through the reactive context; this file is the one place that reads
//! them, so the page's code never touches the server's types.

use crate::protocol::{
    Access, ErrorBody, EventId, JobId, JobKind, JobSpec, Level, MarketSource, NotificationRequest,
    PageState, Snapshot, Topic, TopicSet,
};
use crate::server::{
    access::{
        Operator, auth,
        limits::ClientIp,
        origin,
        rates::Action,
        session::{self, Kind},
    },
    app_state::AppState,
    config::MarketMode,
    error::ApiError,
    net::OverTls,
};
use axum::{
    extract::FromRequestParts,
    http::{HeaderValue, StatusCode, header, request::Parts},
};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The state the page renders first, and what its viewer may do: the dashboard's, or
/// with `job` a job's page's (that job alone and its longer log; 404 when the list does
/// not hold it, 403 for a viewer without `jobs`). Without access (viewer access on, no
/// credential) it carries no data at all, and the page is answered with 401: the sign-in
/// form.
pub fn page_state(job: Option<JobId>) -> Result<PageState, ErrorBody> {
    let (app, parts) = request()?;
    let (access, viewer) = auth::page_access(&app.config, &parts);
    let mut log = None;
    let (snapshot, head, topics, user, presence) = match &viewer {
        Some(viewer) => {
            let mut presence = app.presence.current();
            if !viewer.sees_names() {
                presence.users.clear();
            }
            let (snapshot, head, topics) = match job {
                None => {
                    let (snapshot, head) = app.hub.snapshot();
                    let topics = viewer.topics();
                    (crate::state::restrict(&snapshot, topics), head, topics)
                }
                Some(id) => {
                    viewer.require(Topic::Jobs).map_err(fail)?;
                    let (jobs, head) = match app.hub.job_view(id) {
                        Some((job, lines, head)) => {
                            log = Some(lines);
                            (vec![job], head)
                        }
                        None => {
                            fail(super::api::unknown_job(id));
                            (Vec::new(), app.hub.head_id())
                        }
                    };
                    let snapshot = Snapshot {
                        jobs,
                        ..Snapshot::default()
                    };
                    (snapshot, head, [Topic::Jobs].into_iter().collect())
                }
            };
            (
                snapshot,
                head,
                topics,
                viewer.user().map(str::to_owned),
                presence,
            )
        }
        None => {
            if let Some(response) = use_context::<ResponseOptions>() {
                response.set_status(StatusCode::UNAUTHORIZED);
            }
            let nothing = EventId { epoch: 0, seq: 0 };
            (
                Snapshot::default(),
                nothing,
                TopicSet::empty(),
                None,
                Default::default(),
            )
        }
    };
    Ok(PageState {
        snapshot,
        head,
        access,
        market: match app.config.market {
            MarketMode::Simulated => MarketSource::Simulated,
            MarketMode::Off => MarketSource::Fed,
        },
        build: app.build.to_string(),
        topics,
        user,
        token_sign_in: auth::token_sign_in(&app.config),
        session: viewer.as_ref().is_some_and(|v| v.expires_at().is_some()),
        presence,
        job,
        log,
    })
}

pub async fn start_job(kind: JobKind) -> Result<(), ErrorBody> {
    operate(async |app, operator| app.start_job(operator, JobSpec::default_for(kind)).await).await
}

pub async fn cancel_job(id: JobId) -> Result<(), ErrorBody> {
    operate(async |app, operator| app.cancel_job(operator, id).await).await
}

pub async fn notify(level: Level, title: String, body: String) -> Result<(), ErrorBody> {
    let request = NotificationRequest {
        level,
        title,
        body,
        link: None,
    };
    operate(async |app, operator| app.notify(operator, request).await).await
}

/// Runs one of the page's state-changing operations, authorized exactly like the API's.
async fn operate<T>(
    operation: impl AsyncFnOnce(&AppState, &Operator) -> Result<T, ApiError>,
) -> Result<(), ErrorBody> {
    let (app, mut parts) = request()?;
    let operator = auth::authorize(&app.config, &app.rates, &mut parts)
        .await
        .map_err(fail)?;
    operation(&app, &operator).await.map(drop).map_err(fail)
}

/// Checks the token typed into the sign-in form (the publish token or a view token) and
/// sets the session cookie of that role. Attempts are rate-limited per client, against
/// guessing.
pub async fn sign_in(token: String) -> Result<Access, ErrorBody> {
    let (app, mut parts) = request()?;
    let result = async {
        origin::check_origin(&app.config, &parts)?;
        let ClientIp(ip) = ClientIp::from_request_parts(&mut parts, &app).await?;
        app.rates.charge(ip, Action::SignIn)?;
        auth::sign_in(&app.config, &token)
    }
    .await;
    let (kind, value, access) = result.map_err(fail)?;
    let lifetime = app.config.access.session_lifetime();
    set_header(session::set_cookie(
        kind,
        value,
        lifetime,
        secure_cookies(&app, &parts),
    ));
    Ok(access)
}

/// Removes both session cookies from this browser; answers what it may do then.
pub async fn sign_out() -> Result<Access, ErrorBody> {
    let (app, parts) = request()?;
    origin::check_origin(&app.config, &parts).map_err(fail)?;
    let secure = secure_cookies(&app, &parts);
    set_header(session::clear_cookie(Kind::Operator, secure));
    set_header(session::clear_cookie(Kind::Viewer, secure));
    let mut parts = parts;
    parts.headers.remove(header::COOKIE);
    Ok(auth::page_access(&app.config, &parts).0)
}

/// The application state and the request's parts, from the server function's context.
fn request() -> Result<(AppState, Parts), ErrorBody> {
    match (use_context::<AppState>(), use_context::<Parts>()) {
        (Some(app), Some(parts)) => Ok((app, parts)),
        _ => Err(ErrorBody {
            error: "the server function ran outside a request".into(),
            state: None,
        }),
    }
}

/// Gives the response the error's status (and `Retry-After`, `WWW-Authenticate`), and the
/// page the API's message.
fn fail(error: ApiError) -> ErrorBody {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(error.status());
        if let Some((name, value)) = error.header() {
            response.insert_header(name, value);
        }
    }
    ErrorBody::from(&error)
}

/// Whether the session cookie must be `Secure` (see [`origin::secure_cookies`]).
fn secure_cookies(app: &AppState, parts: &Parts) -> bool {
    origin::secure_cookies(&app.config, parts.extensions.get::<OverTls>().is_some())
}

fn set_header(cookie: HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(header::SET_COOKIE, cookie);
    }
}
