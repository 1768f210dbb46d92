//! Headers every response carries, compression of what the server generates, and CORS
//! for the API and the stream.

use super::Config;
use axum::{
    extract::Request,
    http::{Extensions, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version, header},
    middleware::Next,
    response::Response,
};
use tower_http::{
    CompressionLevel,
    compression::{
        CompressionLayer,
        predicate::{DefaultPredicate, Predicate},
    },
    cors::{AllowOrigin, CorsLayer},
};

/// `nosniff`, no referrer leaks to other sites (our own forms need it: without JavaScript a
/// form post is redirected back to its `Referer`), no framing (the page's CSP says so too;
/// this covers the rest and older browsers).
pub async fn security(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Brotli or gzip, as the client prefers, for what the server generates: the rendered page
/// (about 40 kB, a quarter of that compressed) and JSON. Level 4: most of the gain for
/// little CPU, as each response is compressed while it is sent. Event streams are left
/// alone (compressing would hold frames back), and so are the site's files: embedded ones
/// already carry their encoding (see `site/`), and compressing the debug build's 7 MB wasm
/// from disk on every page load would slow development down for nothing.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let generated = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"))
    };
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(4))
        .compress_when(DefaultPredicate::new().and(generated))
}

/// Same-origin only unless `--cors-origins` lists others; those may read the API and the
/// stream and send the headers our clients use.
pub fn cors(config: &Config) -> CorsLayer {
    let origins: Vec<HeaderValue> = config
        .allowed_origins()
        .filter_map(|o| o.parse().ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::ACCEPT,
            HeaderName::from_static("last-event-id"),
        ])
}
