//! Per-call overhead and throughput of a mitra client against bare reqwest,
//! on the same local server, and the token cold start.
//!
//! `cargo bench -p mitra-bench`

use std::sync::atomic::Ordering;

use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::StreamExt;
use mitra_bench::{Server, bare_client, bare_get_akun, sempoa};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn per_call(c: &mut Criterion) {
    let rt = runtime();
    let server = rt.block_on(Server::start());
    let mitra = sempoa(&server.url);
    let bare = bare_client();
    let mut group = c.benchmark_group("per_call");
    group.bench_function("bare_reqwest", |b| {
        b.to_async(&rt).iter(|| bare_get_akun(&bare, &server.url))
    });
    group.bench_function("mitra", |b| {
        b.to_async(&rt)
            .iter(|| async { mitra.get_akun("10000").await.unwrap() })
    });
    group.finish();
}

const IN_FLIGHT: usize = 64;
const CALLS: usize = 640;

fn throughput(c: &mut Criterion) {
    let rt = runtime();
    let server = rt.block_on(Server::start());
    let mitra = sempoa(&server.url);
    let bare = bare_client();
    let mut group = c.benchmark_group("throughput_640_calls_64_in_flight");
    group.sample_size(20);
    group.bench_function("bare_reqwest", |b| {
        b.to_async(&rt).iter(|| async {
            futures_util::stream::iter(0..CALLS)
                .map(|_| bare_get_akun(&bare, &server.url))
                .buffer_unordered(IN_FLIGHT)
                .count()
                .await
        })
    });
    group.bench_function("mitra", |b| {
        b.to_async(&rt).iter(|| async {
            futures_util::stream::iter(0..CALLS)
                .map(|_| async { mitra.get_akun("10000").await.unwrap() })
                .buffer_unordered(IN_FLIGHT)
                .count()
                .await
        })
    });
    group.finish();
}

fn token_cold_start(c: &mut Criterion) {
    let rt = runtime();
    let server = rt.block_on(Server::start());
    let mut group = c.benchmark_group("token_cold_start");
    group.sample_size(10);
    group.bench_function("1000_concurrent_first_calls", |b| {
        b.to_async(&rt).iter(|| async {
            let client = mitra_pos_indonesia::Client::builder()
                .base_url(&server.url)
                .consumer_key("k")
                .consumer_secret("s")
                .build()
                .unwrap();
            let before = server.tokens.load(Ordering::SeqCst);
            let request = mitra_pos_indonesia::types::CityRequest::new("32", "");
            let calls: Vec<_> = (0..1000)
                .map(|_| {
                    let client = client.clone();
                    let request = request.clone();
                    tokio::spawn(async move { client.get_city(&request).await.unwrap() })
                })
                .collect();
            for call in calls {
                call.await.unwrap();
            }
            assert_eq!(
                server.tokens.load(Ordering::SeqCst) - before,
                1,
                "one token request for 1000 first calls"
            );
        })
    });
    group.finish();
}

criterion_group!(benches, per_call, throughput, token_cold_start);
criterion_main!(benches);
