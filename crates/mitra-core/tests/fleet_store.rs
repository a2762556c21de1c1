//! The Redis backend against a real `redis-server` (Debian's package, on a
//! loopback port): locks with owners, and a Redis that never stalls a call.

use std::time::{Duration, Instant};

use mitra_core::redis::RedisState;
use mitra_core::shared::SharedState;
use mitra_testkit::RedisServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_whose_lock_expired_does_not_free_the_next_owners() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let state = RedisState::new(&redis.url()).unwrap();
    assert!(
        state
            .try_lock("L", "first", Duration::from_millis(100))
            .await
            .unwrap()
    );
    assert!(
        !state
            .try_lock("L", "second", Duration::from_secs(30))
            .await
            .unwrap()
    );
    // The first holder's fetch outlives its lock; a second process takes it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        state
            .try_lock("L", "second", Duration::from_secs(30))
            .await
            .unwrap()
    );
    // The first holder finishes and releases "its" lock: not the second's.
    state.unlock("L", "first").await.unwrap();
    assert!(
        !state
            .try_lock("L", "third", Duration::from_secs(30))
            .await
            .unwrap(),
        "the expired holder freed the new owner's lock"
    );
    state.unlock("L", "second").await.unwrap();
    assert!(
        state
            .try_lock("L", "third", Duration::from_secs(30))
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_without_a_ttl_or_with_too_long_a_one_is_stale_at_once() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let state = RedisState::new(&redis.url()).unwrap();
    let client = redis::Client::open(redis.url()).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();
    // Planted by hand: no TTL; then one of a day.
    for planted in [None, Some(86_400_000u64)] {
        let mut set = redis::cmd("SET");
        set.arg("P").arg("planted");
        if let Some(ms) = planted {
            set.arg("PX").arg(ms);
        }
        let () = set.query_async(&mut c).await.unwrap();
        let started = Instant::now();
        assert!(
            state
                .try_lock("P", "me", Duration::from_secs(30))
                .await
                .unwrap(),
            "a lock that would never end blocks the fleet ({planted:?})"
        );
        assert!(started.elapsed() < Duration::from_secs(1));
        let ttl: i64 = redis::cmd("PTTL")
            .arg("P")
            .query_async(&mut c)
            .await
            .unwrap();
        assert!(
            (1..=30_000).contains(&ttl),
            "taken with a lock's TTL: {ttl}"
        );
        state.unlock("P", "me").await.unwrap();
    }
    // A live lock within the TTL is respected.
    assert!(
        state
            .try_lock("P", "a", Duration::from_secs(30))
            .await
            .unwrap()
    );
    assert!(
        !state
            .try_lock("P", "b", Duration::from_secs(30))
            .await
            .unwrap()
    );
}

/// A port that accepts connections and never answers (a black-holed Redis).
async fn black_hole() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}/", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_holed_redis_costs_one_bound_per_cooldown_not_one_per_call() {
    let (url, _hole) = black_hole().await;
    let state = std::sync::Arc::new(
        RedisState::new(&url)
            .unwrap()
            .timeout(Duration::from_millis(250)),
    );
    // 8 concurrent callers share one connect: each waits at most its one
    // bound, not a queue of them (8 x 250 ms).
    let started = Instant::now();
    let mut calls = Vec::new();
    for _ in 0..8 {
        let state = state.clone();
        calls.push(tokio::spawn(async move {
            let at = Instant::now();
            let outcome = state.get_token("k").await;
            (outcome.is_err(), at.elapsed())
        }));
    }
    let mut waits = Vec::new();
    for call in calls {
        let (failed, waited) = call.await.unwrap();
        assert!(failed, "a black hole cannot answer");
        waits.push(waited);
    }
    waits.sort();
    assert!(
        waits[7] < Duration::from_millis(500),
        "callers queued behind connects: {waits:?}"
    );
    // In the cool-down, Redis is not tried at all.
    let at = Instant::now();
    for _ in 0..100 {
        assert!(
            state
                .reserve("rate", Duration::from_millis(1))
                .await
                .is_err()
        );
    }
    assert!(
        at.elapsed() < Duration::from_millis(100),
        "{:?}",
        at.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_redis_is_skipped_in_the_cooldown_then_probed_bounded() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let url = redis.url();
    let state = RedisState::new(&url)
        .unwrap()
        .cooldown(Duration::from_millis(300));
    state
        .put_token("k", "v", Duration::from_secs(60))
        .await
        .unwrap();
    redis.kill();
    assert!(state.get_token("k").await.is_err());
    assert!(
        state.get_token("k").await.is_err(),
        "skipped in the cool-down"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Still down after the cool-down: one probe fails, bounded.
    let at = Instant::now();
    assert!(state.get_token("k").await.is_err());
    assert!(
        at.elapsed() < Duration::from_millis(600),
        "{:?}",
        at.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rediss_works_with_the_certificate_checked() {
    let Some(redis) = RedisServer::start_tls() else {
        return;
    };
    let ca = redis.tls().unwrap().ca_pem();
    let state = RedisState::with_root_certificate(&redis.url(), &ca)
        .unwrap()
        .timeout(Duration::from_secs(2));
    state
        .put_token("k", "sealed", Duration::from_secs(60))
        .await
        .unwrap();
    let (value, left) = state.get_token("k").await.unwrap().unwrap();
    assert_eq!(value, "sealed");
    assert!(left > Duration::from_secs(50));
    // The system's roots do not know this authority: refused, not trusted.
    let untrusted = RedisState::new(&redis.url())
        .unwrap()
        .timeout(Duration::from_secs(2));
    assert!(untrusted.get_token("k").await.is_err());
    // Nor does a plain connection get through to a TLS port.
    let plain = redis
        .url()
        .replace("rediss://localhost", "redis://127.0.0.1");
    let plain = RedisState::new(&plain)
        .unwrap()
        .timeout(Duration::from_millis(500));
    assert!(plain.get_token("k").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_is_released_even_while_redis_is_in_its_cooldown() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let state = RedisState::new(&redis.url())
        .unwrap()
        .cooldown(Duration::from_secs(30));
    assert!(
        state
            .try_lock("L", "holder", Duration::from_secs(30))
            .await
            .unwrap()
    );
    // A blip: a command fails (a key of the wrong type), and this client
    // skips Redis for its cool-down...
    let raw = redis::Client::open(redis.url()).unwrap();
    let mut c = raw.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("RPUSH")
        .arg("list")
        .arg("x")
        .query_async(&mut c)
        .await
        .unwrap();
    assert!(state.get_token("list").await.is_err());
    assert!(state.get_token("k").await.is_err(), "in the cool-down");
    // ...but its lock is still released, not left to its TTL.
    state.unlock("L", "holder").await.unwrap();
    let other = RedisState::new(&redis.url()).unwrap();
    assert!(
        other
            .try_lock("L", "next", Duration::from_secs(30))
            .await
            .unwrap()
    );
}
