//! A `redis-server` of the test's own (Debian's package, installed by `make setup`) on a free
//! port, without persistence, stopped when dropped.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

pub struct RedisServer {
    child: Child,
    pub port: u16,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        RedisServer::start_on(port)
    }

    /// On a given port: a restart of one that was there (without its data).
    pub fn start_on(port: u16) -> RedisServer {
        let mut child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--loglevel", "notice"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("redis-server (Debian's redis-server package; `make setup` installs it)");
        // Its log says when it accepts connections.
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for line in lines {
            if line.unwrap().contains("Ready to accept connections") {
                return RedisServer { child, port };
            }
        }
        let status = child.wait();
        panic!("redis-server on port {port} ended before it was ready: {status:?}");
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
