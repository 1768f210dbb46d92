//! One market on a cluster: the simulated market runs on the node holding its lease, its
//! quotes reach every node's clients, and when that node dies another takes it over from
//! the prices shown.

use crate::{
    api::{proxy::Proxy, redis_server::RedisServer},
    cluster::node_with,
};
use livedash::{
    protocol::Event,
    server::config::{Config, MarketMode},
};
use std::collections::HashMap;

/// A node's market: symbols no one knows open at a price drawn from the seed, so a
/// market that started afresh on another seed would show other prices altogether.
fn market(seed: u64) -> Config {
    use clap::Parser;
    Config {
        market: MarketMode::Simulated,
        quote_rate: 50.0,
        seed: Some(seed),
        ..Config::parse_from(["livedash", "--symbols", "QQA,QQB,QQC,QQD"])
    }
}

#[tokio::test]
async fn when_the_market_node_dies_another_takes_it_over_from_the_prices_shown() {
    let redis = RedisServer::start();
    // The first node reaches Redis through a proxy, so it can vanish as if it died.
    let proxy = Proxy::start(format!("127.0.0.1:{}", redis.port).parse().unwrap()).await;
    let first = node_with(&format!("redis://{}/", proxy.addr), market(7)).await;
    let mut watching = first.events("?topics=quotes").await;
    watching.snapshot().await;
    // It runs the market: its quotes flow before any other node exists.
    watching.until(|e| matches!(e, Event::Quote(_))).await;
    drop(watching);
    let mut admin = redis.connection().await;
    let dying = holder(&mut admin)
        .await
        .expect("the first node holds the market's lease");
    let second = node_with(&redis.url(), market(99)).await;
    let mut stream = second.events("?topics=quotes,toasts").await;
    let shown: HashMap<String, f64> = stream
        .snapshot()
        .await
        .quotes
        .into_iter()
        .map(|row| (row.quote.symbol, row.quote.price))
        .collect();
    assert!(!shown.is_empty(), "the market's prices are in Redis");

    proxy.cut();
    drop(proxy);
    drop(first);
    // Whatever follows this toast in the log was published after the first node died.
    let (status, _) = second
        .post("/api/notifications", r#"{"level":"info","title":"died"}"#)
        .await;
    assert_eq!(status, 202);
    let (_, before) = stream
        .until(|e| matches!(e, Event::Toast(t) if t.title == "died"))
        .await;
    let mut last = shown;
    for event in before {
        if let Event::Quote(quote) = event {
            last.insert(quote.symbol, quote.price);
        }
    }
    // The second node takes the lease over once it expires, and its market goes on from
    // the prices in Redis: the next quote of a symbol is a step from its last price, not
    // a fresh start at its typical price.
    let mut moved = 0;
    while moved < 20 {
        let (event, _) = stream.next_event().await;

        let Event::Quote(quote) = event else { continue };
        let Some(before) = last.insert(quote.symbol.clone(), quote.price) else {
            continue;
        };
        assert!(
            (quote.price / before - 1.0).abs() < 0.05,
            "{} went from {before} to {} in one step",
            quote.symbol,
            quote.price
        );
        moved += 1;
    }
    let taker = holder(&mut admin).await;
    assert!(
        taker.is_some() && taker != Some(dying),
        "the lease moved on"
    );
}

async fn holder(conn: &mut redis::aio::MultiplexedConnection) -> Option<String> {
    redis::cmd("GET")
        .arg("livedash:lease:market")
        .query_async(conn)
        .await
        .unwrap()
}
