//! Shared pieces of the PAFI tests.
#![allow(dead_code)]

use std::time::Duration;

use mitra_core::RetryPolicy;
use mitra_pafi::Client;
use mitra_testkit::{MockResponse, MockServer, Recorded};
use serde_json::Value;

pub const TOKEN_PATH: &str = "/oauth/token";
pub const NIK: &str = "3206021201960046";
pub const SKP_PATH: &str = "/pengajuan/kecukupan-skp/user/3206021201960046";

pub fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/pafi.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The documentation's example body for the lookup, from the spec.
pub fn found_body() -> String {
    spec()["paths"]["/pengajuan/kecukupan-skp/user/{nik}"]["get"]["responses"]["200"]["content"]["application/json"]["examples"]["found"]["value"].to_string()
}

pub fn token(n: usize) -> MockResponse {
    MockResponse::json(
        200,
        serde_json::json!({"status_code": 200, "token_type": "Bearer", "expires_in": "86400", "access_token": format!("jwt-{n}")}).to_string(),
    )
}

pub async fn pafi(
    api: impl Fn(&Recorded, usize) -> MockResponse + Send + Sync + 'static,
) -> MockServer {
    let tokens = std::sync::atomic::AtomicUsize::new(0);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    MockServer::start(move |req, _| {
        if req.path == TOKEN_PATH {
            token(tokens.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1)
        } else {
            api(req, calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
        }
    })
    .await
}

pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .client_id("1")
        .client_secret("test-client-secret")
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}
