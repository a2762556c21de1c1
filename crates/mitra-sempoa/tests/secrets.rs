//! The API token never reaches tracing output, errors or `Debug` strings.
//! Alone in its test binary, for tracing's per-thread capture.

mod common;

use common::*;
use mitra_testkit::{MockResponse, MockServer, capture_tracing};

#[tokio::test]
async fn the_token_never_leaks() {
    const CANARY: &str = "CANARYSEMPOA0b7e";
    let (guard, logs) = capture_tracing();
    let server = MockServer::always(MockResponse::json(
        401,
        r#"{"status":401,"message":"API Sempoa not authorized"}"#,
    ))
    .await;
    let client = mitra_sempoa::Client::builder()
        .base_url(server.url())
        .token(CANARY)
        .build()
        .unwrap();
    let err = client.check_token().await.unwrap_err();
    let posted = client.create_jurnal(&pembelian_ruko()).await.unwrap_err();
    drop(guard);
    let logs = logs.text();
    assert!(logs.contains("checkToken"), "{logs}");
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(&*format!("Bearer {CANARY}"))
    );
    for text in [
        logs,
        format!("{client:?}"),
        format!("{err} {err:?}"),
        format!("{posted} {posted:?}"),
    ] {
        assert!(!text.contains(CANARY), "{text}");
    }
}
