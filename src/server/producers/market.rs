//! A simulated market: prices follow geometric Brownian motion, one symbol per tick.
//!
//! [`Market`] is pure and seedable (the same seed gives the same prices); [`run`] drives it
//! at the configured rate and publishes each quote through the hub.

use crate::protocol::{Event, Quote, QuoteSeries};
use crate::server::{
    clock::now_ms,
    engine::{Cluster, Journal},
};
use crate::state::quotes::HISTORY_LEN;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, StandardNormal};
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Symbol, company, opening price, and volatility per tick (standard deviation of the log
/// return): the default listings, and the parameters of these symbols when `--symbols`
/// names them. At the default rate a symbol moves about twice a second, so an hour of ticks
/// spreads prices by roughly 1-5 %, like a real session. The moves are not real.
const LISTINGS: [(&str, &str, f64, f64); 24] = [
    ("AAPL", "Apple", 228.52, 0.00053),
    ("MSFT", "Microsoft", 417.10, 0.00047),
    ("NVDA", "NVIDIA", 131.38, 0.00100),
    ("AMZN", "Amazon", 186.40, 0.00067),
    ("GOOGL", "Alphabet", 164.74, 0.00060),
    ("META", "Meta Platforms", 568.31, 0.00073),
    ("TSLA", "Tesla", 251.44, 0.00120),
    ("AVGO", "Broadcom", 172.08, 0.00087),
    ("JPM", "JPMorgan Chase", 211.65, 0.00040),
    ("V", "Visa", 279.90, 0.00033),
    ("WMT", "Walmart", 80.77, 0.00030),
    ("XOM", "Exxon Mobil", 119.21, 0.00047),
    ("UNH", "UnitedHealth", 589.05, 0.00050),
    ("MA", "Mastercard", 497.33, 0.00037),
    ("PG", "Procter & Gamble", 170.11, 0.00027),
    ("JNJ", "Johnson & Johnson", 161.92, 0.00027),
    ("COST", "Costco", 889.20, 0.00040),
    ("HD", "Home Depot", 402.56, 0.00043),
    ("NFLX", "Netflix", 711.09, 0.00080),
    ("AMD", "AMD", 155.62, 0.00107),
    ("ADBE", "Adobe", 507.40, 0.00070),
    ("CRM", "Salesforce", 290.14, 0.00063),
    ("KO", "Coca-Cola", 69.87, 0.00023),
    ("DIS", "Walt Disney", 94.31, 0.00057),
];

/// One quoted symbol and how its price moves.
struct Listing {
    symbol: String,
    name: String,
    open: f64,
    sigma: f64,
}

/// The market's state: the listings, one price each, and the random source moving them.
pub struct Market {
    rng: StdRng,
    listings: Vec<Listing>,
    prices: Vec<f64>,
}

impl Market {
    /// A market quoting `symbols`, or the default listings. A symbol we have no listing
    /// for is named after itself and opens at a random price (from the same seed).
    pub fn new(symbols: Option<&[String]>, seed: Option<u64>) -> Market {
        let mut rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        let known = |symbol: &str| LISTINGS.iter().find(|l| l.0 == symbol);
        let listings: Vec<Listing> = match symbols {
            None => LISTINGS.iter().map(Listing::from).collect(),
            Some(symbols) => symbols
                .iter()
                .map(|symbol| match known(symbol) {
                    Some(listing) => Listing::from(listing),
                    None => Listing {
                        symbol: symbol.clone(),
                        name: symbol.clone(),
                        open: (rng.random_range(20.0..600.0_f64) * 100.0).round() / 100.0,
                        sigma: rng.random_range(0.0003..0.0010),
                    },
                })
                .collect(),
        };
        Market {
            rng,
            prices: listings.iter().map(|l| l.open).collect(),
            listings,
        }
    }

    pub fn symbols(&self) -> usize {
        self.listings.len()
    }

    /// Simulates a short history for every symbol so the first page already shows
    /// sparklines; the first simulated price is each symbol's `open`.
    pub fn warm_up(&mut self, now: u64) -> Vec<QuoteSeries> {
        (0..self.listings.len())
            .map(|i| {
                let open = self.prices[i];
                let history: Vec<f64> = (0..HISTORY_LEN).map(|_| self.step(i)).collect();
                QuoteSeries {
                    quote: self.quote(i, open, now),
                    history,
                    ticks: HISTORY_LEN as u64,
                }
            })
            .collect()
    }

    /// Moves one randomly chosen symbol and returns its new quote.
    /// Continues from the prices the dashboard shows (another node's market, before this
    /// node took the market's lease over), so a takeover is not a jump.
    pub fn resume(&mut self, rows: &[QuoteSeries]) {
        for row in rows {
            if let Some(i) = self
                .listings
                .iter()
                .position(|l| l.symbol == row.quote.symbol)
            {
                self.prices[i] = row.quote.price;
                self.listings[i].open = row.quote.open;
            }
        }
    }

    pub fn tick(&mut self, now: u64) -> Quote {
        let i = self.rng.random_range(0..self.listings.len());
        self.step(i);
        self.quote(i, self.listings[i].open, now)
    }

    /// One GBM step: `S *= exp(-sigma^2 / 2 + sigma * Z)`, kept to whole cents.
    fn step(&mut self, i: usize) -> f64 {
        let sigma = self.listings[i].sigma;
        let z: f64 = StandardNormal.sample(&mut self.rng);
        let next = self.prices[i] * (-0.5 * sigma * sigma + sigma * z).exp();
        self.prices[i] = (next * 100.0).round().max(1.0) / 100.0;
        self.prices[i]
    }

    fn quote(&self, i: usize, open: f64, now: u64) -> Quote {
        let listing = &self.listings[i];
        Quote {
            symbol: listing.symbol.clone(),
            name: listing.name.clone(),
            price: self.prices[i],
            open,
            ts_ms: now,
        }
    }
}

impl From<&(&str, &str, f64, f64)> for Listing {
    fn from(&(symbol, name, open, sigma): &(&str, &str, f64, f64)) -> Listing {
        Listing {
            symbol: symbol.into(),
            name: name.into(),
            open,
            sigma,
        }
    }
}

/// How long the market's lease lives: a dead node's market moves within about this long.
const MARKET_LEASE: Duration = Duration::from_secs(3);

/// Runs `market` at `rate` quotes a second until `shutdown`: into this process's hub, or,
/// on a cluster, into the cluster's log from whichever node holds the market's lease.
pub fn spawn(
    market: Market,
    journal: &Journal,
    cluster: Option<&Cluster>,
    rate: f64,
    shutdown: &CancellationToken,
) {
    let sink = match cluster {
        Some(cluster) => Sink::Cluster {
            lease: cluster.lease("market", MARKET_LEASE, shutdown.clone()),
            cluster: cluster.clone(),
        },
        None => Sink::Local(journal.clone()),
    };
    tokio::spawn(run(market, sink, rate, shutdown.clone()));
}

/// Where the market's quotes go.
enum Sink {
    /// This process's journal (its hub, in memory or through the data dir).
    Local(Journal),
    /// The cluster's log, while this node holds the market's lease (one market for all).
    Cluster {
        cluster: Cluster,
        lease: watch::Receiver<bool>,
    },
}

/// Publishes `rate` quotes per second until `shutdown`.
async fn run(mut market: Market, sink: Sink, rate: f64, shutdown: CancellationToken) {
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut held = false;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match &sink {
            Sink::Local(journal) => {
                journal.offer(Event::Quote(market.tick(now_ms())));
            }
            Sink::Cluster { cluster, lease } => {
                let holds = *lease.borrow();
                if holds && !held {
                    market.resume(&cluster.hub().read(|s| s.quotes.clone()));
                }
                held = holds;
                if held {
                    // A tick Redis cannot take is dropped: the next one supersedes it.
                    let _ = cluster.publish(Event::Quote(market.tick(now_ms()))).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_prices() {
        let (mut a, mut b) = (Market::new(None, Some(7)), Market::new(None, Some(7)));
        let run = |m: &mut Market| (0..200).map(|_| m.tick(0).price).collect::<Vec<_>>();
        assert_eq!(run(&mut a), run(&mut b));
    }

    #[test]
    fn prices_wander_but_stay_realistic() {
        let mut market = Market::new(None, Some(1));
        let series = market.warm_up(0);
        assert!(series.len() >= 20);
        for row in &series {
            assert_eq!(row.history.len(), HISTORY_LEN);
            assert!(
                row.history.iter().any(|p| *p != row.quote.open),
                "{} never moved",
                row.quote.symbol
            );
        }
        for _ in 0..10_000 {
            let q = market.tick(0);
            assert!(
                q.price > 0.0 && (q.price / q.open - 1.0).abs() < 0.5,
                "{q:?}"
            );
            assert_eq!((q.price * 100.0).round() / 100.0, q.price);
        }
    }

    #[test]
    fn chosen_symbols_keep_known_listings_and_add_new_ones() {
        let symbols = ["MSFT".to_owned(), "ACME".to_owned()];
        let mut market = Market::new(Some(&symbols), Some(5));
        assert_eq!(market.symbols(), 2);
        let series = market.warm_up(0);
        let msft = &series[0].quote;
        assert_eq!(
            (msft.symbol.as_str(), msft.name.as_str()),
            ("MSFT", "Microsoft")
        );
        assert_eq!(msft.open, 417.10);
        let acme = &series[1].quote;
        assert_eq!((acme.symbol.as_str(), acme.name.as_str()), ("ACME", "ACME"));
        assert!((20.0..600.0).contains(&acme.open), "{acme:?}");
        for _ in 0..1_000 {
            let q = market.tick(0);
            assert!(symbols.contains(&q.symbol), "{q:?}");
        }
        // Unknown symbols open at a price drawn from the seed, so a seed still fixes it.
        let again = Market::new(Some(&symbols), Some(5)).warm_up(0);
        assert_eq!(again[1].quote.open, acme.open);
    }
}
