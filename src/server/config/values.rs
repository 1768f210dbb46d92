//! The values flags take that are more than a number: what each means, and how it is read
//! and checked (a bad value stops the server at start, with clap's message naming the
//! flag).

/// Whether the built-in market simulation runs (`--market`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MarketMode {
    Simulated,
    Off,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The market's symbols: 1 to [`Symbols::MAX`] distinct tickers, upper case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbols(Vec<String>);

impl Symbols {
    pub const MAX: usize = 1_000;

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

pub(super) fn parse_symbols(s: &str) -> Result<Symbols, String> {
    let mut symbols: Vec<String> = Vec::new();
    for raw in s.split(',') {
        let symbol = crate::protocol::normalize_symbol(raw)?;
        if symbols.contains(&symbol) {
            return Err(format!("`{symbol}` is listed twice"));
        }
        symbols.push(symbol);
    }
    if symbols.len() > Symbols::MAX {
        return Err(format!(
            "{} symbols, at most {} are allowed",
            symbols.len(),
            Symbols::MAX
        ));
    }
    Ok(Symbols(symbols))
}

pub(super) fn parse_redis_url(s: &str) -> Result<String, String> {
    if !(s.starts_with("redis://") || s.starts_with("unix://")) {
        return Err("expected a `redis://host:port/db` (or `unix://`) URL".into());
    }
    redis::Client::open(s).map_err(|e| format!("not a Redis URL: {e}"))?;
    Ok(s.to_owned())
}

pub(super) fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.01..=10_000.0).contains(&r) => Ok(r),
        _ => Err(format!(
            "`{s}` is not a rate between 0.01 and 10000 updates per second"
        )),
    }
}

pub(super) fn parse_token(s: &str) -> Result<String, String> {
    let token = s.trim();
    if token.len() < 16 || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the token must be at least 16 characters, without spaces".into());
    }
    Ok(token.to_owned())
}

/// `scheme://host[:port]`, http or https, nothing after; kept in lower case.
pub(super) fn parse_origin(s: &str) -> Result<String, String> {
    let wrong = || format!("`{s}` is not an origin like `https://dash.example.com`");
    let uri: axum::http::Uri = s.trim().parse().map_err(|_| wrong())?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(wrong());
    };
    let bare = matches!(uri.path(), "" | "/") && uri.query().is_none();
    if !matches!(scheme, "http" | "https") || !bare || authority.as_str().contains('@') {
        return Err(wrong());
    }
    Ok(format!("{scheme}://{authority}").to_ascii_lowercase())
}

/// A build tag: 1 to 32 of `A-Z a-z 0-9 . _ -`, so it is safe in a header and a file name.
pub(super) fn parse_tag(s: &str) -> Result<String, String> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if s.is_empty() || s.len() > 32 || !s.chars().all(ok) {
        return Err("expected 1 to 32 letters, digits, `.`, `_` or `-`".into());
    }
    Ok(s.to_owned())
}

/// The data dir without `--data-dir`: systemd's `$STATE_DIRECTORY` (its first entry), else
/// the XDG state directory, else `livedash-data` in the working directory.
pub(super) fn default_data_dir() -> std::path::PathBuf {
    use std::{env, path::PathBuf};
    let set = |name: &str| env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dirs) = set("STATE_DIRECTORY")
        && let Some(first) = env::split_paths(&dirs).next()
    {
        return first;
    }
    if let Some(state) = set("XDG_STATE_HOME") {
        return PathBuf::from(state).join("livedash");
    }
    match set("HOME") {
        Some(home) => PathBuf::from(home).join(".local/state/livedash"),
        None => PathBuf::from("livedash-data"),
    }
}
