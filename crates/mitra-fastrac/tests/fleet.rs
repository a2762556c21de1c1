//! Fastrac's rate limit is per account: four processes with the same keys
//! and a shared Redis (`redis-server` on a loopback port) keep to the
//! configured rate together, not four times it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mitra_core::redis::RedisState;
use mitra_core::shared::Shared;
use mitra_testkit::{MockResponse, MockServer, RedisServer, child_succeeded, run_child_test};

const PROCESSES: usize = 4;
const RATE: f64 = 20.0;
const SECONDS: u64 = 10;

/// One process of the fleet: calls as fast as its client lets it until the
/// deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of the fleet tests, started by them"]
async fn fleet_child_calls_until_the_deadline() {
    let url = std::env::var("FLEET_URL").unwrap();
    let redis = std::env::var("FLEET_REDIS").unwrap();
    let seconds: u64 = std::env::var("FLEET_SECONDS").unwrap().parse().unwrap();
    let client = mitra_fastrac::Client::builder()
        .base_url(url)
        .access_key("fleet-access")
        .secret_key("fleet-secret")
        .requests_per_second(RATE)
        .shared_state(Shared::new(RedisState::new(&redis).unwrap()))
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    // A few calls in flight per process, as a busy service would have.
    let mut workers = Vec::new();
    for _ in 0..4 {
        let client = client.clone();
        workers.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                client.get_city(31).await.unwrap();
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_keep_to_one_rate_together() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let seen: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let record = seen.clone();
    let server = MockServer::start(move |_, _| {
        record.lock().unwrap().push(Instant::now());
        MockResponse::json(200, r#"{"success":true,"message":"ok","data":[]}"#)
    })
    .await;
    let env = [
        ("FLEET_URL", server.url()),
        ("FLEET_REDIS", redis.url()),
        ("FLEET_SECONDS", SECONDS.to_string()),
    ];
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| run_child_test("fleet_child_calls_until_the_deadline", &env))
        .collect();
    for child in children {
        let passed = tokio::task::spawn_blocking(move || child_succeeded(child))
            .await
            .unwrap();
        assert!(passed, "a child process failed");
    }
    let mut times = seen.lock().unwrap().clone();
    times.sort();
    // The rate between the first and the last request of the fleet.
    let span = times.last().unwrap().duration_since(times[0]).as_secs_f64();
    let rate = (times.len() - 1) as f64 / span;
    println!(
        "fleet: {} requests in {span:.2} s from {PROCESSES} processes: {rate:.2}/s (configured {RATE}/s)",
        times.len()
    );
    assert!(
        (rate - RATE).abs() <= RATE * 0.05,
        "aggregate {rate:.2}/s, configured {RATE}/s"
    );
}

/// 100 calls, 10 at a time, through `client`; how long they took.
async fn hundred_calls(client: mitra_fastrac::Client) -> Duration {
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..10 {
        let client = client.clone();
        workers.push(tokio::spawn(async move {
            for _ in 0..10 {
                client.get_city(31).await.unwrap();
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    started.elapsed()
}

fn fast_client(url: &str) -> mitra_fastrac::ClientBuilder {
    mitra_fastrac::Client::builder()
        .base_url(url)
        .access_key("fleet-access")
        .secret_key("fleet-secret")
        .requests_per_second(1000.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_holed_redis_does_not_slow_the_calls() {
    let server = MockServer::start(|_, _| {
        MockResponse::json(200, r#"{"success":true,"message":"ok","data":[]}"#)
    })
    .await;
    // A Redis port that accepts and never answers.
    let hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hole_url = format!("redis://{}/", hole.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hole.accept().await {
            held.push(socket);
        }
    });
    let alone = hundred_calls(fast_client(&server.url()).build().unwrap()).await;
    let shared = Shared::new(RedisState::new(&hole_url).unwrap());
    let with_hole = hundred_calls(
        fast_client(&server.url())
            .shared_state(shared)
            .build()
            .unwrap(),
    )
    .await;
    println!("100 calls at 1,000/s: {alone:?} alone, {with_hole:?} with a black-holed Redis");
    assert!(
        with_hole < alone + Duration::from_secs(1),
        "{with_hole:?} with a black-holed Redis, {alone:?} without"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_impossible_wait_read_from_redis_is_not_obeyed() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let server = MockServer::start(|_, _| {
        MockResponse::json(200, r#"{"success":true,"message":"ok","data":[]}"#)
    })
    .await;
    let client = fast_client(&server.url())
        .shared_state(Shared::new(RedisState::new(&redis.url()).unwrap()))
        .build()
        .unwrap();
    client.get_city(31).await.unwrap();
    // Whoever can write to Redis sets the budget's next slot a day ahead.
    let direct = redis::Client::open(redis.url()).unwrap();
    let mut c = direct.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("mitra:rate:*")
        .query_async(&mut c)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let now_us: (u64, u64) = redis::cmd("TIME").query_async(&mut c).await.unwrap();
    let day_ahead = (now_us.0 + 86_400) * 1_000_000;
    let _: () = redis::cmd("SET")
        .arg(&keys[0])
        .arg(day_ahead)
        .arg("PX")
        .arg(600_000)
        .query_async(&mut c)
        .await
        .unwrap();
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), client.get_city(31))
        .await
        .expect("the call waited for a slot a day ahead")
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}
