//! The loop every generated method goes through, tested on its own: the
//! closure here does what a generated method does (build the request, let
//! the attempt prepare and send it, decode), against a server on 127.0.0.1.

mod common;

use std::sync::Arc;

use common::{READ, WRITE, call, fast_retries};
use mitra_core::auth::{Auth, ClientCredentialsBasic, TokenSource};
use mitra_core::plumbing::Runtime;
use mitra_core::{Error, RetryPolicy, SecretString};
use mitra_testkit::{MockResponse, MockServer};

#[tokio::test]
async fn a_safe_operation_is_retried_after_a_503_and_succeeds() {
    let server = MockServer::start(|_, i| match i {
        0 => MockResponse::json(503, "{}").header("retry-after", "0"),
        _ => MockResponse::json(200, r#"{"ok":true}"#),
    })
    .await;
    let runtime = Runtime::builder("test").retry(fast_retries()).build();
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    let value = call(&runtime, &http, &format!("{}/thing", server.url()), &READ)
        .await
        .unwrap();
    assert_eq!(value["ok"], true);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_operation_that_changes_state_is_not_resent_once_it_reached_the_server() {
    let server = MockServer::always(MockResponse::json(503, "{}")).await;
    let runtime = Runtime::builder("test").retry(fast_retries()).build();
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    let err = call(&runtime, &http, &format!("{}/thing", server.url()), &WRITE)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retries_are_bounded() {
    let server = MockServer::always(MockResponse::json(503, "{}")).await;
    let runtime = Runtime::builder("test").retry(fast_retries()).build();
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    call(&runtime, &http, &format!("{}/thing", server.url()), &READ)
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_401_replaces_the_token_and_resends_once() {
    let server = MockServer::start(|request, _| {
        if request.path == "/token" {
            return MockResponse::json(200, r#"{"access_token":"tok","expires_in":3600}"#);
        }
        MockResponse::json(401, r#"{"message":"expired"}"#)
    })
    .await;
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    let tokens = TokenSource::new(
        format!("{}/token", server.url()),
        ClientCredentialsBasic::new(SecretString::from("id"), SecretString::from("secret")),
        http.clone(),
    );
    let runtime = Runtime::builder("test")
        .auth(Auth::OAuth2(Arc::new(tokens)))
        .retry(fast_retries())
        .build();
    let err = call(&runtime, &http, &format!("{}/thing", server.url()), &READ)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    // One call, one refresh, one resend: never a loop.
    assert_eq!(server.count("/thing"), 2);
    assert_eq!(server.count("/token"), 2);
    assert!(
        server
            .requests()
            .iter()
            .filter(|r| r.path == "/thing")
            .all(|r| r.header("authorization") == Some("Bearer tok"))
    );
}

#[tokio::test]
async fn a_failed_token_fetch_is_told_apart_from_the_operations_own_failure() {
    let server = MockServer::start(|request, _| {
        if request.path == "/token" {
            return MockResponse::json(503, r#"{"error":"temporarily_unavailable"}"#);
        }
        MockResponse::json(503, r#"{"message":"down"}"#)
    })
    .await;
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    let oauth = Runtime::builder("test")
        .auth(Auth::OAuth2(Arc::new(
            TokenSource::new(
                format!("{}/token", server.url()),
                ClientCredentialsBasic::new(SecretString::from("id"), SecretString::from("s")),
                http.clone(),
            )
            .retry_policy(RetryPolicy::none()),
        )))
        .retry(RetryPolicy::none())
        .build();
    let url = format!("{}/thing", server.url());
    let no_token = call(&oauth, &http, &url, &READ).await.unwrap_err();
    assert!(no_token.is_from_token_endpoint(), "{no_token}");
    assert_eq!(server.count("/thing"), 0, "nothing sent without a token");

    let plain = Runtime::builder("test").retry(RetryPolicy::none()).build();
    let own = call(&plain, &http, &url, &READ).await.unwrap_err();
    assert_eq!(own.kind(), no_token.kind());
    assert!(!own.is_from_token_endpoint(), "{own}");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_without_the_url() {
    let runtime = Runtime::builder("test").retry(RetryPolicy::none()).build();
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    // Nothing listens on port 9 of 127.0.0.1; the query holds a "key".
    let err = call(
        &runtime,
        &http,
        "http://127.0.0.1:9/thing?key=canary-key",
        &WRITE,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("canary-key"));
}

#[tokio::test]
async fn a_secret_that_straddles_the_error_bodys_bound_leaves_no_piece() {
    // Issue #37 row 1: a tag of 65,522 bytes (stripped from the message),
    // then the token across the 64 KiB bound.
    const TOKEN: &str = "tok-Rahasia-1234567890abcdef";
    let body = format!("<{}>{TOKEN} ditolak", "a".repeat(65_520));
    let server = MockServer::always(MockResponse::with_type(500, "text/plain", body)).await;
    let runtime = Runtime::builder("test")
        .retry(RetryPolicy::none())
        .secrets(mitra_core::redact::Secrets::new([&SecretString::from(
            TOKEN,
        )]))
        .build();
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    let err = call(&runtime, &http, &format!("{}/thing", server.url()), &READ)
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    for piece in TOKEN.as_bytes().windows(8) {
        let piece = std::str::from_utf8(piece).unwrap();
        assert!(!shown.contains(piece), "{piece} in {shown}");
    }
    assert!(shown.contains("[REDACTED]"), "{shown}");
}
