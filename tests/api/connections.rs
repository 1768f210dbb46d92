//! Connections that send nothing, send their headers a byte at a time, or idle between
//! requests are closed after the header timeout; they do not hold up shutdown; and when
//! file descriptors run out the server still accepts and answers.

use crate::api::support::{TestServer, raise_open_file_limit};
use livedash::server::config::Config;
use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Generous bound on "promptly": a connection the server keeps forever fails the test.
const PATIENCE: Duration = Duration::from_secs(10);

fn quick_timeout() -> Config {
    Config {
        header_timeout_secs: 1,
        heartbeat_secs: 1,
        ..Config::default()
    }
}

/// Reads until the server closes the connection; fails if it does not within `PATIENCE`.
async fn closed_by_server(socket: &mut TcpStream) {
    let mut buf = [0u8; 1024];
    let closed = tokio::time::timeout(PATIENCE, async {
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the server kept the connection open");
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let server = TestServer::with(quick_timeout()).await;
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    closed_by_server(&mut socket).await;
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_do_not_hold_a_connection() {
    let server = TestServer::with(quick_timeout()).await;
    let socket = TcpStream::connect(server.addr).await.unwrap();
    let (mut reader, mut writer) = socket.into_split();
    // Each byte arrives well within any per-read timeout; the headers never complete.
    let drip = tokio::spawn(async move {
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".iter().cycle() {
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut buf = [0u8; 1024];
    let closed = tokio::time::timeout(PATIENCE, async {
        while let Ok(n) = reader.read(&mut buf).await {
            if n == 0 {
                return;
            }
        }
    })
    .await;
    drip.abort();
    assert!(closed.is_ok(), "a dripping client held its connection");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_but_a_stream_is_not() {
    let server = TestServer::with(quick_timeout()).await;
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    socket
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = socket.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    closed_by_server(&mut socket).await;

    // An event stream is a response in progress, not an idle connection: it outlives the
    // timeout several times over (three one-second heartbeats).
    let mut stream = server.events("?topics=toasts").await;
    stream.snapshot().await;
    for _ in 0..3 {
        assert_eq!(
            stream.next_frame().await,
            Some(livedash::protocol::sse::Frame::Comment("heartbeat".into()))
        );
    }
}

#[tokio::test]
async fn connections_without_a_request_do_not_hold_up_shutdown() {
    let mut server = TestServer::with(Config {
        header_timeout_secs: 300,
        shutdown_grace_secs: 300,
        ..Config::default()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..200 {
        let mut socket = TcpStream::connect(server.addr).await.unwrap();
        socket.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        idle.push(socket);
    }
    // Before, shutdown waited the full grace (here 300 s) for them.
    let returned = tokio::time::timeout(PATIENCE, server.shut_down()).await;
    assert!(matches!(returned, Ok(Ok(()))), "{returned:?}");
}

/// The release of a real process's file descriptors cannot be simulated in this one: the
/// test runs the binary with a small open-file limit it cannot raise.
#[tokio::test]
async fn when_file_descriptors_run_out_the_server_still_answers() {
    const LIMIT: u64 = 128;
    raise_open_file_limit(1_024);
    let mut command = Command::new(env!("CARGO_BIN_EXE_livedash"));
    command
        .args(["--addr", "127.0.0.1:0", "--header-timeout-secs", "300"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            rlimit::setrlimit(rlimit::Resource::NOFILE, LIMIT, LIMIT)
        });
    }
    let mut child = command.spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let addr = tokio::task::spawn_blocking(move || {
        stdout.lines().map_while(Result::ok).find_map(|line| {
            let at = line.find("listening on http://")? + "listening on http://".len();
            line[at..].trim().parse::<std::net::SocketAddr>().ok()
        })
    })
    .await
    .unwrap()
    .expect("the server says where it listens");

    // More silent connections than the server has descriptors.
    let mut silent = Vec::new();
    for _ in 0..2 * LIMIT {
        silent.push(TcpStream::connect(addr).await.unwrap());
    }
    let client = reqwest::Client::builder()
        .timeout(PATIENCE)
        .build()
        .unwrap();
    let health = client.get(format!("http://{addr}/healthz")).send().await;
    let _ = child.kill();
    let _ = child.wait();
    let health = health.expect("/healthz answered while descriptors ran short");
    assert_eq!(health.status(), 200);
}
