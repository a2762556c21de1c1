//! Shared pieces of the Fastrac tests.
#![allow(dead_code)]

use std::time::Duration;

use mitra_core::RetryPolicy;
use mitra_fastrac::{Client, ClientBuilder, Flag, types};
use mitra_testkit::{MockResponse, MockServer};
use serde_json::{Value, json};

pub const ACCESS: &str = "test-access-key";
pub const SECRET: &str = "test-secret-key";

pub fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/fastrac.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The request example of an operation in the spec.
pub fn request_example<T: serde::de::DeserializeOwned>(path: &str, method: &str) -> T {
    serde_json::from_value(
        spec()["paths"][path][method]["requestBody"]["content"]["application/json"]["example"]
            .clone(),
    )
    .unwrap()
}

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.url())
        .access_key(ACCESS)
        .secret_key(SECRET)
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
        json!({"success": true, "message": "success", "data": data}).to_string(),
    )
}

pub fn item(weight: f64) -> types::TariffItem {
    types::TariffItem::new(
        "Sepatu",
        weight,
        20.0,
        15.0,
        30.0,
        std::num::NonZeroU64::MIN,
    )
    .with_value(350000)
}

pub fn express_tariff() -> types::TariffExpressRequest {
    types::TariffExpressRequest::new(3101010001, 3173020003, vec![item(1200.0)])
        .with_cod(Flag(false))
        .with_insurance(Flag(true))
        .with_cod_amount(0)
}

/// A text input that the spec constrains, as the caller builds it: a value
/// the type refuses is a validation error, as a user's code would map it.
fn typed<T: TryFrom<String>>(field: &'static str, value: &str) -> mitra_fastrac::Result<T> {
    T::try_from(value.trim().to_owned())
        .map_err(|_| mitra_fastrac::Error::validation(field, "refused by the spec's type"))
}

/// `cancelOrder` from its three fields.
pub async fn cancel_order(
    c: &Client,
    courier: &str,
    awb: &str,
    reason: &str,
) -> mitra_fastrac::Result<Value> {
    let reason: types::CancelOrderRequestCancelReason = typed("cancel_reason", reason)?;
    let body = types::CancelOrderRequest::new(courier, awb, reason);
    c.cancel_order(&body).await
}

/// `trackOrder` from its two fields.
pub async fn track_order(
    c: &Client,
    courier: &str,
    awb: &str,
) -> mitra_fastrac::Result<types::Tracking> {
    let body = types::TrackOrderRequest::new(courier, awb);
    c.track_order(&body).await
}

/// `searchRegion` from its keyword.
pub async fn search_region(c: &Client, keyword: &str) -> mitra_fastrac::Result<Vec<Value>> {
    let keyword: types::SearchRegionRequestKeyword = typed("keyword", keyword)?;
    let body = types::SearchRegionRequest::new(keyword);
    c.search_region(&body).await
}

/// `getPostalCode` from its text.
pub async fn get_postal_code(c: &Client, code: &str) -> mitra_fastrac::Result<Vec<Value>> {
    let code: types::GetPostalCodePostalCode = code
        .parse()
        .map_err(|_| mitra_fastrac::Error::validation("postal_code", "must be 5 digits"))?;
    c.get_postal_code(&code).await
}
