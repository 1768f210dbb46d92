//! The publisher: toasts on a steady schedule, each its own request, so a slow answer never
//! delays the next one. Each toast's title carries its sequence number and send time
//! (`lg SEQ NANOS`) for the streams to measure delivery latency.

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};
use tokio::task::JoinSet;

/// One publish: when it was sent (since the run's epoch), how long until its answer, and
/// whether that was the 202 that acknowledges it.
pub struct Ack {
    pub sent: Duration,
    pub micros: u32,
    pub ok: bool,
    /// The answer's status, or the error, when it was not a 202.
    pub failure: Option<String>,
}

/// Publishes `rate` toasts a second for `seconds`, round-robin over `nodes` (over HTTP/2,
/// or HTTP/1.1 for the baseline), from a thread
/// and runtime of its own: on the generator's main runtime, a publish's answer waited
/// behind thousands of stream readers, and the figures measured the generator.
pub async fn toasts(
    nodes: &[SocketAddr],
    http2: bool,
    rate: f64,
    seconds: f64,
    epoch: Instant,
) -> Vec<Ack> {
    let nodes = nodes.to_vec();
    on_own_thread(async move { publish(&nodes, http2, rate, seconds, epoch).await }).await
}

/// Runs `work` on a thread and runtime of its own, at normal priority, and returns what it
/// gives: publishers measure the server, not the generator's scheduling.
pub async fn on_own_thread<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> T {
    let (done, answer) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        crate::priority::normal();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the publisher");
        let _ = done.send(runtime.block_on(work));
    });
    answer.await.expect("the publisher thread")
}

async fn publish(
    nodes: &[SocketAddr],
    http2: bool,
    rate: f64,
    seconds: f64,
    epoch: Instant,
) -> Vec<Ack> {
    // One HTTP/2 connection (cleartext, as the server speaks it without TLS) carries every
    // publish, as a busy producer's would. With HTTP/1.1 a publish overlapping another
    // opened a new connection, and during a reconnect storm that waited in the kernel's
    // accept queue behind thousands of streams (~300 ms): a measure of TCP, not of us.
    // The baseline speaks HTTP/1.1 only: its publishes keep their connections alive.
    let http = if http2 {
        reqwest::Client::builder().http2_prior_knowledge()
    } else {
        reqwest::Client::builder().http1_only()
    };
    let http = http.build().expect("an HTTP client");
    let total = (rate * seconds) as u64;
    let mut pace = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    let mut posts = JoinSet::new();
    for seq in 0..total {
        pace.tick().await;
        let url = format!(
            "http://{}/api/notifications",
            nodes[seq as usize % nodes.len()]
        );
        let sent = epoch.elapsed();
        let body = format!(
            r#"{{"level":"info","title":"lg {seq} {}"}}"#,
            sent.as_nanos()
        );
        let http = http.clone();
        posts.spawn(async move {
            let start = Instant::now();
            let response = http.post(url).body(body).send().await;
            let failure = match response {
                Ok(r) if r.status() == 202 => None,
                Ok(r) => Some(r.status().to_string()),
                Err(e) => Some(format!("{e:?}")),
            };
            Ack {
                sent,
                micros: start.elapsed().as_micros() as u32,
                ok: failure.is_none(),
                failure,
            }
        });
    }
    let mut acks = Vec::with_capacity(total as usize);
    while let Some(ack) = posts.join_next().await {
        acks.push(ack.expect("a publish task"));
    }
    acks
}
