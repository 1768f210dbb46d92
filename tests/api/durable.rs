//! Durable by default: a single node keeps its state in its data dir. What it acknowledged
//! survives `kill -9`, ids continue in the same epoch after a restart, a resuming client
//! gets exactly what it missed (never a snapshot), and an id never names two things, not
//! even after the data dir is lost. (What goes wrong with a data dir: `durable_faults.rs`.)

use crate::api::{
    companion::{Companion, Source, lines_of},
    node_process::NodeProcess,
};
use futures::StreamExt;
use livedash::protocol::{
    Event, EventId,
    sse::{Frame, Parser},
};
use serde_json::{Value, json};
use std::{collections::HashMap, net::SocketAddr, time::Duration};
use tokio::sync::mpsc;

/// Kill points in the loop: each round publishes from several clients at once and is
/// killed after a different number of acknowledgements.
const KILLS: usize = 50;
/// Publishers at once, so a kill lands while several publishes are in flight.
const PUBLISHERS: usize = 4;
/// Bounds every wait on the server (never a wait *for* something).
pub const PATIENCE: Duration = Duration::from_secs(20);

pub fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// Publishes toasts titled `{round}-{publisher}-{n}` until the server stops answering;
/// sends the title of every acknowledged (202) one.
async fn publish(
    client: reqwest::Client,
    addr: SocketAddr,
    name: String,
    acked: mpsc::Sender<String>,
) {
    for n in 0.. {
        let title = format!("{name}-{n}");
        let sent = client
            .post(format!("http://{addr}/api/notifications"))
            .json(&json!({"level": "info", "title": title}))
            .send()
            .await;
        match sent {
            Ok(response) if response.status() == 202 => {
                if acked.send(title).await.is_err() {
                    return;
                }
            }
            Ok(response) => panic!("{title}: {}", response.status()),
            Err(_) => return,
        }
    }
}

/// What one connection of a client saw before the server went away.
#[derive(Default)]
struct Seen {
    toasts: Vec<(EventId, String)>,
    last: Option<String>,
    snapshots: usize,
}

/// Reads `/api/events` (resuming after `last`, as EventSource does) until the connection
/// ends, or until a toast titled `until` arrives. `subscribed` fires at the stream's
/// `hello`: everything published after it reaches this stream as an event.
async fn read(
    client: reqwest::Client,
    addr: SocketAddr,
    last: Option<String>,
    until: Option<&'static str>,
    subscribed: tokio::sync::oneshot::Sender<()>,
) -> Seen {
    let mut subscribed = Some(subscribed);
    let mut request = client.get(format!("http://{addr}/api/events?topics=toasts,quotes"));
    if let Some(last) = &last {
        request = request.header("Last-Event-ID", last);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut parser = Parser::default();
    let mut seen = Seen {
        last,
        ..Seen::default()
    };
    while let Some(Ok(chunk)) = body.next().await {
        for frame in parser.push(&chunk).unwrap() {
            let Frame::Event { event, data, id } = frame else {
                continue;
            };
            if event == livedash::protocol::HELLO {
                subscribed.take().map(|s| s.send(()));
                continue;
            }
            match Event::decode(&event, &data).unwrap() {
                Event::Snapshot(_) => seen.snapshots += 1,
                Event::Toast(toast) => {
                    let end = until == Some(toast.title.as_str());
                    seen.toasts.push((id.parse().unwrap(), toast.title));
                    if end {
                        return seen;
                    }
                }
                _ => {}
            }
            seen.last = Some(id);
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_event_survives_kill_9_and_a_resuming_client_misses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let client = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    let mut received: Vec<(EventId, String)> = Vec::new();
    let mut last: Option<String> = None;
    for round in 0..KILLS {
        let mut node = NodeProcess::single(addr, dir.path()).await;
        let (subscribed, ready) = tokio::sync::oneshot::channel();
        let reader = tokio::spawn(read(client.clone(), addr, last.clone(), None, subscribed));
        // The first connection starts from a snapshot: publish only once it is taken.
        tokio::time::timeout(PATIENCE, ready)
            .await
            .unwrap()
            .unwrap();
        let (acks, mut acked) = mpsc::channel(1024);
        for p in 0..PUBLISHERS {
            let name = format!("{round}-{p}");
            tokio::spawn(publish(client.clone(), addr, name, acks.clone()));
        }
        drop(acks);
        // The kill point moves through the round: after 1 to 16 acknowledgements.
        let kill_after = 1 + round * 7 % 16;
        for _ in 0..kill_after {
            let title = tokio::time::timeout(PATIENCE, acked.recv())
                .await
                .unwrap()
                .unwrap();
            acknowledged.push(title);
        }
        node.kill().await;
        // Publishes acknowledged in the moment before the kill count too.
        while let Some(title) = acked.recv().await {
            acknowledged.push(title);
        }
        let seen = tokio::time::timeout(PATIENCE, reader)
            .await
            .unwrap()
            .unwrap();
        let expected_snapshots = usize::from(round == 0);
        assert_eq!(
            seen.snapshots, expected_snapshots,
            "round {round}: a resume was not exact"
        );
        received.extend(seen.toasts);
        last = seen.last;
    }
    // One more start: the client resumes and reads what it missed at the last kill, then
    // a toast published now, which ends its reading.
    let mut node = NodeProcess::single(addr, dir.path()).await;
    let (subscribed, ready) = tokio::sync::oneshot::channel();
    let reader = tokio::spawn(read(
        client.clone(),
        addr,
        last.clone(),
        Some("end"),
        subscribed,
    ));
    tokio::time::timeout(PATIENCE, ready)
        .await
        .unwrap()
        .unwrap();
    let end = json!({"level":"info","title":"end"});
    let (status, _) = post(&client, addr, "/api/notifications", end).await;
    assert_eq!(status, 202);
    let seen = tokio::time::timeout(PATIENCE, reader)
        .await
        .unwrap()
        .unwrap();
    node.stop().await;
    assert_eq!(seen.snapshots, 0, "the last resume was not exact");
    received.extend(seen.toasts);

    let epoch = received[0].0.epoch;
    assert!(
        received.iter().all(|(id, _)| id.epoch == epoch),
        "the epoch changed"
    );
    assert!(
        received.windows(2).all(|w| w[0].0 < w[1].0),
        "ids out of order or repeated"
    );
    let mut count: HashMap<&str, usize> = HashMap::new();
    for (_, title) in &received {
        *count.entry(title).or_default() += 1;
    }
    assert!(
        count.values().all(|&n| n == 1),
        "a toast was delivered twice"
    );
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|t| !count.contains_key(t.as_str()))
        .collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert!(count.contains_key("end"));
    assert!(acknowledged.len() >= KILLS * 2);
}

pub async fn post(
    client: &reqwest::Client,
    addr: SocketAddr,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let response = client
        .post(format!("http://{addr}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

pub async fn get(client: &reqwest::Client, addr: SocketAddr, path: &str) -> (u16, Value) {
    let response = client
        .get(format!("http://{addr}{path}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The job with `id` as `GET /api/jobs` shows it.
async fn job(client: &reqwest::Client, addr: SocketAddr, id: &Value) -> Option<Value> {
    let (_, jobs) = get(client, addr, "/api/jobs").await;
    jobs.as_array()
        .unwrap()
        .iter()
        .find(|j| &j["id"] == id)
        .cloned()
}

#[tokio::test]
async fn jobs_survive_a_restart_and_a_lost_data_dir_never_lends_their_ids() {
    let client = reqwest::Client::new();
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut node = NodeProcess::single(addr, dir.path()).await;
    let import = json!({"kind":"reported","title":"Nightly import","total":100});
    let (status, import) = post(&client, addr, "/api/jobs", import).await;
    assert_eq!(status, 201, "{import}");
    let id = import["id"].clone();
    let step = json!({"done":10,"log":["customers: 10 rows"]});
    let (status, _) = post(&client, addr, &format!("/api/jobs/{id}/report"), step).await;
    assert_eq!(status, 200);
    let (status, simulated) = post(
        &client,
        addr,
        "/api/jobs",
        json!({"kind":"logs","lines":1000}),
    )
    .await;
    assert_eq!(status, 201);

    // A deploy: SIGTERM, and the new process on the same data dir.
    node.stop().await;
    let mut node = NodeProcess::single(addr, dir.path()).await;
    let kept = job(&client, addr, &id)
        .await
        .expect("the reported job survives");
    assert_eq!(
        (kept["state"].as_str(), kept["detail"]["done"].as_u64()),
        (Some("running"), Some(10))
    );
    let ended = job(&client, addr, &simulated["id"]).await.unwrap();
    assert_eq!(
        (ended["state"].as_str(), ended["error"].as_str()),
        (Some("failed"), Some("the server restarted"))
    );
    let step = json!({"done":20});
    let (status, now) = post(&client, addr, &format!("/api/jobs/{id}/report"), step).await;
    assert_eq!(
        (status, now["detail"]["done"].as_u64()),
        (200, Some(20)),
        "{now}"
    );
    let backup = json!({"kind":"reported","title":"backup"});
    let (_, next) = post(&client, addr, "/api/jobs", backup.clone()).await;
    assert!(
        next["id"].as_u64() > simulated["id"].as_u64(),
        "ids continue: {next}"
    );

    // The data dir is lost: a crash, and the node starts on an empty one.
    node.kill().await;
    let empty = tempfile::tempdir().unwrap();
    let mut node = NodeProcess::single(addr, empty.path()).await;
    let (status, backup) = post(&client, addr, "/api/jobs", backup).await;
    assert_eq!(status, 201);
    for old in [&id, &simulated["id"], &next["id"]] {
        assert_ne!(&backup["id"], old, "an id named two jobs");
    }
    // The old reporter goes on reporting: refused, never applied to the new job.
    let late = json!({"done":80,"log":["customers: 80 rows"]});
    let (status, refused) = post(&client, addr, &format!("/api/jobs/{id}/report"), late).await;
    assert_eq!(status, 404, "{refused}");
    assert!(refused["error"].is_string());
    let untouched = job(&client, addr, &backup["id"]).await.unwrap();
    assert_eq!(untouched["progress"], Value::Null);
    assert_eq!(untouched["log"]["total"], 0);
    node.stop().await;
}

#[tokio::test]
async fn livedash_watch_follows_a_job_through_a_deploy() {
    let client = reqwest::Client::new();
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut node = NodeProcess::single(addr, dir.path()).await;
    let migrate = json!({"kind":"reported","title":"Migrate","total":10});
    let (_, job) = post(&client, addr, "/api/jobs", migrate).await;
    let id = job["id"].as_u64().unwrap();
    let mut watch = Companion::start(&format!("http://{addr}"), &["watch", &id.to_string()]);
    watch.line_with("\"Migrate\": running 0%").await;

    node.stop().await;
    watch.line_with("reconnecting").await;
    let mut node = NodeProcess::single(addr, dir.path()).await;
    let report = format!("/api/jobs/{id}/report");
    let (status, _) = post(
        &client,
        addr,
        &report,
        json!({"done":6,"log":["after the deploy"]}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(&client, addr, &report, json!({"state":"completed"})).await;
    assert_eq!(status, 200);
    let (exit, seen) = watch.finish().await;
    assert_eq!(exit, 0, "{seen:#?}");
    let out = lines_of(&seen, Source::Stdout);
    assert!(
        out.contains(&format!("job {id} | after the deploy").as_str()),
        "{out:?}"
    );
    assert_eq!(
        out.last().unwrap(),
        &format!("job {id} \"Migrate\": completed")
    );
    node.stop().await;
}
