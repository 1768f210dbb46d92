//! Failover through a real load balancer: three node processes behind nginx (configured as
//! the README says), clients reading the stream through nginx, a producer publishing
//! through it, and nodes killed (SIGKILL) and started again, one at a time, a hundred
//! times. Every client must end with exactly the reliable events that were acknowledged:
//! none lost, none twice, in order, and never a snapshot after its first.

use crate::api::{nginx::Nginx, node_process::NodeProcess, redis_server::RedisServer};
use futures::StreamExt;
use livedash::protocol::{
    Event, EventId, JobState,
    sse::{Frame, Parser},
};
use std::{collections::HashSet, net::SocketAddr, time::Duration};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

const PATIENCE: Duration = Duration::from_secs(30);
const KILLS: usize = 100;
const CLIENTS: usize = 6;

/// What one client has read, across all of its connections.
#[derive(Default)]
struct Seen {
    ids: Vec<EventId>,
    toasts: Vec<String>,
    toast_set: HashSet<String>,
    /// Jobs whose `completed` event arrived, in arrival order.
    completed: Vec<u64>,
    snapshots: usize,
    connections: usize,
}

/// A client that reads `/api/events` through `base` and, whenever its connection ends,
/// reconnects with `Last-Event-ID` as a browser's EventSource does.
fn client(base: String, stop: CancellationToken) -> watch::Receiver<Seen> {
    let (seen, receiver) = watch::channel(Seen::default());
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        let mut last: Option<String> = None;
        while !stop.is_cancelled() {
            let mut request = http.get(format!("{base}/api/events?topics=toasts,jobs"));
            if let Some(id) = &last {
                request = request.header("Last-Event-ID", id);
            }
            let response = match request.send().await {
                Ok(r) if r.status() == 200 => r,
                // nginx found no node up for a moment: try again shortly, as a browser would.
                _ => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            seen.send_modify(|s| s.connections += 1);
            let mut body = response.bytes_stream();
            let mut parser = Parser::default();
            loop {
                let chunk = tokio::select! {
                    () = stop.cancelled() => return,
                    chunk = body.next() => chunk,
                };
                let Some(Ok(chunk)) = chunk else { break };
                for frame in parser.push(&chunk).unwrap() {
                    if let Frame::Event { event, data, id } = frame
                        && event != livedash::protocol::HELLO
                    {
                        let event = Event::decode(&event, &data).unwrap();
                        seen.send_modify(|s| record(s, &id, event));
                        last = Some(id);
                    }
                }
            }
        }
    });
    receiver
}

fn record(seen: &mut Seen, id: &str, event: Event) {
    seen.ids.push(id.parse().unwrap());
    match event {
        Event::Snapshot(snapshot) => {
            seen.snapshots += 1;
            for toast in snapshot.toasts {
                seen.toast_set.insert(toast.title.clone());
                seen.toasts.push(toast.title);
            }
        }
        Event::Toast(toast) => {
            seen.toast_set.insert(toast.title.clone());
            seen.toasts.push(toast.title);
        }
        Event::Job(job) if job.state == JobState::Completed => seen.completed.push(job.id),
        _ => {}
    }
}

/// What the producer had acknowledged (202/201 through nginx).
#[derive(Default)]
struct Acked {
    toasts: Vec<String>,
    completed: Vec<u64>,
    refused: usize,
}

/// Publishes toasts (and now and then a reported job, at once completed) until `stop`,
/// then returns what was acknowledged. Awaiting it means no publish is in flight.
fn producer(base: String, stop: CancellationToken) -> tokio::task::JoinHandle<Acked> {
    tokio::spawn(async move {
        let mut record = Acked::default();
        let http = reqwest::Client::new();
        let mut pace = tokio::time::interval(Duration::from_millis(5));
        for n in 0.. {
            tokio::select! {
                () = stop.cancelled() => return record,
                _ = pace.tick() => {}
            }
            let title = format!("t{n}");
            match post(&http, &base, "/api/notifications", &toast(&title)).await {
                Some(_) => record.toasts.push(title),
                None => record.refused += 1,
            }
            if n % 5 == 0 {
                let job = r#"{"kind":"reported","title":"failover"}"#;
                let Some(job) = post(&http, &base, "/api/jobs", job).await else {
                    continue;
                };
                let id = job["id"].as_u64().unwrap();
                let end = format!("/api/jobs/{id}/report");
                if post(&http, &base, &end, r#"{"state":"completed"}"#)
                    .await
                    .is_some()
                {
                    record.completed.push(id);
                }
            }
        }
        record
    })
}

fn toast(title: &str) -> String {
    format!(r#"{{"level":"info","title":"{title}"}}"#)
}

/// The answer's body if the server acknowledged the request (2xx), else `None`.
async fn post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    body: &str,
) -> Option<serde_json::Value> {
    let response = http
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    Some(response.json().await.unwrap_or_default())
}

/// Waits until every client has seen the toast `title`.
async fn everyone_sees(clients: &mut [watch::Receiver<Seen>], title: &str) {
    for client in clients {
        let seen = client.wait_for(|s| s.toast_set.contains(title));
        tokio::time::timeout(PATIENCE, seen)
            .await
            .unwrap_or_else(|_| panic!("a client never got {title}"))
            .unwrap();
    }
}

/// Publishes `title` through nginx, trying again while no node can take it.
async fn publish_surely(base: &str, title: &str) {
    let http = reqwest::Client::new();
    let attempts = async {
        while post(&http, base, "/api/notifications", &toast(title))
            .await
            .is_none()
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(PATIENCE, attempts).await.unwrap();
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_behind_nginx_lose_nothing_over_a_hundred_node_kills() {
    let redis = RedisServer::start();
    let addrs: Vec<SocketAddr> = (0..3).map(|_| free_addr()).collect();
    let mut nodes = Vec::new();
    for addr in &addrs {
        nodes.push(NodeProcess::start(*addr, &redis.url()).await);
    }
    let nginx = Nginx::start(&addrs);
    let base = nginx.base();
    let stop = CancellationToken::new();
    let mut clients: Vec<_> = (0..CLIENTS)
        .map(|_| client(base.clone(), stop.clone()))
        .collect();
    publish_surely(&base, "start").await;
    everyone_sees(&mut clients, "start").await;
    let producing = CancellationToken::new();
    let acked = producer(base.clone(), producing.clone());

    let mut failovers = 0;
    for kill in 0..KILLS {
        // Kill the node serving the most clients: every kill forces clients to move.
        let mut load = Vec::new();
        for node in &nodes {
            load.push(node.streams("toasts").await);
        }
        let busiest = (0..nodes.len()).max_by_key(|&i| load[i]).unwrap();
        assert!(load[busiest] > 0, "no node holds a client: {load:?}");
        let before: usize = clients.iter().map(|c| c.borrow().connections).sum();
        nodes[busiest].kill().await;
        // Wait until every client moved and reads on: each gets a toast published after.
        let probe = format!("probe {kill}");
        publish_surely(&base, &probe).await;
        everyone_sees(&mut clients, &probe).await;
        let after: usize = clients.iter().map(|c| c.borrow().connections).sum();
        assert!(after - before >= load[busiest] as usize, "{after} {before}");
        failovers += after - before;
        nodes[busiest] = NodeProcess::start(addrs[busiest], &redis.url()).await;
    }
    producing.cancel();
    let acked = acked.await.unwrap();
    // Everything the producer had acknowledged precedes this last toast in the log.
    publish_surely(&base, "end").await;
    everyone_sees(&mut clients, "end").await;

    assert!(acked.toasts.len() > 100, "{} toasts", acked.toasts.len());
    for client in &clients {
        let seen = client.borrow();
        assert_eq!(seen.snapshots, 1, "a resume got a snapshot");
        assert!(
            seen.ids.windows(2).all(|w| w[0] < w[1]),
            "ids out of order or repeated"
        );
        let unique: HashSet<_> = seen.toasts.iter().collect();
        assert_eq!(unique.len(), seen.toasts.len(), "a toast arrived twice");
        let lost: Vec<_> = acked
            .toasts
            .iter()
            .filter(|t| !seen.toast_set.contains(*t))
            .collect();
        assert!(
            lost.is_empty(),
            "acknowledged toasts lost: {lost:?} (of t0..t{})",
            acked.toasts.len()
        );
        let completed: HashSet<_> = seen.completed.iter().collect();
        assert_eq!(
            completed.len(),
            seen.completed.len(),
            "a job completed twice"
        );
        assert!(acked.completed.iter().all(|id| completed.contains(id)));
    }
    eprintln!(
        "{KILLS} kills, {failovers} client failovers, {} toasts and {} jobs acknowledged, \
         {} publishes refused while a node died",
        acked.toasts.len(),
        acked.completed.len(),
        acked.refused
    );
    stop.cancel();
}
