//! Calls Pos Indonesia's `getCity` and `getTrackAndTrace` against a stand-in
//! gateway that this example starts on 127.0.0.1, so it runs anywhere with no
//! credentials and no network:
//!
//! ```sh
//! cargo run -p mitra-pos-indonesia --example local_gateway
//! ```
//!
//! The stand-in issues WSO2-style tokens and answers with the gateway's
//! quirks: one city arrives as a single object with a numeric code.

use axum::Json;
use axum::routing::post;
use mitra_pos_indonesia::types::{CityRequest, TrackAndTraceRequest};
use mitra_pos_indonesia::{Client, TrackEventExt};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = axum::Router::new()
        .route(
            "/token",
            post(|| async {
                Json(json!({"access_token": "local-token", "token_type": "Bearer", "expires_in": 3600}))
            }),
        )
        .route(
            "/utilitas/1.0.1/getCity",
            post(|Json(body): Json<Value>| async move {
                let name = body["cityName"].as_str().unwrap_or_default().to_uppercase();
                Json(json!({"responses": {"response": {"cityCode": 3273, "cityName": format!("KOTA {name}")}}}))
            }),
        )
        .route(
            "/utilitas/1.0.1/getTrackAndTrace",
            post(|| async {
                Json(json!({"rs_tnt": {"r_tnt": [
                    {"barcode": "P2411230001", "officeCode": "40000", "office": "BANDUNG", "eventName": "POSTING LOKET", "eventDate": "2026-11-20 09:15:00", "description": "PENGIRIM : TOKO CONTOH"},
                    {"barcode": "P2411230001", "officeCode": "40400", "office": "CINUNUK", "eventName": "SELESAI ANTAR", "eventDate": "2026-11-21 14:02:11", "description": "DITERIMA OLEH : YBS"}
                ]}}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = Client::builder()
        .base_url(&url)
        .consumer_key("example-key")
        .consumer_secret("example-secret")
        .build()?;

    let cities = client.get_city(&CityRequest::new("32", "bandung")).await?;
    println!("getCity (stand-in gateway at {url}):");
    for city in &cities {
        println!("  {} {}", city.city_code, city.city_name);
    }

    let events = client
        .get_track_and_trace(&TrackAndTraceRequest::new("P2411230001"))
        .await?;
    println!("getTrackAndTrace:");
    for event in &events {
        let when = event
            .event_time()
            .map(|t| t.to_string())
            .unwrap_or_default();
        println!(
            "  {when}  {:<14} {}",
            event.event_name,
            event.office.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}
