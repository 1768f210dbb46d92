//! A cluster node as its own process (the real binary), so a test can kill it outright
//! (SIGKILL: no shutdown, no goodbye to Redis) and start it again on the same address.

use std::{net::SocketAddr, process::Stdio, time::Duration};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

const PATIENCE: Duration = Duration::from_secs(30);

pub struct NodeProcess {
    child: Child,
    pub addr: SocketAddr,
}

impl NodeProcess {
    /// `livedash serve` on `addr` as a node of the cluster on `redis_url`, returned as soon
    /// as it listens, as a load balancer would see it: it may not have read Redis yet, and
    /// requests wait for that (`server/http/positioned.rs`).
    pub async fn start(addr: SocketAddr, redis_url: &str) -> NodeProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_livedash"))
            .args([
                "serve",
                "--addr",
                &addr.to_string(),
                "--redis-url",
                redis_url,
            ])
            .args(["--market", "off", "--heartbeat-secs", "1"])
            .args(["--publish-per-minute", "100000"])
            .env_remove("LIVEDASH_PUBLISH_TOKEN")
            .env("LEPTOS_OUTPUT_NAME", "livedash")
            .env("LIVEDASH_LOG_FORMAT", "text")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let started = async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if line.contains("livedash listening on") {
                    return true;
                }
            }
            false
        };
        let started = tokio::time::timeout(PATIENCE, started).await;
        assert_eq!(started, Ok(true), "node on {addr} did not start");
        // Keep reading its log, so a full pipe never blocks it.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        NodeProcess { child, addr }
    }

    /// SIGKILL, as a crash or an OOM kill would end it.
    pub async fn kill(&mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }

    /// Event streams open on this node for `topic`, from its `/metrics`.
    pub async fn streams(&self, topic: &str) -> u64 {
        let text = reqwest::get(format!("http://{}/metrics", self.addr))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let series = format!("livedash_sse_connections{{topic=\"{topic}\"}} ");
        text.lines()
            .find_map(|line| line.strip_prefix(&series))
            .map_or(0, |n| n.trim().parse::<f64>().unwrap() as u64)
    }
}
