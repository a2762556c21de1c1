//! Canary credentials never show in tracing output (at TRACE level), error
//! messages or `Debug` strings, whatever happens to the call.

mod common;

use common::*;
use mitra_pos_indonesia::Client;
use mitra_pos_indonesia::types::{CityRequest, ProvinceRequest};
use mitra_testkit::{MockResponse, MockServer, capture_tracing};

const KEY: &str = "CANARYKEY7f3a";
const SECRET: &str = "CANARYSECRET91bd";
const PASSWORD: &str = "CANARYPASS22c1";
const TOKEN: &str = "CANARYTOKEN5e6d";

fn canary_client(url: String) -> Client {
    Client::builder()
        .base_url(url)
        .consumer_key(KEY)
        .consumer_secret(SECRET)
        .pos_user("mitra-user")
        .pos_password(PASSWORD)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

/// A gateway that issues the canary token and answers API calls by index.
async fn canary_gateway(api: impl Fn(usize) -> MockResponse + Send + Sync + 'static) -> MockServer {
    let calls = std::sync::atomic::AtomicUsize::new(0);
    MockServer::start(move |req, _| {
        if req.path == TOKEN_PATH {
            token_response(TOKEN, 3600.into())
        } else {
            api(calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
        }
    })
    .await
}

#[tokio::test]
async fn canaries_never_leak() {
    let (guard, logs) = capture_tracing();
    let mut seen = Vec::new();
    let city = CityRequest::new("32", "bandung");

    // Success, then a rejected token twice, a decode error, an HTML 503, a
    // refused token request, a refused connection.
    let server = canary_gateway(|n| match n {
        0 => provinces_json(),
        1 | 2 => MockResponse::json(
            401,
            r#"{"fault":{"code":900901,"message":"Invalid Credentials","description":"x"}}"#,
        ),
        3 => MockResponse::json(200, r#"{"responses":{"response":[{"cityCode":true}]}}"#),
        _ => MockResponse::with_type(
            503,
            "text/html",
            "<html><title>Service Unavailable</title></html>",
        ),
    })
    .await;
    let client = canary_client(server.url());
    seen.push(format!("{client:?}"));
    client
        .get_province(&ProvinceRequest::default())
        .await
        .unwrap();
    for _ in 0..3 {
        let err = client.get_city(&city).await.unwrap_err();
        seen.push(format!("{err} {err:?}"));
    }
    let refusing = MockServer::always(MockResponse::json(
        401,
        r#"{"error":"invalid_client","error_description":"Client Authentication failed."}"#,
    ))
    .await;
    let err = canary_client(refusing.url())
        .get_city(&city)
        .await
        .unwrap_err();
    seen.push(format!("{err} {err:?}"));
    drop(refusing);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = canary_client(format!("http://127.0.0.1:{port}"))
        .get_city(&city)
        .await
        .unwrap_err();
    seen.push(format!("{err} {err:?}"));
    drop(guard);

    let logs = logs.text();
    // The capture worked and saw the calls, or this test proves nothing.
    assert!(
        logs.contains("getCity") && logs.contains("/utilitas/1.0.1/getCity"),
        "{logs}"
    );
    assert!(logs.contains("attempt"), "{logs}");
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.header("authorization") == Some(&*format!("Bearer {TOKEN}")))
    );

    let basic = "Q0FOQVJZS0VZN2YzYTpDQU5BUllTRUNSRVQ5MWJk"; // base64("KEY:SECRET")
    for canary in [KEY, SECRET, PASSWORD, TOKEN, basic] {
        assert!(!logs.contains(canary), "{canary} in the logs:\n{logs}");
        for text in &seen {
            assert!(!text.contains(canary), "{canary} in {text}");
        }
    }
}
