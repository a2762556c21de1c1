//! A fleet of processes sharing one OAuth2 token through a real Redis
//! (`redis-server`, started on a loopback port): N processes × M concurrent
//! first calls make one token request; a token revoked in one client is
//! replaced once for the fleet; with Redis gone, calls go on, bounded.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mitra_core::redis::RedisState;
use mitra_core::shared::Shared;
use mitra_pos_indonesia::Client;
use mitra_pos_indonesia::types::ProvinceRequest;
use mitra_testkit::{MockResponse, MockServer, RedisServer, child_succeeded, run_child_test};

const PROCESSES: usize = 4;
const CALLS: usize = 25;

fn client(url: &str, redis: &str) -> Client {
    Client::builder()
        .base_url(url)
        .consumer_key("fleet-key")
        .consumer_secret("fleet-secret")
        .shared_state(Shared::new(RedisState::new(redis).unwrap()))
        .build()
        .unwrap()
}

fn provinces() -> MockResponse {
    MockResponse::json(
        200,
        r#"{"responses":{"response":{"provinceCode":"21","provinceName":"DKI JAKARTA"}}}"#,
    )
}

/// One process of the fleet: its CALLS first calls at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of the fleet tests, started by them"]
async fn fleet_child_makes_concurrent_first_calls() {
    let url = std::env::var("FLEET_URL").unwrap();
    let redis = std::env::var("FLEET_REDIS").unwrap();
    let client = client(&url, &redis);
    let mut calls = Vec::new();
    for _ in 0..CALLS {
        let client = client.clone();
        calls.push(tokio::spawn(async move {
            client.get_province(&ProvinceRequest::default()).await
        }));
    }
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_of_a_fleet_share_one_token() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let tokens = Arc::new(AtomicUsize::new(0));
    let counted = tokens.clone();
    let server = MockServer::start(move |request, _| {
        if request.path == "/token" {
            counted.fetch_add(1, Ordering::SeqCst);
            // Slow enough that every process asks at about the same time.
            return MockResponse::json(200, r#"{"access_token":"fleet","expires_in":3600}"#)
                .delayed(Duration::from_millis(300));
        }
        provinces()
    })
    .await;
    let env = [("FLEET_URL", server.url()), ("FLEET_REDIS", redis.url())];
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| run_child_test("fleet_child_makes_concurrent_first_calls", &env))
        .collect();
    for child in children {
        let passed = tokio::task::spawn_blocking(move || child_succeeded(child))
            .await
            .unwrap();
        assert!(passed, "a child process failed");
    }
    assert_eq!(
        server.count("/utilitas/1.0.1/getProvince"),
        PROCESSES * CALLS
    );
    assert_eq!(
        tokens.load(Ordering::SeqCst),
        1,
        "{PROCESSES} processes × {CALLS} first calls"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_replaced_once_for_the_fleet() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let tokens = Arc::new(AtomicUsize::new(0));
    let counted = tokens.clone();
    let server = MockServer::start(move |request, _| {
        if request.path == "/token" {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            return MockResponse::json(
                200,
                format!(r#"{{"access_token":"tok-{n}","expires_in":3600}}"#),
            );
        }
        // The first token is revoked at the gateway.
        if request.header("authorization") == Some("Bearer tok-1") {
            return MockResponse::json(
                401,
                r#"{"fault":{"code":900901,"message":"Invalid Credentials"}}"#,
            );
        }
        provinces()
    })
    .await;
    // Two clients with separate token caches: two processes, as far as the
    // token is concerned.
    let a = client(&server.url(), &redis.url());
    let b = client(&server.url(), &redis.url());
    a.get_province(&ProvinceRequest::default()).await.unwrap();
    b.get_province(&ProvinceRequest::default()).await.unwrap();
    assert_eq!(
        tokens.load(Ordering::SeqCst),
        2,
        "the first token, then one replacement for both"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_calls_go_on_bounded() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let server = MockServer::start(|request, _| {
        if request.path == "/token" {
            return MockResponse::json(200, r#"{"access_token":"t","expires_in":3600}"#);
        }
        provinces()
    })
    .await;
    let c = client(&server.url(), &redis.url());
    c.get_province(&ProvinceRequest::default()).await.unwrap();
    redis.kill();
    // A new client (no token yet) while Redis is gone: it fetches its own.
    let fresh = client(&server.url(), &redis.url());
    let started = Instant::now();
    fresh
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    c.get_province(&ProvinceRequest::default()).await.unwrap();
    assert_eq!(server.count("/token"), 2);
}
