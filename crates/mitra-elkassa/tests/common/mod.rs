//! Shared pieces of the ELKASSA tests.
#![allow(dead_code)]

use std::time::Duration;

use mitra_core::RetryPolicy;
use mitra_elkassa::{Activation, Client, ClientBuilder, NewUser, UserType};
use mitra_testkit::{MockResponse, MockServer};
use serde_json::Value;

pub const KEY: &str = "test-elkassa-key";
pub const TOKEN: &str = "test-elkassa-token";

pub fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/elkassa.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The partner document's users example, verbatim, duplicate key included.
pub fn raw_users_example() -> String {
    spec()["components"]["responses"]["Users"]["x-mitra-raw-example"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.url())
        .key(KEY)
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

pub fn ok(data: Value) -> MockResponse {
    MockResponse::json(
        200,
        serde_json::json!({"status": true, "messages": "ok", "data": data}).to_string(),
    )
}

pub fn new_user() -> NewUser {
    NewUser {
        toko_name: "Toko AHE".into(),
        user_type: UserType::Retail,
        no_telp: "081234567890".into(),
        email: "pemilik@example.com".into(),
        password: "rahasia123".to_owned().into(),
        address: "Bandung Tenggara".into(),
    }
}

pub fn activation() -> Activation {
    Activation {
        email: "pemilik@example.com".into(),
        packet_id: 10,
        registration_id: "ELK34128".into(),
        cabang_id: "ELK34128-1".into(),
        invoice_code: "INV-2016-0001".into(),
        invoice_amount: "150000".into(),
        payment_gateway: "finpay195".into(),
        payment_method: "ATM".into(),
        payment_date: chrono::NaiveDate::from_ymd_opt(2016, 3, 18)
            .unwrap()
            .and_hms_opt(22, 8, 2)
            .unwrap(),
    }
}
