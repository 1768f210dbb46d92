//! Reported jobs on a cluster: a reporter may talk to any node, concurrent reports through
//! different nodes are all kept, a cancel anywhere answers the reporter with 409, and a
//! silent reporter's job fails.

use crate::{
    api::redis_server::RedisServer,
    cluster::{node, node_with},
};
use livedash::{
    protocol::{Event, Job, JobState},
    server::config::Config,
};

#[tokio::test]
async fn a_reported_job_is_driven_through_any_node_and_no_report_is_lost() {
    let redis = RedisServer::start();
    let nodes = [
        node(&redis.url()).await,
        node(&redis.url()).await,
        node(&redis.url()).await,
    ];
    let body = r#"{"kind":"reported","title":"Import","total":1000}"#;
    let (status, job) = nodes[0].post("/api/jobs", body).await;
    assert_eq!(status, 201, "{job}");
    let id = job["id"].as_u64().unwrap();

    // Thirty reports at once, each through one of the three nodes.
    let reports = (0..30).map(|i| {
        let node = &nodes[i % 3];
        let body = format!(r#"{{"done":{i},"log":"line {i}"}}"#);
        async move { node.post(&format!("/api/jobs/{id}/report"), &body).await }
    });
    for (status, answer) in futures::future::join_all(reports).await {
        assert_eq!(status, 200, "{answer}");
    }
    let (_, jobs) = nodes[2].get_json("/api/jobs").await;
    let jobs: Vec<Job> = serde_json::from_value(jobs).unwrap();
    let job = jobs.iter().find(|j| j.id == id).unwrap();
    assert_eq!(job.log.total, 30, "every report's line is there");
    // Every node keeps the job page's longer log from the same events: all 30 lines (a
    // job itself carries its newest 20), in the same order everywhere.
    let mut logs = Vec::new();
    for node in &nodes {
        let mut stream = node.events(&format!("?topics=jobs&job={id}")).await;
        stream
            .until(|e| match e {
                Event::Job(j) => j.log.total == 30,
                Event::Snapshot(s) => s.jobs.iter().any(|j| j.log.total == 30),
                _ => false,
            })
            .await;
        let (status, view) = node.get_json(&format!("/api/jobs/{id}")).await;
        assert_eq!(status, 200, "{view}");
        let view: livedash::protocol::JobView = serde_json::from_value(view).unwrap();
        logs.push(view.log.lines);
    }
    let mut lines = logs[0].clone();
    lines.sort();
    let mut expected: Vec<_> = (0..30).map(|i| format!("line {i}")).collect();
    expected.sort();
    assert_eq!(lines, expected);
    assert!(logs.iter().all(|log| *log == logs[0]), "{logs:?}");

    let (status, _) = nodes[1].post(&format!("/api/jobs/{id}/cancel"), "").await;
    assert_eq!(status, 202);
    let (status, answer) = nodes[2]
        .post(&format!("/api/jobs/{id}/report"), r#"{"done":31}"#)
        .await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["state"], "cancelled");
}

#[tokio::test]
async fn a_silent_reporters_job_fails_on_a_cluster() {
    let redis = RedisServer::start();
    let quick = Config {
        report_timeout_secs: 1,
        market: livedash::server::config::MarketMode::Off,
        ..Config::default()
    };
    let server = node_with(&redis.url(), quick).await;
    let mut stream = server.events("?topics=jobs").await;
    stream.snapshot().await;
    let (status, job) = server
        .post("/api/jobs", r#"{"kind":"reported","title":"Quiet"}"#)
        .await;
    assert_eq!(status, 201, "{job}");
    let id = job["id"].as_u64().unwrap();
    let (failed, _) = stream
        .until(|e| matches!(e, Event::Job(j) if j.id == id && j.state.is_final()))
        .await;
    let Event::Job(failed) = failed else {
        unreachable!()
    };
    assert_eq!(
        (failed.state, failed.error.as_deref()),
        (JobState::Failed, Some("no report for 1 s"))
    );
}
