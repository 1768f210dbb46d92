//! A data dir that cannot be used is refused clearly and loses nothing: a second process
//! on it, a corrupt database, a full disk (a real one: a small tmpfs).

use crate::{
    api::{node_process::NodeProcess, support::TestServer},
    durable::{PATIENCE, free_addr, get},
};
use livedash::{
    protocol::{Event, sse::Frame},
    server::config::{Config, MarketMode},
};
use serde_json::{Value, json};
use std::path::Path;

/// Runs `livedash serve` on `data_dir` expecting it to refuse to start; its stderr.
async fn refused(data_dir: &Path) -> String {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_livedash"))
        .args([
            "serve",
            "--addr",
            &free_addr().to_string(),
            "--market",
            "off",
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("LIVEDASH_EPHEMERAL")
        .output();
    let output = tokio::time::timeout(PATIENCE, output)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "it started");
    String::from_utf8(output.stderr).unwrap()
}

#[tokio::test]
async fn a_second_process_on_the_same_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = NodeProcess::single(free_addr(), dir.path()).await;
    let error = refused(dir.path()).await;
    assert!(error.contains(&dir.path().display().to_string()), "{error}");
    assert!(
        error.contains("in use by another livedash process"),
        "{error}"
    );
    // The first one is unharmed.
    let (status, _) = get(&reqwest::Client::new(), node.addr, "/api/jobs").await;
    assert_eq!(status, 200);
    node.stop().await;
}

#[tokio::test]
async fn a_corrupt_database_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("livedash.db");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&db, &garbage).unwrap();
    let error = refused(dir.path()).await;
    assert!(error.contains(&db.display().to_string()), "{error}");
    assert!(error.contains("Move it aside"), "{error}");
    assert_eq!(std::fs::read(&db).unwrap(), garbage, "the file was changed");
}

/// A small file system of the test's own (tmpfs, mounted as root or through `sudo -n`),
/// unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(bytes: u64) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let size = format!("size={bytes}");
        let path = dir.path().to_str().unwrap();
        let mounted = privileged(&["mount", "-t", "tmpfs", "-o", &size, "tmpfs", path]);
        assert!(
            mounted,
            "this test mounts a small tmpfs: it needs root or sudo"
        );
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the file system with a ballast file, to its last byte.
    fn fill(&self) {
        use std::io::Write;
        let mut ballast = std::fs::File::create(self.path().join("ballast")).unwrap();
        let block = vec![0u8; 4096];
        while ballast.write_all(&block).is_ok() {}
        while ballast.write_all(&block[..1]).is_ok() {}
    }

    fn free(&self) {
        std::fs::remove_file(self.path().join("ballast")).unwrap();
    }
}

/// Runs a command as root: directly (CI runs as root), else through `sudo -n`.
fn privileged(command: &[&str]) -> bool {
    let run = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    run(command[0], &command[1..]) || run("sudo", &[&["-n"], command].concat())
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazily: the server's files may still be open for a moment.
        privileged(&["umount", "-l", self.dir.path().to_str().unwrap()]);
    }
}

#[tokio::test]
async fn a_full_disk_refuses_publishes_with_503_keeps_streams_open_and_recovers() {
    let disk = SmallDisk::mount(4 << 20);
    let server = TestServer::with(Config {
        data_dir: Some(disk.path().join("data")),
        market: MarketMode::Off,
        heartbeat_secs: 1,
        publish_per_minute: 1_000_000,
        ..Default::default()
    })
    .await;
    let mut stream = server.events("?topics=toasts").await;
    stream.snapshot().await;

    disk.fill();
    let body = "x".repeat(1_000);
    let mut refusal = None;
    for n in 0..10_000 {
        let toast = json!({"level":"info","title":format!("filling {n}"),"body":body});
        let response = server
            .client
            .post(server.url("/api/notifications"))
            .json(&toast)
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            202 => continue,
            503 => {
                refusal = Some(response);
                break;
            }
            other => panic!("{other}: {}", response.text().await.unwrap()),
        }
    }
    let refusal = refusal.expect("the full disk never refused a publish");
    assert!(refusal.headers().contains_key("retry-after"));
    let error: Value = refusal.json().await.unwrap();
    assert!(
        error["error"].as_str().unwrap().contains("is full"),
        "{error}"
    );
    // Nothing that was refused reached the stream, and the stream is still open: the
    // heartbeat goes on.
    loop {
        match stream.next_frame().await.expect("the stream stays open") {
            Frame::Comment(_) => break,
            Frame::Event { event, .. } if event == livedash::protocol::HELLO => {}
            Frame::Event { event, data, .. } => {
                let Event::Toast(toast) = Event::decode(&event, &data).unwrap() else {
                    continue;
                };
                assert!(toast.title.starts_with("filling"), "{}", toast.title);
            }
            Frame::Retry(_) => {}
        }
    }

    // Space again: the next publish goes through, by itself.
    disk.free();
    let toast = json!({"level":"info","title":"space again"});
    let (status, answer) = server.post("/api/notifications", &toast.to_string()).await;
    assert_eq!(status, 202, "{answer}");
    stream
        .until(|e| matches!(e, Event::Toast(t) if t.title == "space again"))
        .await;
}
