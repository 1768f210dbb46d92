//! Quotes from outside: `POST /api/quotes` feeds the ticker exactly like the simulated
//! market does; with `--market off` it is the only source. A batch is accepted whole or
//! not at all.

use crate::api::support::TestServer;
use livedash::{
    protocol::{Event, Quote},
    server::config::{Config, MarketMode},
};
use serde_json::Value;

fn fed_only() -> Config {
    Config {
        market: MarketMode::Off,
        ..Config::default()
    }
}

async fn quotes(server: &TestServer) -> Vec<Value> {
    let (status, quotes) = server.get_json("/api/quotes").await;
    assert_eq!(status, 200);
    quotes.as_array().unwrap().clone()
}

async fn next_quote(stream: &mut crate::api::support::EventStream) -> Quote {
    match stream.until(|e| matches!(e, Event::Quote(_))).await {
        (Event::Quote(quote), _) => quote,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn fed_quotes_reach_the_stream_the_snapshots_and_api_quotes() {
    let server = TestServer::with(fed_only()).await;
    assert!(
        quotes(&server).await.is_empty(),
        "--market off simulates nothing"
    );
    let mut stream = server.events("?topics=quotes").await;
    assert!(stream.snapshot().await.quotes.is_empty());

    let batch = r#"[
        {"symbol":"ACME","price":12.5,"name":"Acme Corp","previous_close":12.0,"time_ms":1763700000000},
        {"symbol":"acme","price":12.75}
    ]"#;
    let before = livedash::server::clock::now_ms();
    let (status, json) = server.post("/api/quotes", batch).await;
    assert_eq!((status.as_u16(), &json["accepted"]), (202, &Value::from(2)));

    // Latest value wins: a client gets the newest price of the batch. What the second item
    // does not say is kept from the first; a missing time_ms is the time of receipt.
    let quote = next_quote(&mut stream).await;
    assert_eq!(
        (
            quote.symbol.as_str(),
            quote.name.as_str(),
            quote.price,
            quote.open
        ),
        ("ACME", "Acme Corp", 12.75, 12.0)
    );
    assert!(quote.ts_ms >= before, "{} < {before}", quote.ts_ms);

    let listed = quotes(&server).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["price"], 12.75);
    assert_eq!(listed[0]["name"], "Acme Corp");
    // Both prices are in the series a new client's sparkline draws.
    let mut fresh = server.events("?topics=quotes").await;
    let snapshot = fresh.snapshot().await;
    assert_eq!(snapshot.quotes[0].history, vec![12.5, 12.75]);
}

#[tokio::test]
async fn a_bad_batch_is_a_400_naming_the_item_and_changes_nothing() {
    let server = TestServer::with(fed_only()).await;
    let good = r#"{"symbol":"OK","price":1}"#;
    let cases = [
        ("[]".to_owned(), "1 to 500"),
        (
            format!(r#"[{good},{{"symbol":"<b>","price":1}}]"#),
            "`[1].symbol`",
        ),
        (
            format!(r#"[{good},{{"symbol":"ZERO","price":0}}]"#),
            "`[1].price`",
        ),
        (
            format!(r#"[{good},{{"symbol":"NEG","price":-5}}]"#),
            "`[1].price`",
        ),
        (
            format!(r#"[{good},{{"symbol":"BIG","price":1e300}}]"#),
            "`[1].price`",
        ),
        (
            r#"[{"symbol":"C","price":1,"previous_close":0}]"#.to_owned(),
            "`[0].previous_close`",
        ),
        (
            r#"[{"symbol":"N","price":1,"name":""}]"#.to_owned(),
            "`[0].name`",
        ),
        (r#"[{"symbol":"X"}]"#.to_owned(), "missing field `price`"),
        (
            r#"[{"symbol":"X","price":1,"volume":3}]"#.to_owned(),
            "unknown field `volume`",
        ),
        (
            r#"{"symbol":"X","price":1}"#.to_owned(),
            "invalid JSON body",
        ),
    ];
    for (body, expected) in &cases {
        let (status, json) = server.post("/api/quotes", body).await;
        assert_eq!(status, 400, "{body} → {json}");
        let error = json["error"].as_str().unwrap();
        assert!(
            error.contains(expected),
            "{body}: `{error}` lacks `{expected}`"
        );
    }
    assert!(
        quotes(&server).await.is_empty(),
        "a refused batch changed the ticker"
    );
}

#[tokio::test]
async fn feeding_needs_the_token_when_one_is_configured() {
    let server = TestServer::with(Config {
        publish_token: Some(crate::security::TOKEN.into()),
        ..fed_only()
    })
    .await;
    let batch = r#"[{"symbol":"ACME","price":1}]"#;
    assert_eq!(server.post("/api/quotes", batch).await.0, 401);
    let response = server
        .client
        .post(server.url("/api/quotes"))
        .header(
            "authorization",
            format!("Bearer {}", crate::security::TOKEN),
        )
        .body(batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(quotes(&server).await.len(), 1);
}

#[tokio::test]
async fn fed_quotes_join_the_simulated_market_up_to_the_symbol_limit() {
    let server = TestServer::start().await;
    let simulated = quotes(&server).await.len();
    assert_eq!(
        server
            .post("/api/quotes", r#"[{"symbol":"ZZZZ","price":3}]"#)
            .await
            .0,
        202
    );
    assert_eq!(quotes(&server).await.len(), simulated + 1);

    // The ticker holds at most 1000 symbols, whoever adds them.
    let batch = |from: usize, n: usize| {
        let items: Vec<String> = (from..from + n)
            .map(|i| format!(r#"{{"symbol":"S{i}","price":1}}"#))
            .collect();
        format!("[{}]", items.join(","))
    };
    let room = 1_000 - simulated - 1;
    assert_eq!(server.post("/api/quotes", &batch(0, 500)).await.0, 202);
    assert_eq!(
        server.post("/api/quotes", &batch(500, room - 500)).await.0,
        202
    );
    let (status, json) = server.post("/api/quotes", &batch(5_000, 1)).await;
    assert_eq!(status, 400, "{json}");
    assert!(
        json["error"].as_str().unwrap().contains("`[0].symbol`"),
        "{json}"
    );
    assert_eq!(quotes(&server).await.len(), 1_000);
}
