//! Compressed answers: gzip and deflate are asked for and inflated, and the
//! body limit counts the inflated bytes, whatever `Content-Length` the
//! compressed body declares (a small body that inflates past the limit is
//! refused, not handed to the decoder).

mod common;

use std::io::Write;
use std::time::Duration;

use common::{READ, call};
use mitra_core::auth::{ClientCredentialsBasic, TokenSource};
use mitra_core::plumbing::Runtime;
use mitra_core::{Error, HttpConfig, SecretString, build_http_client};
use mitra_testkit::{MockResponse, MockServer};

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(body).unwrap();
    encoder.finish().unwrap()
}

fn deflate(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(body).unwrap();
    encoder.finish().unwrap()
}

fn http() -> reqwest::Client {
    build_http_client(&HttpConfig::default().timeout(Duration::from_secs(5))).unwrap()
}

/// 100 kB of JSON that compresses to a few hundred bytes.
fn inflating() -> Vec<u8> {
    format!(r#"{{"data":"{}"}}"#, "x".repeat(100_000)).into_bytes()
}

#[tokio::test]
async fn gzip_and_deflate_are_asked_for_and_inflated() {
    for (encoding, body) in [
        ("gzip", gzip(br#"{"ok":true}"#)),
        ("deflate", deflate(br#"{"ok":true}"#)),
    ] {
        let server = MockServer::always(
            MockResponse::with_type(200, "application/json", body)
                .header("content-encoding", encoding),
        )
        .await;
        let runtime = Runtime::builder("test").build();
        let value = call(&runtime, &http(), &format!("{}/thing", server.url()), &READ)
            .await
            .unwrap_or_else(|e| panic!("{encoding}: {e:?}"));
        assert_eq!(value["ok"], true, "{encoding}");
        let accepted = server.requests()[0]
            .header("accept-encoding")
            .unwrap_or_default()
            .to_owned();
        assert!(accepted.contains(encoding), "{accepted}");
    }
}

/// The compressed body declares its own (small) `Content-Length`: the limit
/// is still counted on the inflated bytes.
#[tokio::test]
async fn a_small_body_that_inflates_past_the_limit_is_refused() {
    let compressed = gzip(&inflating());
    assert!(compressed.len() < 1024, "{} bytes", compressed.len());
    let server = MockServer::always(
        MockResponse::with_type(200, "application/json", compressed)
            .header("content-encoding", "gzip"),
    )
    .await;
    let url = format!("{}/thing", server.url());
    let small = Runtime::builder("test").max_body_bytes(1024).build();
    let err = call(&small, &http(), &url, &READ).await.unwrap_err();
    assert_eq!(err, Error::BodyTooLarge { limit: 1024 });
    // Under the default limit the same answer is read whole.
    let default = Runtime::builder("test").build();
    let value = call(&default, &http(), &url, &READ).await.unwrap();
    assert_eq!(value["data"].as_str().map(str::len), Some(100_000));
}

/// The slow path (a DEBUG subscriber shows the exchange, so the body is read
/// whole first) counts the inflated bytes too.
#[tokio::test]
async fn an_inflating_body_is_refused_when_the_exchange_is_traced() {
    let server = MockServer::always(
        MockResponse::with_type(200, "application/json", deflate(&inflating()))
            .header("content-encoding", "deflate"),
    )
    .await;
    let url = format!("{}/thing", server.url());
    let small = Runtime::builder("test").max_body_bytes(1024).build();
    let (_guard, _captured) = mitra_core::testing::capture_tracing();
    let err = call(&small, &http(), &url, &READ).await.unwrap_err();
    assert_eq!(err, Error::BodyTooLarge { limit: 1024 });
}

/// The token endpoint's answer too: its limit counts inflated bytes.
#[tokio::test]
async fn a_token_answer_that_inflates_past_its_limit_is_refused() {
    let big = format!(r#"{{"access_token":"{}"}}"#, "x".repeat(1_000_000));
    let server = MockServer::always(
        MockResponse::with_type(200, "application/json", gzip(big.as_bytes()))
            .header("content-encoding", "gzip"),
    )
    .await;
    let tokens = TokenSource::new(
        format!("{}/token", server.url()),
        ClientCredentialsBasic::new(SecretString::from("id"), SecretString::from("secret")),
        http(),
    );
    let err = tokens.token().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
}
