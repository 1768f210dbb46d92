//! Test support: start a server on a free port and read its event stream with the
//! project's own SSE parser.

use futures::StreamExt;
use leptos::config::LeptosOptions;
use livedash::{
    protocol::{
        Event,
        sse::{Frame, Parser},
    },
    server::{self, app_state::AppState, config::Config},
};
use reqwest::StatusCode;
use serde_json::Value;
use std::{collections::VecDeque, path::Path, pin::Pin, time::Duration};
use tokio::sync::oneshot;

/// Upper bound on waiting for something that should happen promptly. It turns a bug into
/// a clear failure instead of a hung test; it is never used to wait *for* an event.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct TestServer {
    pub base: String,
    pub addr: std::net::SocketAddr,
    pub client: reqwest::Client,
    /// The server's state, for driving load and reading its counters directly.
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// A server with a fast, seeded market and one-second heartbeats.
    pub async fn start() -> TestServer {
        TestServer::with(Config {
            quote_rate: 100.0,
            seed: Some(7),
            heartbeat_secs: 1,
            ..Config::default()
        })
        .await
    }

    pub async fn with(config: Config) -> TestServer {
        TestServer::launch(config, None, "127.0.0.1:0".parse().unwrap()).await
    }

    /// A server on a given address: a restart of one that was there.
    pub async fn at(config: Config, addr: std::net::SocketAddr) -> TestServer {
        TestServer::launch(config, None, addr).await
    }

    /// The same, serving HTTPS (HTTP/2 and HTTP/1.1) with the given PEM files.
    pub async fn https(config: Config, cert: &Path, key: &Path) -> TestServer {
        TestServer::launch(config, Some((cert, key)), "127.0.0.1:0".parse().unwrap()).await
    }

    async fn launch(
        mut config: Config,
        tls: Option<(&Path, &Path)>,
        addr: std::net::SocketAddr,
    ) -> TestServer {
        // In memory unless the test gives a data dir: tests run side by side.
        config.ephemeral |= config.data_dir.is_none();
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let options = LeptosOptions::builder()
            .output_name("livedash")
            .site_addr(addr)
            .build();
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState::new(config, options).expect("the server's state opens");
        let stopped = async {
            let _ = stopped.await;
        };
        let (scheme, task) = match tls {
            None => (
                "http",
                tokio::spawn(server::run(listener, state.clone(), stopped)),
            ),
            Some((cert, key)) => {
                let tls = server::net::load_tls(cert, key).unwrap();
                (
                    "https",
                    tokio::spawn(server::run_tls(listener, state.clone(), stopped, tls)),
                )
            }
        };
        TestServer {
            base: format!("{scheme}://{addr}"),
            addr,
            client: reqwest::Client::new(),
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The id of the first job this server hands out (ids count from its log's epoch).
    pub fn first_job_id(&self) -> u64 {
        livedash::server::engine::ids::base(self.state.hub.head_id().epoch) + 1
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Opens `/api/events` with the given query string (e.g. `?topics=toasts`).
    pub async fn events(&self, query: &str) -> EventStream {
        self.events_after(query, None).await
    }

    /// Opens `/api/events` as a reconnecting EventSource would, with `Last-Event-ID`.
    pub async fn events_after(&self, query: &str, last_event_id: Option<&str>) -> EventStream {
        let mut request = self.client.get(self.url(&format!("/api/events{query}")));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        EventStream::new(response)
    }

    /// Publishes a notification directly through the server's state.
    pub async fn notify(&self, title: &str) {
        self.notify_with_body(title, "").await;
    }

    pub async fn notify_with_body(&self, title: &str, body: &str) {
        let request = livedash::protocol::NotificationRequest {
            level: livedash::protocol::Level::Info,
            title: title.to_owned(),
            body: body.to_owned(),
            link: None,
        };
        self.state
            .notify(&server::access::Operator::in_process(), request)
            .await
            .unwrap();
    }

    pub async fn post(&self, path: &str, body: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url(path))
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{path} answered {status} with non-JSON: {text}"));
        (status, json)
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }

    /// `GET path`: its status and body as text (the page, say).
    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Shuts the server down as a signal would and waits until `run` has returned.
    pub async fn shut_down(&mut self) -> std::io::Result<()> {
        self.stop();
        self.task.take().expect("running").await.unwrap()
    }

    /// Ends the server's streams, as a shutdown would.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

type Bytes = Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>;

/// A parsed event stream.
pub struct EventStream {
    pub headers: reqwest::header::HeaderMap,
    body: Bytes,
    parser: Parser,
    pending: VecDeque<Frame>,
}

impl EventStream {
    pub fn new(response: reqwest::Response) -> EventStream {
        EventStream {
            headers: response.headers().clone(),
            body: Box::pin(response.bytes_stream()),
            parser: Parser::default(),
            pending: VecDeque::new(),
        }
    }

    /// The next frame, or `None` when the server ended the stream.
    pub async fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(frame) = self.pending.pop_front() {
                return Some(frame);
            }
            let chunk = tokio::time::timeout(PATIENCE, self.body.next())
                .await
                .expect("no frame within the patience limit")?;
            self.pending
                .extend(self.parser.push(&chunk.unwrap()).unwrap());
        }
    }

    /// The next event, decoded with the shared protocol, and its id.
    pub async fn next_event(&mut self) -> (Event, String) {
        loop {
            match self.next_frame().await.expect("stream ended") {
                // The opening `hello` names the build; see `stream.rs`.
                Frame::Event { event, .. } if event == livedash::protocol::HELLO => continue,
                Frame::Event { event, data, id } => {
                    return (Event::decode(&event, &data).unwrap(), id);
                }
                Frame::Comment(_) | Frame::Retry(_) => continue,
            }
        }
    }

    /// Reads events until one matches, returning it and every event before it. The whole
    /// wait is bounded: a busy stream (quotes flow constantly) would otherwise never time out.
    pub async fn until(&mut self, mut wanted: impl FnMut(&Event) -> bool) -> (Event, Vec<Event>) {
        let mut before = Vec::new();
        let search = async {
            loop {
                let (event, _) = self.next_event().await;
                if wanted(&event) {
                    return event;
                }
                before.push(event);
            }
        };
        let found = tokio::time::timeout(PATIENCE, search)
            .await
            .expect("the awaited event did not arrive within the patience limit");
        (found, before)
    }

    /// The first event must be the snapshot.
    pub async fn snapshot(&mut self) -> livedash::protocol::Snapshot {
        match self.next_event().await {
            (Event::Snapshot(snapshot), _) => snapshot,
            (other, _) => panic!("first event was {:?}, not a snapshot", other.kind()),
        }
    }
}

/// Lifts this process's soft limit on open files to at least `needed`, failing clearly if
/// the hard limit does not allow it.
pub fn raise_open_file_limit(needed: u64) {
    let got = rlimit::increase_nofile_limit(needed).expect("read the open-file limit");
    assert!(
        got >= needed,
        "this test needs {needed} open files; the hard limit allows {got}"
    );
}
