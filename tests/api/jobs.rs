//! Jobs over the API: each kind runs to its end; cancelling really stops the work.

use crate::api::support::TestServer;
use livedash::protocol::{Event, Job, JobDetail, JobState};

fn job_event(id: u64) -> impl FnMut(&Event) -> bool {
    move |e| matches!(e, Event::Job(j) if j.id == id)
}

async fn start(server: &TestServer, body: &str) -> Job {
    let (status, job) = server.post("/api/jobs", body).await;
    assert_eq!(status, 201, "{job}");
    serde_json::from_value(job).unwrap()
}

/// Reads this job's events until its final state; returns them all.
async fn run_to_end(stream: &mut crate::api::support::EventStream, id: u64) -> Vec<Job> {
    let mut seen = Vec::new();
    loop {
        let (Event::Job(job), _) = stream.until(job_event(id)).await else {
            unreachable!()
        };
        let done = job.state.is_final();
        seen.push(job);
        if done {
            return seen;
        }
    }
}

#[tokio::test]
async fn a_percent_job_runs_to_completion_through_every_state() {
    let server = TestServer::start().await;
    let mut stream = server.events("?topics=jobs").await;
    stream.snapshot().await;
    let job = start(&server, r#"{"kind":"percent","steps":5,"step_ms":5}"#).await;
    assert_eq!(job.state, JobState::Queued);
    let seen = run_to_end(&mut stream, job.id).await;
    let states: Vec<_> = seen.iter().map(|j| j.state).collect();
    assert_eq!(states.first(), Some(&JobState::Queued));
    assert_eq!(states.get(1), Some(&JobState::Running));
    let last = seen.last().unwrap();
    assert_eq!(
        (last.state, last.percent()),
        (JobState::Completed, Some(100))
    );
    let percents: Vec<_> = seen.iter().filter_map(Job::percent).collect();
    assert!(
        percents.windows(2).all(|w| w[0] <= w[1]),
        "progress went backwards: {percents:?}"
    );
}

#[tokio::test]
async fn phases_batch_and_logs_report_their_own_detail() {
    let server = TestServer::start().await;
    let mut stream = server.events("?topics=jobs").await;
    stream.snapshot().await;
    let phases = start(&server, r#"{"kind":"phases","step_ms":2}"#).await;
    let last = run_to_end(&mut stream, phases.id).await.pop().unwrap();
    assert!(
        matches!(&last.detail, JobDetail::Phases { phases, .. } if phases.iter().all(|p| p.progress == 1.0))
    );

    let batch = start(
        &server,
        r#"{"kind":"batch","items":20,"fail_rate":0.25,"step_ms":2}"#,
    )
    .await;
    let last = run_to_end(&mut stream, batch.id).await.pop().unwrap();
    let JobDetail::Batch {
        succeeded,
        failed,
        errors,
        ..
    } = &last.detail
    else {
        panic!("{last:?}")
    };
    assert_eq!(succeeded + failed, 20);
    assert_eq!(errors.len().min(8), (*failed as usize).min(8));

    let logs = start(&server, r#"{"kind":"logs","lines":5,"step_ms":2}"#).await;
    let seen = run_to_end(&mut stream, logs.id).await;
    assert!(
        seen.iter().all(|j| j.progress.is_none()),
        "log jobs have no percentage"
    );
    assert_eq!(seen.last().unwrap().state, JobState::Completed);
}

#[tokio::test]
async fn a_job_can_fail() {
    let server = TestServer::start().await;
    let mut stream = server.events("?topics=jobs").await;
    stream.snapshot().await;
    let job = start(
        &server,
        r#"{"kind":"percent","steps":10,"step_ms":2,"fail_at":4}"#,
    )
    .await;
    let last = run_to_end(&mut stream, job.id).await.pop().unwrap();
    assert_eq!((last.state, last.percent()), (JobState::Failed, Some(40)));
    assert!(last.error.unwrap().contains("step 4"));
}

#[tokio::test]
async fn a_cancelled_job_emits_no_further_progress() {
    let server = TestServer::start().await;
    let mut stream = server.events("?topics=jobs,toasts").await;
    stream.snapshot().await;
    let job = start(&server, r#"{"kind":"percent","steps":10000,"step_ms":5}"#).await;
    // Let it make some progress first.
    stream.until(|e| matches!(e, Event::Job(j) if j.id == job.id && matches!(j.detail, JobDetail::Percent { done: 3.., .. }))).await;

    let (status, body) = server
        .post(&format!("/api/jobs/{}/cancel", job.id), "")
        .await;
    assert_eq!(status, 202, "{body}");
    let (Event::Job(cancelled), _) = stream
        .until(|e| matches!(e, Event::Job(j) if j.id == job.id && j.state.is_final()))
        .await
    else {
        unreachable!()
    };
    assert_eq!(cancelled.state, JobState::Cancelled);

    // A marker published after the cancellation: everything before it is in the stream.
    // The job must not appear again between its final event and the marker.
    server
        .post("/api/notifications", r#"{"level":"info","title":"marker"}"#)
        .await;
    let (_, between) = stream
        .until(|e| matches!(e, Event::Toast(t) if t.title == "marker"))
        .await;
    assert!(
        !between
            .iter()
            .any(|e| matches!(e, Event::Job(j) if j.id == job.id)),
        "progress after cancel"
    );

    let (_, jobs) = server.get_json("/api/jobs").await;
    let stored: Job = serde_json::from_value(jobs[0].clone()).unwrap();
    assert_eq!(
        stored, cancelled,
        "the stored job stopped where the cancellation left it"
    );

    let (status, body) = server
        .post(&format!("/api/jobs/{}/cancel", job.id), "")
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (409, Some(&*format!("job {} already cancelled", job.id)))
    );
}

#[tokio::test]
async fn a_stream_for_one_job_gets_that_job_and_the_toasts_and_nothing_else() {
    let server = TestServer::start().await;
    let other = start(&server, r#"{"kind":"percent","steps":40,"step_ms":20}"#).await;
    let mine = start(&server, r#"{"kind":"percent","steps":8,"step_ms":20}"#).await;
    let query = format!("?topics=jobs,toasts&job={}", mine.id);
    let mut stream = server.events(&query).await;
    let snapshot = stream.snapshot().await;
    let ids: Vec<_> = snapshot.jobs.iter().map(|j| j.id).collect();
    assert_eq!(ids, [mine.id], "the snapshot holds this job alone");
    assert!(snapshot.quotes.is_empty());
    server.notify("Toasts still come").await;
    let mut toasts = 0;
    let last_id = loop {
        let (event, id) = stream.next_event().await;
        match event {
            Event::Job(job) => {
                assert_eq!(job.id, mine.id, "another job's event on a one-job stream");
                if job.state.is_final() {
                    break id;
                }
            }
            Event::Toast(_) => toasts += 1,
            other => panic!("{:?} on a one-job stream", other.kind()),
        }
    };
    assert_eq!(toasts, 1);
    // Resuming from the start replays this job's events only, while the other still runs.
    let first = format!("{}-0", last_id.split('-').next().unwrap());
    let mut resumed = server.events_after(&query, Some(&first)).await;
    let (event, _) = resumed.next_event().await;
    assert!(
        matches!(event, Event::Job(ref j) if j.id == mine.id),
        "{:?}",
        event.kind()
    );
    assert!(
        server
            .state
            .hub
            .read(|s| s.jobs.iter().any(|j| j.id == other.id))
    );

    for bad in ["0", "-1", "twelve"] {
        let (status, body) = server.get_json(&format!("/api/events?job={bad}")).await;
        assert_eq!(status, 400, "{bad}");
        assert!(
            body["error"].as_str().unwrap().starts_with("`job`"),
            "{body}"
        );
    }
}
