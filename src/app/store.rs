//! The browser's reactive copy of the dashboard state.
//!
//! Each quote row has its own signal, so a price change re-renders one row, not the table.
//! Jobs and the notification feed are small lists updated through the shared reducers in
//! `state/`; components read single jobs through memos keyed by id.

use crate::{
    protocol::{
        Access, Event, MarketSource, PageState, Presence, QuoteSeries, Snapshot, Toast, TopicSet,
    },
    state,
};
use leptos::prelude::*;

/// Toasts visible at once; older ones make room for new ones.
pub const MAX_VISIBLE_TOASTS: usize = 4;

/// What the connection indicator shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    Reconnecting,
    Offline,
    /// No tab of this browser is visible: the stream is closed until one is shown.
    Paused,
    /// The session ended (or the stream was refused 401): closed until the viewer signs in
    /// again; nothing reconnects.
    SignedOut,
}

impl Connection {
    /// The inverse of `as_str` (how tabs tell each other the shared stream's state).
    pub fn parse(s: &str) -> Option<Connection> {
        [
            Connection::Connecting,
            Connection::Live,
            Connection::Reconnecting,
            Connection::Offline,
            Connection::Paused,
            Connection::SignedOut,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Connection::Connecting => "connecting",
            Connection::Live => "live",
            Connection::Reconnecting => "reconnecting",
            Connection::Offline => "offline",
            Connection::Paused => "paused",
            Connection::SignedOut => "signed_out",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Connection::Connecting => "Connecting…",
            Connection::Live => "Live",
            Connection::Reconnecting => "Reconnecting…",
            Connection::Offline => "Offline",
            Connection::Paused => "Paused",
            Connection::SignedOut => "Signed out",
        }
    }
}

/// One ticker row: its symbol never changes, its series is its own signal.
#[derive(Clone, Debug)]
pub struct QuoteCell {
    pub symbol: String,
    pub series: RwSignal<QuoteSeries>,
}

#[derive(Clone, Copy)]
pub struct Store {
    pub quotes: RwSignal<Vec<QuoteCell>>,
    /// Newest first.
    pub jobs: RwSignal<Vec<crate::protocol::Job>>,
    /// Recent notifications, newest first (the page's feed).
    pub feed: RwSignal<Vec<Toast>>,
    /// Notifications currently popped up as toasts, oldest first.
    pub toasts: RwSignal<Vec<Toast>>,
    pub connection: RwSignal<Connection>,
    /// What this viewer may do: the controls that change state follow it.
    pub access: RwSignal<Access>,
    /// Where prices come from; fixed for the server's lifetime.
    pub market: MarketSource,
    /// The topics this viewer may watch: their panels are shown, the stream asks for them.
    pub topics: TopicSet,
    /// Whether the sign-in form takes a token (else a sign-on proxy signs people in).
    pub token_sign_in: bool,
    /// Whether this browser signed in on the page (it may sign out).
    pub session: bool,
    /// Who is watching now.
    pub presence: RwSignal<Presence>,
    /// The stream is served by another build than the page's: the page says so, and
    /// reloads itself at a safe moment (`live/update.rs`).
    pub updated: RwSignal<bool>,
}

impl Store {
    pub fn new(page: PageState) -> Store {
        let snapshot = page.snapshot;
        Store {
            quotes: RwSignal::new(cells(snapshot.quotes)),
            jobs: RwSignal::new(snapshot.jobs),
            feed: RwSignal::new(snapshot.toasts),
            toasts: RwSignal::new(Vec::new()),
            connection: RwSignal::new(Connection::Connecting),
            access: RwSignal::new(page.access),
            market: page.market,
            topics: page.topics,
            token_sign_in: page.token_sign_in,
            session: page.session,
            presence: RwSignal::new(page.presence),
            updated: RwSignal::new(false),
        }
    }

    pub fn apply(&self, event: Event) {
        match event {
            Event::Snapshot(snapshot) => self.replace(snapshot),
            Event::Quote(quote) => {
                let cell = self.quotes.with_untracked(|cells| {
                    cells.iter().find(|c| c.symbol == quote.symbol).cloned()
                });
                match cell {
                    Some(cell) => cell
                        .series
                        .update(|series| state::quotes::update(series, &quote)),
                    None => self.quotes.update(|cells| {
                        cells.extend(cells_from_quote(&quote));
                    }),
                }
            }
            Event::Job(job) => self.jobs.update(|jobs| state::jobs::apply(jobs, &job)),
            Event::Toast(toast) => {
                self.feed.update(|feed| state::toasts::apply(feed, &toast));
                self.toasts.update(|shown| {
                    shown.push(toast);
                    let excess = shown.len().saturating_sub(MAX_VISIBLE_TOASTS);
                    shown.drain(..excess);
                });
            }
        }
    }

    /// Removes a shown toast. Toasts are keyed by id *and* time: ids no longer repeat (each
    /// log counts them from its epoch), but a page can outlive its server's log, and an old
    /// toast may still be on screen then.
    pub fn dismiss(&self, (id, ts_ms): (u64, u64)) {
        self.toasts
            .update(|shown| shown.retain(|t| (t.id, t.ts_ms) != (id, ts_ms)));
    }

    /// A snapshot replaces the state. Rows of symbols we already show keep their signals
    /// (and their DOM); only a changed symbol list rebuilds the table.
    fn replace(&self, snapshot: Snapshot) {
        let same_symbols = self.quotes.with_untracked(|cells| {
            cells.len() == snapshot.quotes.len()
                && cells
                    .iter()
                    .zip(&snapshot.quotes)
                    .all(|(c, s)| c.symbol == s.quote.symbol)
        });
        if same_symbols {
            self.quotes.with_untracked(|cells| {
                for (cell, series) in cells.iter().zip(snapshot.quotes) {
                    if cell.series.with_untracked(|s| *s != series) {
                        cell.series.set(series);
                    }
                }
            });
        } else {
            self.quotes.set(cells(snapshot.quotes));
        }
        self.jobs.set(snapshot.jobs);
        self.feed.set(snapshot.toasts);
    }
}

fn cells(quotes: Vec<QuoteSeries>) -> Vec<QuoteCell> {
    quotes
        .into_iter()
        .map(|series| QuoteCell {
            symbol: series.quote.symbol.clone(),
            series: RwSignal::new(series),
        })
        .collect()
}

fn cells_from_quote(quote: &crate::protocol::Quote) -> Vec<QuoteCell> {
    let mut rows = Vec::new();
    state::quotes::apply(&mut rows, quote);
    cells(rows)
}
