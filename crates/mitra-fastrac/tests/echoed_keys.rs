//! A gateway that echoes Fastrac's keys back in its error text, in every
//! form and at every offset around the point where vendor text is cut (300
//! characters): no 8-character piece of any key survives in the error a
//! caller sees (`Display` or `Debug`), whether it is a message, a code, an
//! HTML page or an undecodable success body.

use base64::Engine;
use mitra_core::RetryPolicy;
use mitra_testkit::{MockResponse, MockServer};

const ACCESS: &str = "ak_live_1234567890123_ZZTAIL";
const SECRET: &str = "sk_live_0987654321/+&=SECRETTAIL";

/// Every form a gateway may echo the keys in.
fn echoes() -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    vec![
        ACCESS.to_owned(),
        SECRET.to_owned(),
        format!("Basic {}", b64.encode(format!("{ACCESS}:{SECRET}"))),
        url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect(),
        SECRET
            .replace('/', "%2F")
            .replace('+', "%2B")
            .replace('&', "%26")
            .replace('=', "%3D"),
        b64.encode(SECRET),
    ]
}

/// Every 8-character piece of every form of the keys.
fn pieces() -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut all = vec![ACCESS.to_owned(), SECRET.to_owned()];
    all.push(b64.encode(format!("{ACCESS}:{SECRET}")));
    let mut out = Vec::new();
    for form in all {
        let chars: Vec<char> = form.chars().collect();
        for window in chars.windows(8) {
            let piece: String = window.iter().collect();
            out.push(piece);
        }
    }
    out
}

#[tokio::test]
async fn no_piece_of_a_key_survives_at_any_offset_around_the_cut() {
    let server = MockServer::start(|request, _| {
        let mut parts = request.path.trim_start_matches('/').splitn(3, '/');
        let (kind, body) = (parts.next().unwrap(), parts.next().unwrap());
        let text = String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(body)
                .unwrap(),
        )
        .unwrap();
        match kind {
            "json" => MockResponse::json(
                500,
                serde_json::json!({"success": false, "message": text, "code": text}).to_string(),
            ),
            "html" => MockResponse::with_type(
                502,
                "text/html",
                format!("<html><head><title>{text}</title></head><body>{text}</body></html>"),
            ),
            "text" => MockResponse::with_type(503, "text/plain", text),
            _ => MockResponse::json(
                200,
                serde_json::json!({"success": "?", "data": 5, "echo": text}).to_string(),
            ),
        }
    })
    .await;
    let pieces = pieces();
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    let mut checked = 0;
    for kind in ["json", "html", "text", "success"] {
        for echo in echoes() {
            for offset in 280..=310 {
                let text = format!("{}{echo} and more text after it", "x".repeat(offset));
                let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&text);
                let client = mitra_fastrac::Client::builder()
                    .base_url(format!("{}/{kind}/{encoded}", server.url()))
                    .access_key(ACCESS)
                    .secret_key(SECRET)
                    .retry_policy(RetryPolicy::none())
                    .http_client(http.clone())
                    .build()
                    .unwrap();
                let error = client.get_city(31).await.unwrap_err();
                let shown = format!("{error} {error:?}");
                for piece in &pieces {
                    assert!(
                        !shown.contains(piece.as_str()),
                        "{kind} at offset {offset}: {piece:?} of a key survives in {shown}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 * 6 * 31);
}

#[test]
fn a_builders_debug_shows_no_query_user_or_key() {
    let builder = mitra_fastrac::Client::builder()
        .base_url("https://user:pw@gw.example/api?apikey=SECRETQ")
        .access_key(ACCESS)
        .secret_key(SECRET);
    let shown = format!("{builder:?}");
    for hidden in ["SECRETQ", "apikey", "user:pw", "ak_live", "sk_live"] {
        assert!(!shown.contains(hidden), "{hidden} in {shown}");
    }
    assert!(shown.contains("gw.example/api"), "{shown}");
}
