//! `key`, `token` (in query strings on GET) and the user's password never
//! reach tracing output, errors or `Debug` strings. Alone in its test binary,
//! for tracing's per-thread capture.

mod common;

use common::*;
use mitra_elkassa::Client;
use mitra_testkit::{MockResponse, MockServer, capture_tracing};

#[tokio::test]
async fn canaries_never_leak() {
    const KEY: &str = "CANARYKEYe1a2";
    const TOKEN: &str = "CANARYTOKENb3c4";
    let (guard, logs) = capture_tracing();
    let mut seen = Vec::new();
    let server = MockServer::start(|_, n| match n {
        0 => MockResponse::json(200, r#"{"status":true,"messages":"User data","data":[{"registration_id":"ELK1","contract_id":"twelve"}]}"#),
        1 => MockResponse::json(200, r#"{"status":false,"messages":"Invalid token"}"#),
        _ => MockResponse::with_type(500, "text/html", "<html><title>Error</title></html>"),
    })
    .await;
    let client = Client::builder()
        .base_url(server.url())
        .key(KEY)
        .token(TOKEN)
        .build()
        .unwrap();
    seen.push(format!("{client:?}"));
    for _ in 0..3 {
        let err = client.get_all_users(1).await.unwrap_err();
        seen.push(format!("{err} {err:?}"));
    }
    let mut user = new_user();
    user.password = "CANARYPASSd5e6".to_owned().into();
    seen.push(format!("{user:?}"));
    let err = client.registration(&user).await.unwrap_err();
    seen.push(format!("{err} {err:?}"));
    // A refused connection: reqwest's error would carry the URL with the key.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let offline = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .key(KEY)
        .token(TOKEN)
        .build()
        .unwrap();
    let err = offline.get_all_users(1).await.unwrap_err();
    seen.push(format!("{err} {err:?}"));
    drop(guard);
    let logs = logs.text();
    assert!(logs.contains("/integration/users/{page}"), "{logs}");
    assert!(
        server.requests()[0].query.as_deref().unwrap().contains(KEY),
        "the key is sent in the query"
    );
    for canary in [KEY, TOKEN, "CANARYPASSd5e6"] {
        assert!(!logs.contains(canary), "{canary} in logs:\n{logs}");
        for text in &seen {
            assert!(!text.contains(canary), "{canary} in {text}");
        }
    }
}
