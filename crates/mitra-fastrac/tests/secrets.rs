//! The access and secret keys never reach tracing output, errors or `Debug`
//! strings, in either auth style; every call is logged with its vendor
//! message. Alone in its test binary, for tracing's per-thread capture.

mod common;

use mitra_fastrac::{AuthStyle, Client};
use mitra_testkit::{MockResponse, MockServer, capture_tracing};

#[tokio::test]
async fn keys_never_leak_and_calls_are_logged() {
    const ACCESS: &str = "CANARYACCESS9f8e";
    const SECRET: &str = "CANARYSECRET7d6c";
    let (guard, logs) = capture_tracing();
    let mut seen = Vec::new();
    let server = MockServer::start(|_, n| match n {
        0 | 3 => MockResponse::json(200, r#"{"success":true,"message":"region ok","data":[]}"#),
        1 => MockResponse::json(200, r#"{"success":false,"message":"Data not found"}"#),
        _ => MockResponse::json(401, r#"{"success":false,"message":"Unauthorized"}"#),
    })
    .await;
    for style in [AuthStyle::Both, AuthStyle::Basic, AuthStyle::Headers] {
        let client = Client::builder()
            .base_url(server.url())
            .access_key(ACCESS)
            .secret_key(SECRET)
            .auth_style(style)
            .build()
            .unwrap();
        seen.push(format!("{client:?}"));
        for _ in 0..2 {
            match client.get_city(31).await {
                Ok(_) => {}
                Err(e) => seen.push(format!("{e} {e:?}")),
            }
        }
    }
    drop(guard);
    let logs = logs.text();
    assert!(logs.contains("vendor_message=\"region ok\""), "{logs}");
    assert!(
        logs.contains("latency_ms") && logs.contains("status=200") && logs.contains("attempt=1"),
        "{logs}"
    );
    // Requests 0-1 by the default style (both), 2-3 Basic, 4-5 headers.
    let sent = server.requests();
    assert!(
        sent[0].header("secret-key") == Some(SECRET) && sent[0].header("authorization").is_some()
    );
    assert!(sent[2].header("secret-key").is_none() && sent[2].header("authorization").is_some());
    assert!(
        sent[4].header("secret-key") == Some(SECRET) && sent[4].header("authorization").is_none()
    );
    let basic = "Q0FOQVJZQUNDRVNTOWY4ZTpDQU5BUllTRUNSRVQ3ZDZj"; // base64("ACCESS:SECRET")
    for canary in [ACCESS, SECRET, basic] {
        assert!(!logs.contains(canary), "{canary} in logs");
        for text in &seen {
            assert!(!text.contains(canary), "{canary} in {text}");
        }
    }
}
