//! Shared pieces of the Pos Indonesia tests.
#![allow(dead_code)]

use std::time::Duration;

use mitra_core::RetryPolicy;
use mitra_pos_indonesia::Client;
use mitra_testkit::{MockResponse, MockServer, Recorded};

pub const TOKEN_PATH: &str = "/token";

/// A WSO2-style token answer with the given lifetime.
pub fn token_response(token: &str, expires_in: serde_json::Value) -> MockResponse {
    MockResponse::json(
        200,
        serde_json::json!({
            "access_token": token,
            "scope": "am_application_scope default",
            "token_type": "Bearer",
            "expires_in": expires_in,
        })
        .to_string(),
    )
}

/// A server that issues tokens `tok-1`, `tok-2`, ... (valid an hour) and
/// answers every other request with `api(request, index_among_api_calls)`.
pub async fn gateway(
    api: impl Fn(&Recorded, usize) -> MockResponse + Send + Sync + 'static,
) -> MockServer {
    let tokens = std::sync::atomic::AtomicUsize::new(0);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    MockServer::start(move |req, _| {
        if req.path == TOKEN_PATH {
            let n = tokens.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            token_response(&format!("tok-{n}"), 3600.into())
        } else {
            api(req, calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
        }
    })
    .await
}

/// A client of `server` with test credentials and fast retries.
pub fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

/// The builder behind [`client`].
pub fn builder(server: &MockServer) -> mitra_pos_indonesia::ClientBuilder {
    Client::builder()
        .base_url(server.url())
        .consumer_key("test-consumer-key")
        .consumer_secret("test-consumer-secret")
        .timeout(Duration::from_secs(5))
        .retry_policy(fast_retries())
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

pub fn provinces_json() -> MockResponse {
    MockResponse::json(
        200,
        r#"{"responses":{"response":[{"provinceCode":"32","provinceName":"JAWA BARAT"},{"provinceCode":33,"provinceName":"JAWA TENGAH"}]}}"#,
    )
}
