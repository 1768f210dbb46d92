//! `POST /api/jobs` with `Accept: text/event-stream`: the job's events, then the end.

use crate::api::support::{EventStream, TestServer};
use livedash::protocol::{Event, Job, JobState};

async fn post_stream(server: &TestServer, query: &str, body: &str) -> EventStream {
    let response = server
        .client
        .post(server.url(&format!("/api/jobs{query}")))
        .header("Accept", "text/event-stream")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    EventStream::new(response)
}

async fn next_job(stream: &mut EventStream) -> Job {
    match stream.next_event().await {
        (Event::Job(job), _) => job,
        (other, _) => panic!("a job stream carried {:?}", other.kind()),
    }
}

#[tokio::test]
async fn streams_the_jobs_progress_in_order_and_ends_with_its_final_state() {
    let server = TestServer::start().await;
    let mut stream = post_stream(&server, "", r#"{"kind":"percent","steps":8,"step_ms":5}"#).await;
    let mut seen = vec![next_job(&mut stream).await];
    while !seen.last().unwrap().state.is_final() {
        seen.push(next_job(&mut stream).await);
    }
    assert!(
        stream.next_frame().await.is_none(),
        "the stream ends after the final state"
    );
    assert_eq!(seen[0].state, JobState::Queued);
    assert!(seen.iter().all(|j| j.id == seen[0].id));
    let percents: Vec<_> = seen.iter().filter_map(Job::percent).collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
    let last = seen.last().unwrap();
    assert_eq!(
        (last.state, last.percent()),
        (JobState::Completed, Some(100))
    );
}

#[tokio::test]
async fn the_job_outlives_the_request_unless_asked_otherwise() {
    let server = TestServer::start().await;
    let mut events = server.events("?topics=jobs").await;
    events.snapshot().await;

    let mut kept = post_stream(&server, "", r#"{"kind":"percent","steps":20,"step_ms":5}"#).await;
    let kept_id = next_job(&mut kept).await.id;
    drop(kept);
    let mut cancelled = post_stream(
        &server,
        "?cancel_on_disconnect=true",
        r#"{"kind":"percent","steps":10000,"step_ms":5}"#,
    )
    .await;
    let cancelled_id = next_job(&mut cancelled).await.id;
    drop(cancelled);

    let mut finals = std::collections::HashMap::new();
    while finals.len() < 2 {
        if let (Event::Job(job), _) = events.next_event().await
            && job.state.is_final()
        {
            finals.insert(job.id, job.state);
        }
    }
    assert_eq!(finals[&kept_id], JobState::Completed);
    assert_eq!(finals[&cancelled_id], JobState::Cancelled);
}
