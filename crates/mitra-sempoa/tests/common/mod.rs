//! Shared pieces of the Sempoa tests.
#![allow(dead_code)]

use std::time::Duration;

use mitra_core::RetryPolicy;
use mitra_sempoa::{Client, ClientBuilder, Journal, JournalLine};
use mitra_testkit::MockServer;

pub const TOKEN: &str = "test-sempoa-token";

pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.url())
        .token(TOKEN)
        .timeout(Duration::from_secs(5))
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The partner document's example journal: "Pembelian ruko".
pub fn pembelian_ruko() -> Journal {
    Journal::new(
        "2023-12-30",
        "PB/2023/VI/0001",
        "Pembelian ruko di Citra Raya",
    )
    .line(JournalLine::debit("1000", 15_000))
    .line(JournalLine::debit("1001", 75_000))
    .line(JournalLine::credit("1002", 90_000))
}
