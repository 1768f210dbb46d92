//! The raw-tokio baseline: the least an SSE server can be, measured in the same run and
//! by the same client as livedash, so our figures have a floor to be read against.
//!
//! One task per connection, a `tokio::sync::broadcast` of ready-made frames, HTTP/1.1
//! written by hand: `GET /api/events` gets an empty snapshot and then every toast, chunked;
//! `POST /api/notifications` (keep-alive, `Content-Length` bodies) broadcasts the posted
//! JSON as a toast and answers 202. No topics, ids, replay, limits, auth or metrics. It
//! ends every stream with its last chunk on SIGTERM. The load generator runs it as a
//! process of its own (`loadgen --serve-baseline ADDR`).

use bytes::Bytes;
use std::net::SocketAddr;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::{broadcast, watch},
};

const SNAPSHOT: &[u8] = b"event: snapshot\ndata: {}\n\n";
const MAX_HEAD: usize = 8 * 1024;

/// Serves on `addr` until SIGTERM; says `baseline listening` when ready.
pub async fn serve(addr: SocketAddr) {
    let listener = TcpListener::bind(addr)
        .await
        .expect("the baseline's address");
    let (toasts, _) = broadcast::channel::<Bytes>(1024);
    let (stop, stopped) = watch::channel(false);
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).unwrap();
    println!("baseline listening on {addr}");
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => if let Ok((socket, _)) = accepted {
                connections.spawn(connection(socket, toasts.clone(), stopped.clone()));
            },
            _ = terminate.recv() => break,
        }
    }
    let _ = stop.send(true);
    while connections.join_next().await.is_some() {}
}

async fn connection(
    mut socket: TcpStream,
    toasts: broadcast::Sender<Bytes>,
    stopped: watch::Receiver<bool>,
) {
    let _ = socket.set_nodelay(true);
    let mut read = Vec::new();
    while let Some((head, body)) = request(&mut socket, &mut read).await {
        if head.starts_with("GET /api/events") {
            let _ = stream(socket, toasts.subscribe(), stopped).await;
            return;
        }
        let answer: &[u8] = if head.starts_with("POST /api/notifications") {
            let data = String::from_utf8_lossy(&body).replace('\n', " ");
            let _ = toasts.send(Bytes::from(format!("event: toast\ndata: {data}\n\n")));
            b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n"
        } else {
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
        };
        if socket.write_all(answer).await.is_err() {
            return;
        }
    }
}

/// The next request's head and body (`Content-Length` only); `None` when the client is done.
async fn request(socket: &mut TcpStream, read: &mut Vec<u8>) -> Option<(String, Vec<u8>)> {
    let end = loop {
        if let Some(at) = read.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if read.len() > MAX_HEAD || socket.read_buf(read).await.ok()? == 0 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&read[..end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while read.len() < end + length {
        if socket.read_buf(read).await.ok()? == 0 {
            return None;
        }
    }
    let body = read[end..end + length].to_vec();
    read.drain(..end + length);
    Some((head, body))
}

async fn stream(
    mut socket: TcpStream,
    mut toasts: broadcast::Receiver<Bytes>,
    mut stopped: watch::Receiver<bool>,
) -> std::io::Result<()> {
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        )
        .await?;
    socket.write_all(&chunk(SNAPSHOT)).await?;
    loop {
        tokio::select! {
            toast = toasts.recv() => match toast {
                Ok(frame) => socket.write_all(&chunk(&frame)).await?,
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            _ = stopped.changed() => break,
        }
    }
    socket.write_all(b"0\r\n\r\n").await
}

fn chunk(frame: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", frame.len()).into_bytes();
    out.extend_from_slice(frame);
    out.extend_from_slice(b"\r\n");
    out
}
