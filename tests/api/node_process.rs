//! A server as its own process (the real binary), so a test can kill it outright (SIGKILL:
//! no shutdown, no goodbye to Redis, nothing flushed) and start it again on the same
//! address: a node of a cluster, or a single node on its data dir.

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
        let args = ["--redis-url", redis_url, "--market", "off"];
        NodeProcess::spawn(addr, &args).await
    }

    /// A single node keeping its state in `data_dir`, with the simulated market on.
    pub async fn single(addr: SocketAddr, data_dir: &std::path::Path) -> NodeProcess {
        let dir = data_dir.to_str().unwrap();
        let args = ["--data-dir", dir, "--quote-rate", "200", "--seed", "3"];
        NodeProcess::spawn(addr, &args).await
    }

    /// `livedash serve` on `addr` with `args`, once it listens.
    pub async fn spawn(addr: SocketAddr, args: &[&str]) -> NodeProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_livedash"))
            .args(["serve", "--addr", &addr.to_string()])
            .args(args)
            .args(["--heartbeat-secs", "1"])
            .args(["--publish-per-minute", "100000"])
            .env_remove("LIVEDASH_PUBLISH_TOKEN")
            .env_remove("LIVEDASH_DATA_DIR")
            .env_remove("LIVEDASH_EPHEMERAL")
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

    /// SIGTERM, and wait until it exits.
    pub async fn stop(&mut self) {
        let pid = self.child.id().expect("running") as i32;
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGTERM).unwrap();
        self.ended().await;
    }

    /// SIGKILL, as a crash or an OOM kill would end it.
    pub async fn kill(&mut self) {
        self.child.start_kill().unwrap();
        self.ended().await;
    }

    /// Returns once the process has exited. It asks `waitpid` directly (`try_wait`) rather
    /// than awaiting `Child::wait`, which waits for SIGCHLD: with many runtimes of this test
    /// binary starting children at once, once in about twenty full runs that notice never
    /// reached `wait`, and a test slept forever on a process that was already gone.
    async fn ended(&mut self) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while let Ok(None) = self.child.try_wait() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} did not exit",
                self.addr
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
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
