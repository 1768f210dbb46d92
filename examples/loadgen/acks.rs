//! Acknowledged publishes per second: how many toasts `PUBLISHERS` concurrent clients get
//! acknowledged (202) in `seconds`, on one node in memory and on one node keeping its state
//! on disk, in the same run. On disk a 202 means the toast is committed (the database's
//! log synced), so the difference is the price of durability; group commit lets every
//! publish waiting at that moment share one sync.

use crate::{
    processes::{self, Store},
    publish, stats,
};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Publishes in flight at once, over one HTTP/2 connection: below the server's 200
/// concurrent streams per connection (hyper's default), so none is refused for that.
const PUBLISHERS: usize = 128;

pub async fn measure(bin: &std::path::Path, store: Store<'_>, seconds: u64) -> String {
    let name = match store {
        Store::Memory => "in memory (--ephemeral)",
        Store::Disk => "on disk (--data-dir)",
        Store::Redis(_) => "on Redis",
    };
    let node = tokio::task::block_in_place(|| processes::node(bin, store, 10, None));
    let addr = node.addr;
    let publishing = publish(addr, Duration::from_secs(seconds));
    let (acked, refused, mut micros, elapsed) = publish::on_own_thread(publishing).await;
    drop(node);
    let (p50, p99, _) = stats::percentiles_ms(&mut micros);
    format!(
        "| {name} | {:.0} | {p50:.2} / {p99:.2} | {refused} |",
        acked as f64 / elapsed
    )
}

/// Every publisher posts toasts back to back until `length` is over.
async fn publish(addr: std::net::SocketAddr, length: Duration) -> (u64, u64, Vec<u32>, f64) {
    let http = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .expect("an HTTP client");
    let url = format!("http://{addr}/api/notifications");
    let started = Instant::now();
    let mut publishers = JoinSet::new();
    for p in 0..PUBLISHERS {
        let (http, url) = (http.clone(), url.clone());
        publishers.spawn(async move {
            let (mut acked, mut refused, mut micros) = (0u64, 0u64, Vec::new());
            for n in 0.. {
                if started.elapsed() >= length {
                    break;
                }
                let body = format!(r#"{{"level":"info","title":"ack {p} {n}"}}"#);
                let sent = Instant::now();
                match http.post(&url).body(body).send().await {
                    Ok(r) if r.status() == 202 => {
                        acked += 1;
                        micros.push(sent.elapsed().as_micros() as u32);
                    }
                    _ => refused += 1,
                }
            }
            (acked, refused, micros)
        });
    }
    let (mut acked, mut refused, mut micros) = (0, 0, Vec::new());
    while let Some(result) = publishers.join_next().await {
        let (a, r, m) = result.expect("a publisher");
        (acked, refused) = (acked + a, refused + r);
        micros.extend(m);
    }
    (acked, refused, micros, started.elapsed().as_secs_f64())
}
