//! HTTPS with HTTP/2 (and HTTP/1.1 by ALPN), with a self-signed certificate the test makes.

use crate::api::support::{EventStream, TestServer};
use livedash::server::{self, config::Config};
use reqwest::Version;
use std::path::PathBuf;

/// Writes a fresh self-signed certificate for `localhost`; returns (cert, key) paths.
fn certificate() -> (PathBuf, PathBuf, String) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "livedash-tls-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, signing_key.serialize_pem()).unwrap();
    (cert_path, key_path, cert.pem())
}

#[tokio::test]
async fn https_serves_http2_and_http1_by_alpn_including_the_event_stream() {
    let (cert, key, pem) = certificate();
    let mut server = TestServer::https(Config::default(), &cert, &key).await;
    let addr = server.addr;

    let client = |http1: bool| {
        let builder = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
            .resolve("localhost", addr);
        if http1 { builder.http1_only() } else { builder }
            .build()
            .unwrap()
    };
    let url = |path: &str| format!("https://localhost:{}{path}", addr.port());

    let h2 = client(false);
    let quotes = h2.get(url("/api/quotes")).send().await.unwrap();
    assert_eq!(
        (quotes.status().as_u16(), quotes.version()),
        (200, Version::HTTP_2)
    );
    // Several streams (a tab each) multiplexed on the one HTTP/2 connection.
    let mut streams = Vec::new();
    for _ in 0..3 {
        let response = h2
            .get(url("/api/events?topics=toasts"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.version(), Version::HTTP_2);
        let mut stream = EventStream::new(response);
        stream.snapshot().await;
        streams.push(stream);
    }
    let published = h2
        .post(url("/api/notifications"))
        .body(r#"{"level":"info","title":"over h2"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 202);
    for stream in &mut streams {
        let (event, _) = stream
            .until(|e| matches!(e, livedash::protocol::Event::Toast(_)))
            .await;
        assert!(matches!(event, livedash::protocol::Event::Toast(t) if t.title == "over h2"));
    }

    let h1 = client(true).get(url("/healthz")).send().await.unwrap();
    assert_eq!(
        (h1.status().as_u16(), h1.version()),
        (200, Version::HTTP_11)
    );

    server.shut_down().await.unwrap();
}

#[test]
fn unreadable_certificate_files_are_refused_naming_the_flag() {
    let (cert, key, _) = certificate();
    let missing = PathBuf::from("/nonexistent/cert.pem");
    assert!(
        server::net::load_tls(&missing, &key)
            .err()
            .unwrap()
            .contains("--tls-cert")
    );
    assert!(
        server::net::load_tls(&cert, &missing)
            .err()
            .unwrap()
            .contains("--tls-key")
    );
    assert!(
        server::net::load_tls(&key, &key)
            .err()
            .unwrap()
            .contains("--tls-cert"),
        "a key is not a certificate"
    );
}

/// Over HTTP/2 there is no `Host` header, only the `:authority`: the page's own form posts
/// must still be recognised as same-origin, and its session cookie must be `Secure`.
#[tokio::test]
async fn over_http2_the_pages_controls_work_and_the_session_is_secure() {
    let (cert, key, pem) = certificate();
    let mut server = TestServer::https(crate::security::with_token(), &cert, &key).await;
    let addr = server.addr;
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .resolve("localhost", addr)
        .build()
        .unwrap();
    let origin = format!("https://localhost:{}", addr.port());
    let form = |path: &str, body: String| {
        client
            .post(format!("{origin}{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &origin)
            .header("sec-fetch-site", "same-origin")
            .body(body)
    };
    let token = crate::security::TOKEN;
    let signed_in = form("/api/ui/sign_in", format!("token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (signed_in.status().as_u16(), signed_in.version()),
        (200, Version::HTTP_2)
    );
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    let started = form("/api/ui/start_job", "kind=logs".into())
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200, "{:?}", started.text().await);
    assert_eq!(server.state.hub.read(|s| s.jobs.len()), 1);
    server.shut_down().await.unwrap();
}
