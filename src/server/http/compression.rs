//! Brotli or gzip, as the client prefers, for what the server generates: the rendered page
//! (about 40 kB, a quarter of that compressed) and JSON. Level 4: most of the gain for
//! little CPU, as each response is compressed while it is sent. The site's files are left
//! alone: embedded ones already carry their encoding (see `site/`), and compressing the
//! debug build's 7 MB wasm from disk on every page load would slow development down for
//! nothing.
//!
//! The event stream is never compressed (that would hold frames back), and its requests do
//! not go through tower-http's layer at all: a response that layer wraps holds its
//! encoder's state inline even when nothing is compressed, about 5.8 KiB (brotli's), and a
//! stream keeps its response for hours. heaptrack showed it as the largest part of an idle
//! stream.

use super::events;
use axum::{
    body::Body,
    extract::Request,
    http::{Extensions, HeaderMap, StatusCode, Version, header},
    response::Response,
};
use futures::{FutureExt, future::BoxFuture};
use std::{
    convert::Infallible,
    task::{Context, Poll},
};
use tower::{Layer, Service, ServiceExt};
use tower_http::{
    CompressionLevel,
    compression::{
        Compression, CompressionLayer,
        predicate::{DefaultPredicate, Predicate},
    },
};

/// The layer: [`Compressed`] around each route.
pub fn layer() -> Compress<impl Predicate + Send + Sync + 'static> {
    let generated = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"))
    };
    Compress(
        CompressionLayer::new()
            .br(true)
            .gzip(true)
            .quality(CompressionLevel::Precise(4))
            .compress_when(DefaultPredicate::new().and(generated)),
    )
}

#[derive(Clone)]
pub struct Compress<P>(CompressionLayer<P>);

impl<S: Clone, P: Predicate> Layer<S> for Compress<P> {
    type Service = Compressed<S, P>;

    fn layer(&self, inner: S) -> Self::Service {
        Compressed {
            compressed: self.0.layer(inner.clone()),
            plain: inner,
        }
    }
}

/// A service whose answers are compressed, except the event stream's.
#[derive(Clone)]
pub struct Compressed<S, P> {
    compressed: Compression<S, P>,
    plain: S,
}

impl<S, P> Service<Request> for Compressed<S, P>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
    P: Predicate + Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    /// Routes are always ready; each call below drives a clone of its own.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if request.uri().path() == events::PATH {
            return self.plain.clone().oneshot(request).boxed();
        }
        let compressed = self.compressed.clone().oneshot(request);
        async move { Ok(compressed.await?.map(Body::new)) }.boxed()
    }
}
