//! Event streams over HTTP/1.1, written by us rather than by hyper.
//!
//! Why: an idle event stream is almost nothing but its connection's buffers. heaptrack on
//! 2,000 idle streams showed hyper's HTTP/1 connection holding ~24 KiB each for its whole
//! life (a 16 KiB read buffer reserved while it read the request head, and an 8 KiB header
//! write buffer), and hyper's server has no setting for either.
//!
//! So a connection's first request is read here, into a buffer that is freed once parsed.
//! A plain `GET /api/events` goes to the same router as every other request (every layer,
//! the same handler, the same limits), and its response is written from the body's frames
//! as they come: several ready frames in one chunk, nothing kept between writes. The
//! connection closes when the stream ends (`connection: close`), which an event stream
//! does anyway.
//!
//! Anything else, and anything unusual about the request (a body, an upgrade, `Expect`,
//! HTTP/1.0, a head that does not parse or is too large), goes to hyper untouched, with the
//! bytes read here given back first (`rewind.rs`).

use axum::{
    body::{Body, HttpBody as _},
    http::{
        HeaderName, HeaderValue, Method, Request, Response, StatusCode, Version,
        header::{CONNECTION, CONTENT_LENGTH, DATE, EXPECT, TRANSFER_ENCODING, UPGRADE},
    },
};
use bytes::{BufMut, Bytes};
use futures::{FutureExt, StreamExt};
use std::{io, time::SystemTime};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The one request served here: `GET` of the event stream.
const METHOD: &[u8] = b"GET ";
/// A longer head goes to hyper, which answers it as it answers any other.
const MAX_HEAD: usize = 8 * 1024;
const MAX_HEADERS: usize = 64;
/// At most this many bytes of ready frames go into one chunk.
const MAX_CHUNK: usize = 64 * 1024;

/// A connection's first request, as far as this module is concerned.
pub enum First {
    /// An event-stream request, served by [`respond`].
    Events(Box<Request<Body>>),
    /// Anything else, with the bytes read of it (for hyper, through `Rewind`).
    Other(Bytes),
}

/// Reads until the first request is known to be a `GET` of the event stream at `path` (its
/// whole head) or anything else (usually its first read). The caller bounds the time it
/// may take.
pub async fn read_first<I: AsyncRead + Unpin>(io: &mut I, path: &str) -> io::Result<First> {
    let mut head = Vec::with_capacity(1024);
    loop {
        let room = MAX_HEAD - head.len();
        // At the end of input the client stopped sending: hyper answers a partial request
        // as usual, and a head that filled the buffer as it answers any too-large head.
        let done = io.read_buf(&mut (&mut head).limit(room)).await? == 0;
        match decide(&head, path) {
            Decision::Events(request) => return Ok(First::Events(request)),
            Decision::Other => return Ok(First::Other(head.into())),
            Decision::More if done || head.len() == MAX_HEAD => {
                return Ok(First::Other(head.into()));
            }
            Decision::More => {}
        }
    }
}

/// What the bytes read so far say about the first request.
enum Decision {
    Events(Box<Request<Body>>),
    Other,
    /// More bytes are needed to tell.
    More,
}

fn decide(head: &[u8], path: &str) -> Decision {
    let mut expected = METHOD.iter().chain(path.as_bytes());
    let differs = head.iter().zip(expected.by_ref()).any(|(a, b)| a != b);
    let after = head.get(METHOD.len() + path.len());
    if differs || after.is_some_and(|b| !matches!(b, b'?' | b' ')) {
        return Decision::Other;
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(head) {
        Ok(httparse::Status::Partial) => Decision::More,
        Ok(httparse::Status::Complete(_)) => match request(&parsed) {
            Some(request) => Decision::Events(Box::new(request)),
            None => Decision::Other,
        },
        Err(_) => Decision::Other,
    }
}

/// The request, if it is one this module serves as it is.
fn request(parsed: &httparse::Request<'_, '_>) -> Option<Request<Body>> {
    if parsed.version != Some(1) {
        return None;
    }
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(parsed.path?)
        .version(Version::HTTP_11);
    for header in parsed.headers.iter() {
        let name = HeaderName::from_bytes(header.name.as_bytes()).ok()?;
        let value = HeaderValue::from_bytes(header.value).ok()?;
        let body = name == CONTENT_LENGTH && value != "0" || name == TRANSFER_ENCODING;
        if body || name == UPGRADE || name == EXPECT {
            return None;
        }
        request = request.header(name, value);
    }
    request.body(Body::empty()).ok()
}

/// How a response's body is delimited on the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Framing {
    None,
    Length(u64),
    Chunked,
}

impl Framing {
    fn of(response: &Response<Body>) -> Framing {
        let status = response.status();
        if status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED
        {
            return Framing::None;
        }
        let declared = response.headers().get(CONTENT_LENGTH);
        match declared.and_then(|v| v.to_str().ok()?.parse().ok()) {
            Some(length) => Framing::Length(length),
            None => match response.body().size_hint().exact() {
                Some(length) => Framing::Length(length),
                None => Framing::Chunked,
            },
        }
    }
}

/// Writes `response` on `io`, then closes the connection. Ends early, without error, when
/// the client goes away or sends anything more.
pub async fn respond<I>(mut io: I, response: Response<Body>) -> io::Result<()>
where
    I: AsyncRead + AsyncWrite + Unpin,
{
    let framing = Framing::of(&response);
    io.write_all(&encode_head(&response, framing)).await?;
    io.flush().await?;
    let mut frames = response.into_body().into_data_stream();
    let mut ended = framing == Framing::None;
    // Reading while we write is how a vanished client is noticed between writes. A client
    // has nothing to send after an event stream's request (a request pipelined behind a
    // stream would wait forever), so one that sends anything is closed rather than read
    // without end.
    let mut probe = [0u8; 16];
    while !ended {
        let first = tokio::select! {
            frame = frames.next() => frame,
            _ = io.read(&mut probe) => return Ok(()),
        };
        let mut ready = Vec::new();
        let mut size = 0;
        let mut next = Some(first);
        while let Some(frame) = next {
            match frame {
                Some(Ok(data)) => {
                    size += data.len();
                    ready.push(data);
                }
                Some(Err(e)) => return Err(io::Error::other(e)),
                None => ended = true,
            }
            next = (!ended && size < MAX_CHUNK)
                .then(|| frames.next().now_or_never())
                .flatten();
        }
        if size > 0 {
            io.write_all(&encode_chunk(&ready, size, framing)).await?;
            io.flush().await?;
        }
    }
    if framing == Framing::Chunked {
        io.write_all(b"0\r\n\r\n").await?;
    }
    io.shutdown().await
}

fn encode_head(response: &Response<Body>, framing: Framing) -> Vec<u8> {
    let status = response.status();
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    out.extend_from_slice(b"\r\n");
    let mut line = |name: &[u8], value: &[u8]| {
        out.extend_from_slice(name);
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    };
    for (name, value) in response.headers() {
        if ![CONNECTION, TRANSFER_ENCODING, CONTENT_LENGTH].contains(name) {
            line(name.as_str().as_bytes(), value.as_bytes());
        }
    }
    if !response.headers().contains_key(DATE) {
        line(
            b"date",
            httpdate::fmt_http_date(SystemTime::now()).as_bytes(),
        );
    }
    match framing {
        Framing::None => {}
        Framing::Length(length) => line(b"content-length", length.to_string().as_bytes()),
        Framing::Chunked => line(b"transfer-encoding", b"chunked"),
    }
    line(b"connection", b"close");
    out.extend_from_slice(b"\r\n");
    out
}

/// One write's worth of frames: a chunk, or the bytes themselves with a known length.
fn encode_chunk(frames: &[Bytes], size: usize, framing: Framing) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 16);
    let chunked = framing == Framing::Chunked;
    if chunked {
        out.extend_from_slice(format!("{size:x}\r\n").as_bytes());
    }
    for frame in frames {
        out.extend_from_slice(frame);
    }
    if chunked {
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
#[path = "h1_stream_tests.rs"]
mod tests;
