//! The Redis engine's store against a real Redis: the state its Lua script keeps is the
//! state the reducers keep, and a Redis that lost its data starts a new epoch.

use crate::api::redis_server::RedisServer;
use livedash::{
    protocol::{Event, Job, JobDetail, JobState, Level, Quote, Snapshot, Toast},
    server::engine::{self, Lengths},
    state,
};
use rand::{Rng, SeedableRng, rngs::StdRng};

const LENGTHS: Lengths = Lengths {
    log: 1000,
    window: 100,
};

fn random_event(rng: &mut StdRng) -> Event {
    match rng.random_range(0..3) {
        0 => {
            let state = [
                JobState::Queued,
                JobState::Running,
                JobState::Completed,
                JobState::Failed,
                JobState::Cancelled,
            ][rng.random_range(0..5)];
            Event::Job(Job {
                id: rng.random_range(1..30),
                title: format!("job {}", rng.random::<u16>()),
                state,
                progress: Some(rng.random()),
                detail: JobDetail::Logs,
                error: None,
                message: None,
                log: Default::default(),
                reported: rng.random(),
                created_ms: 1,
                updated_ms: rng.random_range(1..1000),
                timeline: Default::default(),
            })
        }
        1 => Event::Toast(Toast {
            id: rng.random_range(1..40),
            level: Level::Info,
            title: format!("toast {}", rng.random::<u16>()),
            body: String::new(),
            ts_ms: 5,
            link: None,
        }),
        _ => Event::Quote(Quote {
            symbol: ["ACME", "BOLT", "CORE", "DYNA", "ECHO"][rng.random_range(0..5)].into(),
            name: "Some Corp".into(),
            price: rng.random_range(0.01..5000.0),
            open: 100.0,
            ts_ms: 9,
        }),
    }
}

#[tokio::test]
async fn the_stored_state_follows_the_reducers_rules() {
    let redis = RedisServer::start();
    let mut conn = redis.connection().await;
    assert!(engine::load(&mut conn, "t:", 0).await.unwrap().is_none());
    let mut rng = StdRng::seed_from_u64(7);
    let mut local = Snapshot::default();
    let mut epoch = None;
    for seq in 1..=600 {
        let event = random_event(&mut rng);
        state::apply(&mut local, &event);
        let id = engine::publish(&mut conn, "t:", &event, LENGTHS, 0)
            .await
            .unwrap();
        assert_eq!(id.seq, seq);
        assert_eq!(
            *epoch.get_or_insert(id.epoch),
            id.epoch,
            "one epoch throughout"
        );
    }
    let stored = engine::load(&mut conn, "t:", 0).await.unwrap().unwrap();
    assert_eq!((stored.head.epoch, stored.head.seq), (epoch.unwrap(), 600));
    assert_eq!(stored.snapshot, local);
    // The window holds the newest reliable events, in order.
    let seqs: Vec<u64> = stored.window.iter().map(|(_, id, _)| id.seq).collect();
    assert_eq!(seqs.len(), LENGTHS.window);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]) && *seqs.last().unwrap() <= 600);
    assert!(!local.jobs.is_empty() && !local.toasts.is_empty() && !local.quotes.is_empty());
}

#[tokio::test]
async fn a_redis_that_lost_its_data_starts_a_new_epoch() {
    let redis = RedisServer::start();
    let mut conn = redis.connection().await;
    let mut rng = StdRng::seed_from_u64(8);
    let first = engine::publish(&mut conn, "t:", &random_event(&mut rng), LENGTHS, 0)
        .await
        .unwrap();
    let _: () = redis::cmd("FLUSHALL").query_async(&mut conn).await.unwrap();
    assert!(engine::load(&mut conn, "t:", 0).await.unwrap().is_none());
    let event = random_event(&mut rng);
    let next = engine::publish(&mut conn, "t:", &event, LENGTHS, 0)
        .await
        .unwrap();
    assert!(next.epoch > first.epoch, "{next:?} after {first:?}");
    assert_eq!(next.seq, 1);
    let stored = engine::load(&mut conn, "t:", 0).await.unwrap().unwrap();
    let mut expected = Snapshot::default();
    state::apply(&mut expected, &event);
    assert_eq!(stored.snapshot, expected);
}
