//! The servers under measurement, as processes of the load generator's own: a
//! `redis-server` without persistence and livedash nodes, each on a free port, all killed
//! when dropped.

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

pub struct Process {
    child: Child,
    pub addr: SocketAddr,
    /// Publishes go over HTTP/2 (livedash) or keep-alive HTTP/1.1 (the baseline).
    pub http2: bool,
    /// A node's data dir, removed with it.
    _data: Option<tempfile::TempDir>,
}

impl Process {
    /// Resident memory, from `/proc/PID/status` (`VmRSS`), in bytes.
    pub fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the process is running");
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status");
        kib * 1024
    }

    /// Sends SIGTERM (a graceful shutdown) and waits for the exit; returns how it ended.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        use nix::{sys::signal, unistd::Pid};
        signal::kill(
            Pid::from_raw(self.child.id() as i32),
            signal::Signal::SIGTERM,
        )
        .expect("SIGTERM");
        self.child.wait().expect("the process exits")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Servers run at the normal priority, whichever thread starts them (see `priority.rs`).
fn normal_priority(mut command: Command) -> Command {
    // SAFETY: setpriority is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            crate::priority::normal();
            Ok(())
        });
    }
    command
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// Reads `child`'s stdout until a line contains `text`.
fn until_line(child: &mut Child, text: &str) {
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains(text) {
            // Keep draining in the background, so a full pipe never blocks the process;
            // its warnings and errors are worth seeing beside the figures.
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    let wanted = std::env::var("LOADGEN_SHOW").is_ok_and(|w| line.contains(&w));
                    if wanted || line.contains("WARN") || line.contains("ERROR") {
                        eprintln!("{line}");
                    }
                }
            });
            return;
        }
    }
    panic!("the process ended before it said {text:?}");
}

pub fn redis() -> Process {
    let addr = free_addr();
    let mut child = normal_priority(Command::new("redis-server"))
        .args(["--bind", "127.0.0.1", "--port", &addr.port().to_string()])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("redis-server (Debian's package; `make setup` installs it)");
    until_line(&mut child, "Ready to accept connections");
    Process {
        child,
        addr,
        http2: false,
        _data: None,
    }
}

/// Where a node keeps its state.
#[derive(Clone, Copy)]
pub enum Store<'a> {
    /// In memory (`--ephemeral`).
    Memory,
    /// A fresh data dir of its own (the default deployment).
    Disk,
    /// A Redis (`--redis-url`).
    Redis(&'a Process),
}

/// A livedash node, with limits raised so one load-generating address may hold every
/// stream and publish as fast as the run needs; with `quotes` (a second), the simulated
/// market runs.
pub fn node(bin: &Path, store: Store, streams: usize, quotes: Option<f64>) -> Process {
    let addr = free_addr();
    let mut command = normal_priority(Command::new(bin));
    command.args(["serve", "--addr", &addr.to_string()]);
    let mut data = None;
    match store {
        Store::Memory => {
            command.arg("--ephemeral");
        }
        Store::Disk => {
            let dir = tempfile::tempdir().expect("a data dir");
            command.arg("--data-dir").arg(dir.path());
            data = Some(dir);
        }
        Store::Redis(redis) => {
            command.args(["--redis-url", &format!("redis://{}/", redis.addr)]);
        }
    }
    match quotes {
        Some(rate) => command.args(["--market", "simulated", "--quote-rate", &rate.to_string()]),
        None => command.args(["--market", "off"]),
    };
    command
        .args(["--max-streams", &(streams + 100).to_string()])
        .args(["--max-streams-per-ip", &(streams + 100).to_string()])
        .args(["--publish-per-minute", "10000000"])
        .env_remove("LIVEDASH_PUBLISH_TOKEN")
        .env_remove("LIVEDASH_DATA_DIR")
        .env_remove("LIVEDASH_EPHEMERAL")
        .env("LEPTOS_OUTPUT_NAME", "livedash")
        .env(
            "RUST_LOG",
            std::env::var("LOADGEN_RUST_LOG").unwrap_or_else(|_| "info".into()),
        )
        .stdout(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    until_line(&mut child, "livedash listening on");
    let node = Process {
        child,
        addr,
        http2: true,
        _data: data,
    };
    until_ready(addr);
    node
}

/// The raw-tokio baseline (`baseline.rs`), run by this very binary.
pub fn baseline() -> Process {
    let addr = free_addr();
    let mut child = normal_priority(Command::new(
        std::env::current_exe().expect("the load generator's path"),
    ))
    .args(["--serve-baseline", &addr.to_string()])
    .stdout(Stdio::piped())
    .spawn()
    .expect("the baseline server");
    until_line(&mut child, "baseline listening on");
    Process {
        child,
        addr,
        http2: false,
        _data: None,
    }
}

/// Polls `/readyz` (a bench may poll: nothing else tells it when Redis has been read).
fn until_ready(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let ready = std::net::TcpStream::connect(addr).ok().and_then(|mut s| {
            use std::io::{Read, Write};
            s.write_all(b"GET /readyz HTTP/1.0\r\n\r\n").ok()?;
            let mut answer = String::new();
            s.read_to_string(&mut answer).ok()?;
            Some(answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"))
        });
        if ready == Some(true) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("node {addr} was not ready within 20 s");
}
