//! nginx (Debian's package, installed by `make setup`) as a real load balancer in front of
//! test nodes, on a free port, stopped when dropped.
//!
//! Its configuration is the README's own (the `nginx` block of "Scaling out"), with the
//! test's nodes in the `upstream` and the test's port in `listen`: the configuration users
//! copy is the one the tests run.

use nix::{sys::signal, unistd::Pid};
use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, Stdio},
};

pub struct Nginx {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

impl Nginx {
    /// nginx balancing over `nodes`.
    pub fn start(nodes: &[SocketAddr]) -> Nginx {
        Nginx::start_with(|port| with_nodes(readme_config(), nodes, port))
    }

    /// nginx running the `http` block `block` makes for its port.
    pub fn start_with(block: impl FnOnce(u16) -> String) -> Nginx {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("livedash-nginx-{port}"));
        std::fs::create_dir_all(&dir).unwrap();
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, whole_config(&dir, &block(port))).unwrap();
        let bin = std::env::var("NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into());
        let mut child = Command::new(&bin)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(&conf)
            .args(["-e", "stderr"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{bin} (Debian's nginx; `make setup` installs it): {e}"));
        // The master binds the port before it starts its worker, and says when it does.
        let mut said = Vec::new();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        for line in lines.by_ref() {
            let line = line.unwrap();
            if line.contains("start worker process") {
                // Its log from now on (upstreams failing, mostly) goes with the test's output.
                std::thread::spawn(move || {
                    lines
                        .map_while(Result::ok)
                        .for_each(|l| eprintln!("nginx: {l}"))
                });
                return Nginx { child, port, dir };
            }
            said.push(line);
        }
        let status = child.wait();
        panic!(
            "nginx ended before it listened ({status:?}):\n{}",
            said.join("\n")
        );
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers too (SIGKILL would leave them serving).
        let _ = signal::kill(Pid::from_raw(self.child.id() as i32), signal::SIGTERM);
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The README's cluster configuration.
pub fn readme_config() -> &'static str {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("```nginx\nupstream livedash")
        .expect("the README's Scaling out section has an nginx block with `upstream livedash`");
    let block = &readme[start + "```nginx\n".len()..];
    &block[..block.find("```").unwrap()]
}

/// A whole nginx.conf around an `http` block: everything it writes goes under `dir`.
fn whole_config(dir: &std::path::Path, block: &str) -> String {
    let dir = dir.display();
    format!(
        "worker_processes 1;\n\
         daemon off;\n\
         pid {dir}/nginx.pid;\n\
         error_log stderr notice;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n\
         access_log off;\n\
         client_body_temp_path {dir}/body;\n\
         proxy_temp_path {dir}/proxy;\n\
         fastcgi_temp_path {dir}/fastcgi;\n\
         uwsgi_temp_path {dir}/uwsgi;\n\
         scgi_temp_path {dir}/scgi;\n\
         {block}\n}}\n"
    )
}

/// The README's block with the test's nodes (keeping the README's parameters for each)
/// and the test's port.
fn with_nodes(config: &str, nodes: &[SocketAddr], port: u16) -> String {
    let mut out = Vec::new();
    let mut listed = false;
    let mut listens = false;
    for line in config.lines() {
        let trimmed = line.trim();
        if let Some(server) = trimmed.strip_prefix("server 10.") {
            if !listed {
                let params = server.split_once(' ').map_or(";", |(_, rest)| rest);
                for node in nodes {
                    out.push(format!("    server {node} {params}"));
                }
                listed = true;
            }
        } else if trimmed == "listen 80;" {
            out.push(format!("    listen 127.0.0.1:{port};"));
            listens = true;
        } else {
            out.push(line.to_owned());
        }
    }
    assert!(listed && listens, "the README's nginx block changed shape");
    out.join("\n")
}

#[test]
fn the_readme_block_gets_the_test_nodes_and_port() {
    let nodes = [
        "127.0.0.1:4001".parse().unwrap(),
        "127.0.0.1:4002".parse().unwrap(),
    ];
    let config = with_nodes(readme_config(), &nodes, 4000);
    assert!(config.contains("server 127.0.0.1:4001 max_fails=0;"));
    assert!(config.contains("server 127.0.0.1:4002 max_fails=0;"));
    assert!(config.contains("listen 127.0.0.1:4000;"));
    assert!(!config.contains("10.0.0."), "{config}");
}
