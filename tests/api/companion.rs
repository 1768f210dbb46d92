//! The command-line companion under test: the real binary, run as a user would, with its
//! output read line by line as it comes.

use std::{process::Stdio, time::Duration};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    process::{Child, ChildStdin, Command},
    sync::mpsc,
};

/// Upper bound on waiting for something that should happen promptly (never a wait *for*).
const PATIENCE: Duration = Duration::from_secs(30);

pub struct Companion {
    child: Child,
    /// Its standard input, a pipe (not a terminal), closed by [`Companion::finish`].
    stdin: Option<ChildStdin>,
    lines: mpsc::UnboundedReceiver<(Source, String)>,
    /// Every line so far, in arrival order.
    pub seen: Vec<(Source, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Stdout,
    Stderr,
}

impl Companion {
    /// `livedash ARGS` against `server`, with no token or server from our environment.
    pub fn start(server: &str, args: &[&str]) -> Companion {
        let mut child = Command::new(env!("CARGO_BIN_EXE_livedash"))
            .args(args)
            .env("LIVEDASH_SERVER", server)
            .env_remove("LIVEDASH_PUBLISH_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::unbounded_channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for (source, pipe) in [
            (
                Source::Stdout,
                Box::new(stdout) as Box<dyn tokio::io::AsyncRead + Send + Unpin>,
            ),
            (Source::Stderr, Box::new(stderr)),
        ] {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(pipe).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let _ = tx.send((source, line));
                }
            });
        }
        Companion {
            stdin: child.stdin.take(),
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `text` and returns it.
    pub async fn line_with(&mut self, text: &str) -> String {
        let search = async {
            loop {
                let Some((source, line)) = self.lines.recv().await else {
                    panic!("the output ended without `{text}`: {:#?}", self.seen);
                };
                self.seen.push((source, line.clone()));
                if line.contains(text) {
                    return line;
                }
            }
        };
        tokio::time::timeout(PATIENCE, search)
            .await
            .unwrap_or_else(|_| panic!("no line with `{text}`; seen: {:#?}", self.seen))
    }

    /// Writes a line to its standard input.
    pub async fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("open");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
    }

    /// Closes its input and waits for it to end; its exit code, and all it printed.
    pub async fn finish(mut self) -> (i32, Vec<(Source, String)>) {
        drop(self.stdin.take());
        let status = tokio::time::timeout(PATIENCE, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("still running; seen: {:#?}", self.seen))
            .unwrap();
        // The pipes close with the process: the readers hand over the rest and stop.
        while let Some(line) = self.lines.recv().await {
            self.seen.push(line);
        }
        (status.code().expect("exited, not killed"), self.seen)
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap()
    }
}

/// The lines from one source.
pub fn lines_of(seen: &[(Source, String)], source: Source) -> Vec<&str> {
    seen.iter()
        .filter(|(s, _)| *s == source)
        .map(|(_, l)| l.as_str())
        .collect()
}
