//! Shared pieces of the benchmarks: a local server and the bare-reqwest
//! baseline that the mitra clients are measured against.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Json;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

/// The bearer token the server expects.
pub const TOKEN: &str = "bench-token";

/// Sempoa's documented `GET /akun/{kode}` answer.
pub fn akun_body() -> Value {
    json!({"status": 200, "message": "Success", "data": {"kode": "10000", "akun": "Aktiva", "tipe": "Aset", "level": 1, "balance": "Debit", "akun_induk": "-"}})
}

/// A local server: Sempoa's `/akun/{kode}`, and Pos Indonesia's `/token` and
/// `getCity` (the token slow enough that concurrent first calls overlap).
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// Token requests received.
    pub tokens: Arc<AtomicUsize>,
}

impl Server {
    /// Starts the server on the current runtime.
    pub async fn start() -> Self {
        let tokens = Arc::new(AtomicUsize::new(0));
        let counter = tokens.clone();
        let app = axum::Router::new()
            .route("/akun/{kode}", get(|| async { Json(akun_body()) }))
            .route(
                "/token",
                post(move || {
                    let counter = counter.clone();
                    async move {
                        counter.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Json(json!({"access_token": "bench", "token_type": "Bearer", "expires_in": 3600}))
                    }
                }),
            )
            .route(
                "/utilitas/1.0.1/getCity",
                post(|| async { Json(json!({"responses": {"response": {"cityCode": 3273, "cityName": "KOTA BANDUNG"}}})) }),
            );
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, tokens }
    }
}

/// What a hand-written client would decode.
#[derive(Deserialize)]
pub struct BareEnvelope {
    /// HTTP status repeated.
    pub status: i64,
    /// Message.
    pub message: String,
    /// The account.
    pub data: BareAkun,
}

/// An account, hand-written: every field, as the mitra client decodes it.
#[derive(Deserialize)]
pub struct BareAkun {
    /// Code.
    pub kode: String,
    /// Name.
    pub akun: String,
    /// Type.
    pub tipe: Option<String>,
    /// Level.
    pub level: Option<i64>,
    /// Normal balance.
    pub balance: Option<String>,
    /// Parent.
    pub akun_induk: Option<String>,
}

/// The baseline: the same call with bare reqwest and serde.
pub async fn bare_get_akun(client: &reqwest::Client, url: &str) -> BareAkun {
    client
        .get(format!("{url}/akun/10000"))
        .bearer_auth(TOKEN)
        .header("accept", "application/json")
        .send()
        .await
        .expect("send")
        .json::<BareEnvelope>()
        .await
        .expect("decode")
        .data
}

/// The mitra client of the same server.
pub fn sempoa(url: &str) -> mitra_sempoa::Client {
    mitra_sempoa::Client::builder()
        .base_url(url)
        .token(TOKEN)
        .build()
        .expect("client")
}

/// A bare reqwest client built like mitra's (same TLS stack and timeouts).
pub fn bare_client() -> reqwest::Client {
    mitra_core::build_http_client(&mitra_core::HttpConfig::default()).expect("client")
}
