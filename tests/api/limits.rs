//! Stream limits per client and in total, and the publish rate: refused with 429 or 503,
//! a JSON reason and `Retry-After`; never otherwise.

use crate::api::support::TestServer;
use livedash::server::config::Config;

async fn open(server: &TestServer) -> reqwest::Response {
    server
        .client
        .get(server.url("/api/events?topics=toasts"))
        .send()
        .await
        .unwrap()
}

async fn refusal(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body: serde_json::Value = response.json().await.unwrap();
    (
        status,
        retry_after,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_client_may_hold_only_so_many_streams() {
    let server = TestServer::with(Config {
        max_streams_per_ip: 2,
        ..Config::default()
    })
    .await;
    let (first, second) = (open(&server).await, open(&server).await);
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    let (status, retry_after, error) = refusal(open(&server).await).await;
    assert_eq!((status, retry_after.as_str()), (429, "5"));
    assert!(
        error.contains("at most 2 event streams per client"),
        "{error}"
    );

    // Closing one frees its place once the server sees the connection close. Nothing a
    // client can await says when that happened, so poll (as Playwright's expect.poll does).
    drop(first);
    let mut reopened = None;
    for _ in 0..500 {
        let response = open(&server).await;
        if response.status() == 200 {
            reopened = Some(response);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        reopened.is_some(),
        "a closed stream's place was never freed"
    );
}

#[tokio::test]
async fn the_server_caps_streams_in_total() {
    let server = TestServer::with(Config {
        max_streams: 1,
        ..Config::default()
    })
    .await;
    let _only = open(&server).await;
    let (status, retry_after, error) = refusal(open(&server).await).await;
    assert_eq!((status, retry_after.as_str()), (503, "10"));
    assert!(error.contains("maximum of 1 event streams"), "{error}");
}

/// Makes `allowed` calls that must pass, then one more that must be refused; returns the
/// refusal.
async fn one_too_many(
    server: &TestServer,
    path: &str,
    body: &str,
    allowed: usize,
) -> (u16, String, String) {
    for _ in 0..allowed {
        let (status, json) = server.post(path, body).await;
        assert!(status.is_success(), "{path}: {status} {json}");
    }
    let response = server
        .client
        .post(server.url(path))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let refused = refusal(response).await;
    assert_eq!(refused.0, 429, "{path}: {refused:?}");
    assert!(refused.1.parse::<u64>().unwrap() >= 1);
    refused
}

#[tokio::test]
async fn publishing_is_rate_limited_per_client() {
    let server = TestServer::with(Config {
        publish_per_minute: 3,
        ..Config::default()
    })
    .await;
    let toast = r#"{"level":"info","title":"ok"}"#;
    let (_, _, error) = one_too_many(&server, "/api/notifications", toast, 3).await;
    assert!(error.contains("slow down"), "{error}");
}

#[tokio::test]
async fn behind_a_proxy_each_forwarded_client_has_its_own_limit() {
    let server = TestServer::with(Config {
        max_streams_per_ip: 1,
        client_ip_source: "RightmostXForwardedFor".parse().unwrap(),
        ..Config::default()
    })
    .await;
    // All requests come from 127.0.0.1, as through a proxy; the proxy's header tells the
    // clients apart, and only its rightmost entry (the one the proxy added) counts.
    let from = |chain: &'static str| {
        server
            .client
            .get(server.url("/api/events?topics=toasts"))
            .header("x-forwarded-for", chain)
            .send()
    };
    let first = from("203.0.113.1").await.unwrap();
    let other = from("198.51.100.7, 203.0.113.2").await.unwrap();
    assert_eq!(
        (first.status().as_u16(), other.status().as_u16()),
        (200, 200)
    );
    // A forged leftmost entry does not make the same client someone else.
    let (status, _, error) = refusal(from("192.0.2.99, 203.0.113.1").await.unwrap()).await;
    assert_eq!(status, 429, "{error}");

    // A request that did not come through the proxy is refused, saying why.
    let (status, _, error) = refusal(open(&server).await).await;
    assert_eq!(status, 400);
    assert!(
        error.contains("cannot tell the client's address"),
        "{error}"
    );
}

#[tokio::test]
async fn a_job_streamed_in_its_post_response_counts_as_a_stream() {
    let server = TestServer::with(Config {
        max_streams_per_ip: 1,
        ..Config::default()
    })
    .await;
    let held = open(&server).await;
    assert_eq!(held.status().as_u16(), 200);
    let response = server
        .client
        .post(server.url("/api/jobs"))
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .body(r#"{"kind":"logs"}"#)
        .send()
        .await
        .unwrap();
    let (status, retry_after, _) = refusal(response).await;
    assert_eq!((status, retry_after.as_str()), (429, "5"));
    // Refused before the job started.
    let (_, jobs) = server.get_json("/api/jobs").await;
    assert_eq!(jobs.as_array().map(Vec::len), Some(0));
}

/// A job that would run for days: it holds its slot or its place in the queue.
const LONG_JOB: &str = r#"{"kind":"percent","steps":10000,"step_ms":60000}"#;

#[tokio::test]
async fn the_job_queue_is_bounded_and_so_are_the_snapshots() {
    let server = TestServer::with(Config {
        max_running_jobs: 1,
        max_queued_jobs: 2,
        client_ip_source: "RightmostXForwardedFor".parse().unwrap(),
        ..Config::default()
    })
    .await;
    // Many clients (each its own address, so no rate limit stops them) flood the queue.
    let mut created = 0;
    let mut refused = None;
    for n in 0..40 {
        let response = server
            .client
            .post(server.url("/api/jobs"))
            .header("x-forwarded-for", format!("198.51.100.{n}"))
            .body(LONG_JOB)
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            201 => created += 1,
            _ => {
                refused.get_or_insert(refusal(response).await);
            }
        }
    }
    assert_eq!(created, 3, "one running and two queued");
    let (status, retry_after, error) = refused.expect("starts beyond the queue are refused");
    assert_eq!((status, retry_after.as_str()), (503, "10"));
    assert!(error.contains("job queue is full"), "{error}");

    let (_, jobs) = server.get_json("/api/jobs").await;
    assert_eq!(jobs.as_array().unwrap().len(), 3);
    let response = server
        .client
        .get(server.url("/api/events?topics=jobs"))
        .header("x-forwarded-for", "192.0.2.1")
        .send()
        .await
        .unwrap();
    let mut stream = crate::api::support::EventStream::new(response);
    assert_eq!(stream.snapshot().await.jobs.len(), 3);

    // A cancelled job frees its place.
    let id = jobs[0]["id"].as_u64().unwrap();
    let start = |path: String, body: &'static str| {
        server
            .client
            .post(server.url(&path))
            .header("x-forwarded-for", "192.0.2.1")
            .body(body)
            .send()
    };
    let cancelled = start(format!("/api/jobs/{id}/cancel"), "").await.unwrap();
    assert_eq!(cancelled.status(), 202);
    stream
        .until(
            |e| matches!(e, livedash::protocol::Event::Job(j) if j.id == id && j.state.is_final()),
        )
        .await;
    // The place is free by the time the final state is published.
    let again = start("/api/jobs".into(), LONG_JOB).await.unwrap();
    assert_eq!(again.status(), 201);
}

#[tokio::test]
async fn job_starts_are_rate_limited_per_client() {
    let server = TestServer::with(Config {
        jobs_per_minute: 2,
        ..Config::default()
    })
    .await;
    let (_, _, error) = one_too_many(&server, "/api/jobs", r#"{"kind":"logs"}"#, 2).await;
    assert!(error.contains("too many jobs"), "{error}");
    // The page's controls are charged to the same bucket.
    let response = server
        .client
        .post(server.url("/api/ui/start_job"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("kind=logs")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
}
