//! Nodes of one cluster over a real Redis: what is published on any node reaches the
//! clients of every node, a client resumes exactly on any node, the feed survives every
//! node restarting, and a Redis that is away is a 503 while streams stay open.

use crate::api::{proxy::Proxy, redis_server::RedisServer, support::TestServer};
use livedash::{
    protocol::{Event, JobState, sse::Frame},
    server::config::{Config, MarketMode},
};
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(20);

/// A node without a simulated market (the tests feed what they need).
pub async fn node(redis_url: &str) -> TestServer {
    let quiet = Config {
        market: MarketMode::Off,
        ..Config::default()
    };
    node_with(redis_url, quiet).await
}

pub async fn node_with(redis_url: &str, config: Config) -> TestServer {
    let server = TestServer::with(Config {
        redis_url: Some(redis_url.to_owned()),
        heartbeat_secs: 1,
        ..config
    })
    .await;
    until_ready(&server, true).await;
    server
}

async fn until_ready(server: &TestServer, ready: bool) {
    let mut watch = server
        .state
        .engine
        .as_ref()
        .expect("a cluster node")
        .ready();
    tokio::time::timeout(PATIENCE, watch.wait_for(|r| *r == ready))
        .await
        .unwrap()
        .unwrap();
}

async fn notify(server: &TestServer, title: &str) {
    let body = format!(r#"{{"level":"info","title":"{title}"}}"#);
    let (status, answer) = server.post("/api/notifications", &body).await;
    assert_eq!(status, 202, "{answer}");
}

fn is_toast(title: &str) -> impl Fn(&Event) -> bool + '_ {
    move |e| matches!(e, Event::Toast(t) if t.title == title)
}

#[tokio::test]
async fn what_one_node_publishes_reaches_the_clients_of_the_others() {
    let redis = RedisServer::start();
    let nodes = [
        node(&redis.url()).await,
        node(&redis.url()).await,
        node(&redis.url()).await,
    ];
    let mut streams = Vec::new();
    for n in &nodes[1..] {
        let mut stream = n.events("?topics=toasts,quotes").await;
        stream.snapshot().await;
        streams.push(stream);
    }
    notify(&nodes[0], "Deployed").await;
    let quote = r#"[{"symbol":"ACME","price":12.5}]"#;
    assert_eq!(nodes[0].post("/api/quotes", quote).await.0, 202);
    let mut ids = Vec::new();
    for stream in &mut streams {
        let (event, id) = stream.next_event().await;
        assert!(is_toast("Deployed")(&event), "{event:?}");
        let (event, _) = stream.next_event().await;
        assert!(matches!(event, Event::Quote(ref q) if q.symbol == "ACME" && q.price == 12.5));
        ids.push(id);
    }
    assert_eq!(
        ids[0], ids[1],
        "one id for one event, whichever node serves it"
    );
}

#[tokio::test]
async fn a_client_resumes_exactly_on_another_node() {
    let redis = RedisServer::start();
    let (first, second) = (node(&redis.url()).await, node(&redis.url()).await);
    let mut stream = first.events("?topics=toasts").await;
    stream.snapshot().await;
    notify(&first, "seen").await;
    let (_, seen) = stream.next_event().await;
    drop(stream);
    notify(&first, "missed 1").await;
    notify(&second, "missed 2").await;
    let mut resumed = second.events_after("?topics=toasts", Some(&seen)).await;
    let (event, _) = resumed.next_event().await;
    assert!(
        is_toast("missed 1")(&event),
        "no snapshot, the first missed event: {event:?}"
    );
    let (event, _) = resumed.next_event().await;
    assert!(is_toast("missed 2")(&event), "{event:?}");
}

#[tokio::test]
async fn after_every_node_restarted_the_feed_and_jobs_are_there_and_clients_resume() {
    let redis = RedisServer::start();
    let mut old = node(&redis.url()).await;
    let mut stream = old.events("?topics=toasts,jobs").await;
    stream.snapshot().await;
    // A job that finished, and a reported job whose reporter goes on after the restart.
    let (status, done) = old
        .post("/api/jobs", r#"{"kind":"percent","steps":3,"step_ms":10}"#)
        .await;
    assert_eq!(status, 201, "{done}");
    let done = done["id"].as_u64().unwrap();
    stream
        .until(|e| matches!(e, Event::Job(j) if j.id == done && j.state == JobState::Completed))
        .await;
    let (status, reported) = old
        .post(
            "/api/jobs",
            r#"{"kind":"reported","title":"Import","total":10}"#,
        )
        .await;
    assert_eq!(status, 201, "{reported}");
    let reported = reported["id"].as_u64().unwrap();
    let report = format!("/api/jobs/{reported}/report");
    assert_eq!(old.post(&report, r#"{"done":4}"#).await.0, 200);
    notify(&old, "before the restart").await;
    let last = loop {
        let (event, id) = stream.next_event().await;
        if is_toast("before the restart")(&event) {
            break id;
        }
    };
    drop(stream);
    old.shut_down().await.unwrap();

    let new = node(&redis.url()).await;
    let snapshot = new.events("?topics=toasts,jobs").await.snapshot().await;
    assert_eq!(snapshot.toasts[0].title, "before the restart");
    let job = |id| snapshot.jobs.iter().find(|j| j.id == id).unwrap();
    assert_eq!(job(done).state, JobState::Completed);
    assert_eq!(
        (job(reported).state, job(reported).progress),
        (JobState::Running, Some(0.4))
    );
    let mut resumed = new.events_after("?topics=toasts,jobs", Some(&last)).await;
    // The reporter goes on through the new node and finishes its job.
    assert_eq!(new.post(&report, r#"{"done":10}"#).await.0, 200);
    let (event, _) = resumed.next_event().await;
    assert!(
        matches!(event, Event::Job(ref j) if j.id == reported && j.progress == Some(1.0)),
        "no snapshot, the next event: {event:?}"
    );
    notify(&new, "after the restart").await;
    resumed.until(is_toast("after the restart")).await;
}

#[tokio::test]
async fn while_redis_is_away_publishes_get_503_and_streams_stay_open() {
    let redis = RedisServer::start();
    let port = redis.port;
    let server = node(&redis.url()).await;
    let mut stream = server.events("?topics=toasts").await;
    stream.snapshot().await;

    drop(redis);
    until_ready(&server, false).await;
    let response = server
        .client
        .post(server.url("/api/notifications"))
        .body(r#"{"level":"info","title":"lost?"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("unavailable"),
        "{body}"
    );
    assert_eq!(server.get_json("/readyz").await.0, 503);
    // The stream is still open: heartbeats keep coming.
    let heartbeat = tokio::time::timeout(PATIENCE, stream.next_frame())
        .await
        .unwrap();
    assert!(
        matches!(heartbeat, Some(Frame::Comment(_))),
        "{heartbeat:?}"
    );

    // Redis is back (without its data): the node follows its new epoch, and the open
    // stream gets the new state, then what is published next.
    let _redis = RedisServer::start_on(port);
    until_ready(&server, true).await;
    assert_eq!(server.get_json("/readyz").await.0, 200);
    let (resync, _) = stream.until(|e| matches!(e, Event::Snapshot(_))).await;
    assert!(matches!(resync, Event::Snapshot(s) if s.toasts.is_empty()));
    notify(&server, "back").await;
    stream.until(is_toast("back")).await;
}

#[tokio::test]
async fn a_job_started_on_one_node_shows_everywhere_and_a_cancel_on_another_stops_it() {
    let redis = RedisServer::start();
    // The middle node runs one job at a time: a second job there runs only once the first
    // one's runner has really stopped.
    let one_at_a_time = Config {
        max_running_jobs: 1,
        market: MarketMode::Off,
        ..Config::default()
    };
    let nodes = [
        node(&redis.url()).await,
        node_with(&redis.url(), one_at_a_time).await,
        node(&redis.url()).await,
    ];
    let mut streams = Vec::new();
    for n in [&nodes[0], &nodes[2]] {
        let mut stream = n.events("?topics=jobs").await;
        stream.snapshot().await;
        streams.push(stream);
    }
    let long = r#"{"kind":"percent","steps":10000,"step_ms":20}"#;
    let (status, job) = nodes[1].post("/api/jobs", long).await;
    assert_eq!(status, 201, "{job}");
    let id = job["id"].as_u64().unwrap();
    for stream in &mut streams {
        stream
            .until(|e| matches!(e, Event::Job(j) if j.id == id && j.progress > Some(0.0)))
            .await;
    }

    let (status, _) = nodes[2].post(&format!("/api/jobs/{id}/cancel"), "").await;
    assert_eq!(status, 202);
    for stream in &mut streams {
        stream
            .until(|e| matches!(e, Event::Job(j) if j.id == id && j.state == JobState::Cancelled))
            .await;
    }
    let (status, next) = nodes[1].post("/api/jobs", long).await;
    assert_eq!(status, 201, "{next}");
    let next = next["id"].as_u64().unwrap();
    assert_ne!(next, id, "job ids are the cluster's");
    streams[0]
        .until(|e| matches!(e, Event::Job(j) if j.id == next && j.state == JobState::Running))
        .await;
}

#[tokio::test]
async fn the_jobs_of_a_node_that_died_end_failed() {
    let redis = RedisServer::start();
    let survivor = node(&redis.url()).await;
    // This node reaches Redis through a proxy, so it can vanish as if it died.
    let proxy = Proxy::start(format!("127.0.0.1:{}", redis.port).parse().unwrap()).await;
    let doomed = node(&format!("redis://{}/", proxy.addr)).await;
    let mut stream = survivor.events("?topics=jobs").await;
    stream.snapshot().await;
    let long = r#"{"kind":"percent","steps":10000,"step_ms":20}"#;
    let (status, job) = doomed.post("/api/jobs", long).await;
    assert_eq!(status, 201, "{job}");
    let id = job["id"].as_u64().unwrap();
    stream
        .until(|e| matches!(e, Event::Job(j) if j.id == id && j.state == JobState::Running))
        .await;

    proxy.cut();
    drop(proxy);
    let (lost, _) = stream
        .until(|e| matches!(e, Event::Job(j) if j.id == id && j.state.is_final()))
        .await;
    let Event::Job(lost) = lost else {
        unreachable!()
    };
    assert_eq!(
        (lost.state, lost.error.as_deref()),
        (JobState::Failed, Some("node lost"))
    );
}
