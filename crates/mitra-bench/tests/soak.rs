//! Fault-injection soak: a local server injects faults into a share of its
//! responses (429 with Retry-After, 503, a reset connection, a response
//! slower than the client's timeout, an expired token, an HTML error page)
//! and of its token endpoint's (a hang past the timeout, a 500, a body that
//! is not JSON, `expires_in` of 1e20 or 0) while concurrent callers run a
//! mix of operations. Every call must end
//! (success or a typed error, never a panic or a hang), and no journal (a
//! non-idempotent POST) may reach the server more than once.
//!
//! CI runs 300 calls; a longer run:
//! `SOAK_CALLS=20000 cargo test --release -p mitra-bench --test soak -- --nocapture`

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use mitra_core::{Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Fault {
    RateLimited,
    Unavailable,
    Reset,
    Slow,
    ExpiredToken,
    HtmlPage,
    TokenHang,
    Token500,
    TokenGarbage,
    TokenHugeLifetime,
    TokenZeroLifetime,
}

const TOKEN_FAULTS: [Fault; 5] = [
    Fault::TokenHang,
    Fault::Token500,
    Fault::TokenGarbage,
    Fault::TokenHugeLifetime,
    Fault::TokenZeroLifetime,
];

const FAULTS: [Fault; 6] = [
    Fault::RateLimited,
    Fault::Unavailable,
    Fault::Reset,
    Fault::Slow,
    Fault::ExpiredToken,
    Fault::HtmlPage,
];

#[derive(Default)]
struct Stats {
    faults: Mutex<BTreeMap<Fault, usize>>,
    journal_receipts: Mutex<HashMap<String, usize>>,
    requests: AtomicUsize,
    token_requests: AtomicUsize,
}

/// One HTTP/1.1 exchange per connection (`connection: close`), by hand, so
/// that a fault can be a reset connection.
async fn serve(listener: TcpListener, stats: Arc<Stats>, share: f64) {
    let seed = AtomicUsize::new(0);
    let seed = Arc::new(seed);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let stats = stats.clone();
        let n = seed.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(async move {
            let _ = exchange(stream, stats, share, n).await;
        });
    }
}

async fn exchange(
    mut stream: TcpStream,
    stats: Arc<Stats>,
    share: f64,
    n: usize,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..read]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..read]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    stats.requests.fetch_add(1, Ordering::Relaxed);
    if path == "/jurnal" {
        let reference = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["referensi"].as_str().map(str::to_owned))
            .unwrap_or_default();
        *stats
            .journal_receipts
            .lock()
            .unwrap()
            .entry(reference)
            .or_default() += 1;
    }
    let mut rng = fastrand::Rng::with_seed(n as u64);
    let fault = if path == "/token" {
        stats.token_requests.fetch_add(1, Ordering::Relaxed);
        (rng.f64() < share).then(|| TOKEN_FAULTS[rng.usize(..TOKEN_FAULTS.len())])
    } else {
        (rng.f64() < share).then(|| FAULTS[rng.usize(..FAULTS.len())])
    };
    if let Some(f) = fault {
        *stats.faults.lock().unwrap().entry(f).or_default() += 1;
    }
    let (status, content_type, payload, extra) = match fault {
        Some(Fault::Reset) => {
            // A zero linger makes the drop send RST: the client sees a reset
            // connection. (With zero, the drop does not block.)
            #[allow(deprecated)]
            stream.set_linger(Some(Duration::ZERO))?;
            return Ok(()); // dropped: the client sees a reset
        }
        Some(Fault::RateLimited) => (
            429,
            "application/json",
            r#"{"message":"Too Many Attempts."}"#.to_owned(),
            "retry-after: 0\r\n",
        ),
        Some(Fault::Unavailable) => (
            503,
            "application/json",
            r#"{"message":"Service Unavailable"}"#.to_owned(),
            "",
        ),
        Some(Fault::HtmlPage) => (
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head></html>".to_owned(),
            "",
        ),
        Some(Fault::ExpiredToken) => (
            401,
            "application/json",
            r#"{"fault":{"code":900901,"message":"Invalid Credentials","description":"expired"}}"#
                .to_owned(),
            "",
        ),
        Some(Fault::Slow | Fault::TokenHang) => {
            tokio::time::sleep(Duration::from_millis(800)).await;
            normal(&path, &body)
        }
        Some(Fault::Token500) => (
            500,
            "application/json",
            r#"{"error":"server_error"}"#.to_owned(),
            "",
        ),
        Some(Fault::TokenGarbage) => (200, "application/json", "<<not json>>".to_owned(), ""),
        Some(Fault::TokenHugeLifetime) => (
            200,
            "application/json",
            r#"{"access_token":"soak-long","expires_in":1e20}"#.to_owned(),
            "",
        ),
        Some(Fault::TokenZeroLifetime) => (
            200,
            "application/json",
            r#"{"access_token":"soak-zero","expires_in":0}"#.to_owned(),
            "",
        ),
        None => normal(&path, &body),
    };
    let response = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{payload}",
        payload.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

fn normal(path: &str, body: &str) -> (u16, &'static str, String, &'static str) {
    let json = match path {
        "/token" => r#"{"access_token":"soak","token_type":"Bearer","expires_in":3600}"#.to_owned(),
        "/utilitas/1.0.1/getCity" => {
            r#"{"responses":{"response":{"cityCode":3273,"cityName":"KOTA BANDUNG"}}}"#.to_owned()
        }
        "/jurnal" => {
            let reference = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v["referensi"].as_str().map(str::to_owned))
                .unwrap_or_default();
            format!(
                r#"{{"status":200,"message":"Success","data":{{"id":"x","tanggal":"30-12-2023","referensi":"{reference}","deskripsi":"d","nominal":10,"status":"Post","transaksi":[]}}}}"#
            )
        }
        _ => mitra_bench::akun_body().to_string(),
    };
    (200, "application/json", json, "")
}

/// Calls in flight at once.
const CONCURRENCY: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_survive_injected_faults() {
    let calls: usize = std::env::var("SOAK_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let stats = Arc::new(Stats::default());
    tokio::spawn(serve(listener, stats.clone(), 0.3));

    let retry = RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20));
    let pos = mitra_pos_indonesia::Client::builder()
        .base_url(&url)
        .consumer_key("k")
        .consumer_secret("s")
        .timeout(Duration::from_millis(300))
        // No failure window: a failed fetch then fails only the callers
        // waiting on it, which the bound below counts. With one, every Pos
        // call started within it shares the failure too (by design, tested
        // in mitra-core's tokens.rs), and how many that is depends on how
        // fast the machine is: 19 on CI's for one fault with 20 ms.
        .token_failure_backoff(Duration::ZERO)
        .retry_policy(retry.clone())
        .build()
        .unwrap();
    let sempoa = mitra_sempoa::Client::builder()
        .base_url(&url)
        .token("t")
        .timeout(Duration::from_millis(300))
        .retry_policy(retry)
        .build()
        .unwrap();

    let started = Instant::now();
    let outcomes: Vec<(&str, Result<(), Error>, Duration)> = futures_util::stream::iter(0..calls)
        .map(|i| {
            let (pos, sempoa) = (pos.clone(), sempoa.clone());
            async move {
                let call = async {
                    match i % 3 {
                        0 => (
                            "getCity",
                            pos.get_city(&mitra_pos_indonesia::types::CityRequest::new("32", ""))
                                .await
                                .map(drop),
                        ),
                        1 => ("getAkun", sempoa.get_akun("10000").await.map(drop)),
                        _ => {
                            let journal = mitra_sempoa::Journal::new(
                                "2023-12-30",
                                format!("SOAK-{i}"),
                                "soak",
                            )
                            .line(mitra_sempoa::JournalLine::debit("1000", 10))
                            .line(mitra_sempoa::JournalLine::credit("1002", 10));
                            (
                                "createJurnal",
                                sempoa.create_jurnal(&journal).await.map(drop),
                            )
                        }
                    }
                };
                // A call that hangs fails the soak.
                let started = Instant::now();
                let (op, outcome) = tokio::time::timeout(Duration::from_secs(10), call)
                    .await
                    .expect("a call hung");
                (op, outcome, started.elapsed())
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;

    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut ok: BTreeMap<&str, usize> = BTreeMap::new();
    let mut max_wait = Duration::ZERO;
    for (op, outcome, waited) in &outcomes {
        max_wait = max_wait.max(*waited);
        match outcome {
            Ok(()) => *ok.entry(op).or_default() += 1,
            // A failed token fetch (a 500, a body that is not JSON, a hang)
            // is told apart from the operation's own failure: the callers
            // waiting on that one refresh all share its failure, by design.
            Err(e) if e.is_from_token_endpoint() => {
                *errors
                    .entry(format!("{op}: {} (token)", e.kind()))
                    .or_default() += 1
            }
            Err(e) => *errors.entry(format!("{op}: {}", e.kind())).or_default() += 1,
        }
    }
    let token_requests = stats.token_requests.load(Ordering::Relaxed);
    let receipts = stats.journal_receipts.lock().unwrap();
    let max_receipts = receipts.values().copied().max().unwrap_or(0);
    let succeeded: usize = ok.values().sum();
    println!(
        "soak: {calls} calls in {:?}, {} requests served",
        started.elapsed(),
        stats.requests.load(Ordering::Relaxed)
    );
    println!("faults injected: {:?}", stats.faults.lock().unwrap());
    println!("succeeded: {succeeded} {ok:?}");
    println!("errors by kind: {errors:?}");
    println!("token requests: {token_requests}; longest call: {max_wait:?}");
    println!(
        "journals: {} received, at most {max_receipts} receipt(s) per logical call",
        receipts.len()
    );

    assert_eq!(outcomes.len(), calls, "every call ended");
    assert!(
        max_receipts <= 1,
        "a journal reached the server {max_receipts} times"
    );
    assert!(
        !stats.faults.lock().unwrap().is_empty(),
        "faults were injected"
    );
    // Idempotent calls are retried through the faults, so most succeed. A
    // failed token fetch fails every Pos call waiting on it at once (one
    // shared refresh, one shared failure), so those are counted apart: how
    // many there are depends on how many callers were waiting, not on retries.
    let reads_ok =
        ok.get("getCity").copied().unwrap_or(0) + ok.get("getAkun").copied().unwrap_or(0);
    let reads_failed_for_a_token: usize = errors
        .iter()
        .filter(|(kind, _)| !kind.starts_with("createJurnal") && kind.ends_with("(token)"))
        .map(|(_, n)| n)
        .sum();
    assert!(
        (reads_ok + reads_failed_for_a_token) * 10 >= (calls * 2 / 3) * 8,
        "reads that succeeded: {reads_ok}, failed for want of a token: {reads_failed_for_a_token}"
    );
    // ...but one failed fetch fails no more callers than were waiting on it.
    let token_faults: usize = stats
        .faults
        .lock()
        .unwrap()
        .iter()
        .filter(|(fault, _)| TOKEN_FAULTS.contains(fault))
        .map(|(_, n)| n)
        .sum();
    assert!(
        reads_failed_for_a_token <= token_faults * CONCURRENCY,
        "{reads_failed_for_a_token} calls failed for want of a token after {token_faults} token faults"
    );
    for kind in errors.keys() {
        assert!(
            !kind.contains("decode") || kind.ends_with("(token)"),
            "no decode errors from well-formed answers: {errors:?}"
        );
    }
    // Token fetches are bounded: at most one fetch (three attempts) per
    // Pos call and one refresh, however the token endpoint misbehaves.
    let pos_calls = calls.div_ceil(3);
    assert!(
        token_requests <= pos_calls * 4,
        "{token_requests} token requests for {pos_calls} calls"
    );
}
