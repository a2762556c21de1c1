//! The OAuth2 token source under failure and odd lifetimes, and the limits
//! on what the runtime reads: a dead token endpoint is asked once for a
//! burst of callers, a hung one costs them one timeout, no lifetime panics,
//! no body is read past its limit.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{READ, WRITE, call, fast_retries};
use mitra_core::auth::{Auth, ClientCredentialsBasic, TokenSource};
use mitra_core::plumbing::Runtime;
use mitra_core::shared::{FleetKey, Shared, SharedFuture};
use mitra_core::{Error, HttpConfig, RetryPolicy, SecretString, build_http_client};
use mitra_testkit::{MockResponse, MockServer};

fn http(timeout: Duration) -> reqwest::Client {
    build_http_client(&HttpConfig::default().timeout(timeout)).unwrap()
}

fn tokens(server: &MockServer, http: &reqwest::Client) -> TokenSource {
    TokenSource::new(
        format!("{}/token", server.url()),
        ClientCredentialsBasic::new(SecretString::from("id"), SecretString::from("secret")),
        http.clone(),
    )
    .retry_policy(fast_retries())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_token_endpoint_is_asked_once_for_a_burst_of_callers() {
    let server = MockServer::always(MockResponse::json(
        503,
        r#"{"error":"temporarily_unavailable"}"#,
    ))
    .await;
    let http = http(Duration::from_secs(5));
    let source = Arc::new(tokens(&server, &http));
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let source = source.clone();
        tasks.push(tokio::spawn(async move { source.token().await }));
    }
    for task in tasks {
        assert!(task.await.unwrap().is_err());
    }
    // One fetch with its three attempts served all fifty callers.
    assert_eq!(server.requests().len(), 3);
    // A call right after the failure gets it at once, without a request.
    assert!(source.token().await.is_err());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_token_endpoint_costs_its_waiters_one_timeout_not_one_each() {
    let server = MockServer::always(
        MockResponse::json(200, r#"{"access_token":"t"}"#).delayed(Duration::from_secs(5)),
    )
    .await;
    let http = http(Duration::from_millis(200));
    let source = Arc::new(tokens(&server, &http).retry_policy(RetryPolicy::none()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let source = source.clone();
        tasks.push(tokio::spawn(async move { source.token().await }));
    }
    for task in tasks {
        assert!(matches!(task.await.unwrap(), Err(Error::Timeout { .. })));
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn odd_token_lifetimes_have_defined_behaviour() {
    // (expires_in, tokens fetched by two calls one after the other)
    for (expires_in, fetches) in [
        ("1e20", 1),      // huge: capped, cached
        ("\"1e300\"", 1), // huge, as a string
        ("-5", 2),        // negative: expired at once
        ("0", 2),         // zero: expired at once
        ("\"abc\"", 1),   // unreadable: the default lifetime
        ("null", 1),      // none: the default lifetime
        ("3600", 1),
    ] {
        let body = format!(r#"{{"access_token":"t","expires_in":{expires_in}}}"#);
        let server = MockServer::always(MockResponse::json(200, body)).await;
        let http = http(Duration::from_secs(5));
        let source = tokens(&server, &http);
        source.token().await.unwrap();
        source.token().await.unwrap();
        assert_eq!(server.requests().len(), fetches, "expires_in {expires_in}");
    }
}

#[tokio::test]
async fn a_401_on_a_call_that_changes_state_drops_the_token_but_does_not_resend() {
    let server = MockServer::start(|request, _| {
        if request.path == "/token" {
            return MockResponse::json(200, r#"{"access_token":"tok","expires_in":3600}"#);
        }
        MockResponse::json(401, r#"{"message":"expired"}"#)
    })
    .await;
    let http = http(Duration::from_secs(5));
    let runtime = Runtime::builder("test")
        .auth(Auth::OAuth2(Arc::new(tokens(&server, &http))))
        .retry(fast_retries())
        .build();
    let url = format!("{}/thing", server.url());
    let err = call(&runtime, &http, &url, &WRITE).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(server.count("/thing"), 1, "a POST is not sent twice");
    // The rejected token is gone: the next call fetches a new one.
    call(&runtime, &http, &url, &WRITE).await.unwrap_err();
    assert_eq!(server.count("/token"), 2);
}

#[tokio::test]
async fn no_body_is_read_past_its_limit() {
    let big = format!(r#"{{"data":"{}"}}"#, "x".repeat(4096));
    let server = MockServer::always(MockResponse::json(200, big)).await;
    let http = http(Duration::from_secs(5));
    let url = format!("{}/thing", server.url());
    let small = Runtime::builder("test").max_body_bytes(1024).build();
    let err = call(&small, &http, &url, &READ).await.unwrap_err();
    assert_eq!(err, Error::BodyTooLarge { limit: 1024 });
    assert!(err.to_string().contains("1024 bytes"));
    // The default limit takes it.
    let default = Runtime::builder("test").build();
    assert!(call(&default, &http, &url, &READ).await.is_ok());
}

#[tokio::test]
async fn a_huge_token_response_is_refused() {
    let big = format!(r#"{{"access_token":"{}"}}"#, "x".repeat(200_000));
    let server = MockServer::always(MockResponse::json(200, big)).await;
    let http = http(Duration::from_secs(5));
    let err = tokens(&server, &http).token().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_response_too_slow_is_a_timeout_and_a_post_is_not_resent() {
    let server =
        MockServer::always(MockResponse::json(200, "{}").delayed(Duration::from_secs(3))).await;
    let http = http(Duration::from_millis(200));
    let runtime = Runtime::builder("test").retry(fast_retries()).build();
    let err = call(&runtime, &http, &format!("{}/thing", server.url()), &WRITE)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1, "it may have reached the vendor");
}

/// A server that answers every request with `size` bytes of JSON sent
/// chunked (no `Content-Length`): the limit must hold while reading.
async fn chunked_server(size: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let body = format!(r#"{{"data":"{}"}}"#, "x".repeat(size));
                let mut response = String::from(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
                );
                for chunk in body.as_bytes().chunks(512) {
                    response.push_str(&format!("{:x}\r\n", chunk.len()));
                    response.push_str(std::str::from_utf8(chunk).unwrap());
                    response.push_str("\r\n");
                }
                response.push_str("0\r\n\r\n");
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn a_chunked_body_is_not_read_past_its_limit() {
    let http = http(Duration::from_secs(5));
    let small = Runtime::builder("test").max_body_bytes(1024).build();
    let big = chunked_server(4096).await;
    let err = call(&small, &http, &format!("{big}/thing"), &READ)
        .await
        .unwrap_err();
    assert_eq!(err, Error::BodyTooLarge { limit: 1024 });
    // Under the limit, the same chunked answer decodes.
    let fits = chunked_server(100).await;
    let value = call(&small, &http, &format!("{fits}/thing"), &READ)
        .await
        .unwrap();
    assert_eq!(value["data"].as_str().unwrap().len(), 100);
}

/// An in-memory fleet store: what it keeps, shared with the test.
#[derive(Debug, Default, Clone)]
struct MemoryStore(Arc<std::sync::Mutex<Option<(String, Duration)>>>);

impl mitra_core::shared::SharedState for MemoryStore {
    fn get_token<'a>(&'a self, _: &'a str) -> SharedFuture<'a, Option<(String, Duration)>> {
        let found = self.0.lock().unwrap().clone();
        Box::pin(async move { Ok(found) })
    }
    fn put_token<'a>(&'a self, _: &'a str, token: &'a str, ttl: Duration) -> SharedFuture<'a, ()> {
        *self.0.lock().unwrap() = Some((token.to_owned(), ttl));
        Box::pin(async { Ok(()) })
    }
    fn delete_token_if<'a>(&'a self, _: &'a str, _: &'a str) -> SharedFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
    fn try_lock<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> SharedFuture<'a, bool> {
        Box::pin(async { Ok(true) })
    }
    fn unlock<'a>(&'a self, _: &'a str, _: &'a str) -> SharedFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
    fn reserve<'a>(&'a self, _: &'a str, _: Duration) -> SharedFuture<'a, Duration> {
        Box::pin(async { Ok(Duration::ZERO) })
    }
}

#[tokio::test]
async fn the_fleet_keeps_a_token_until_its_refresh_point_not_its_expiry() {
    let server = MockServer::always(MockResponse::json(
        200,
        r#"{"access_token":"fleet-token","expires_in":3600}"#,
    ))
    .await;
    let http = http(Duration::from_secs(5));
    let store = MemoryStore::default();
    let shared = Shared::new(store.clone());
    let key = fleet_key();
    let fetching = tokens(&server, &http)
        .refresh_margin(Duration::from_secs(60))
        .shared(shared.clone(), key.clone());
    fetching.token().await.unwrap();
    let (token, ttl) = store.0.lock().unwrap().clone().unwrap();
    // Stored sealed: the store's reader without the secret has no token.
    assert!(!token.contains("fleet-token"), "{token}");
    assert_eq!(key.open(&token).as_deref(), Some("fleet-token"));
    // 3600 s less the 60 s margin: the fleet's next fetch comes a margin
    // before the token dies, not the moment it does.
    assert!(
        ttl <= Duration::from_secs(3540) && ttl > Duration::from_secs(3530),
        "{ttl:?}"
    );

    // Another process takes the stored token as it is and keeps it for all
    // the time the store gives it (no second margin: at three quarters of
    // it, the same token, not a new look at the store), then asks again.
    *store.0.lock().unwrap() = Some((key.seal("stored"), Duration::from_secs(2)));
    let other = tokens(&server, &http)
        .refresh_margin(Duration::from_secs(60))
        .shared(shared, key);
    let first = other.token().await.unwrap();
    assert_eq!(server.count("/token"), 1, "the stored token was used");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        Arc::ptr_eq(&first, &other.token().await.unwrap()),
        "the stored token was dropped before the store's time"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    *store.0.lock().unwrap() = None;
    other.token().await.unwrap();
    assert_eq!(server.count("/token"), 2, "past the store's time, a fetch");
}

fn fleet_key() -> FleetKey {
    FleetKey::new(
        "token",
        &["test", "client-id"],
        &[&SecretString::from("client-secret")],
    )
}

#[tokio::test]
async fn stored_values_that_do_not_open_or_live_too_long_are_ignored() {
    let server = MockServer::always(MockResponse::json(
        200,
        r#"{"access_token":"fresh","expires_in":3600}"#,
    ))
    .await;
    let http = http(Duration::from_secs(5));
    let key = fleet_key();
    let cases = [
        // A token in clear, as an older writer or an attacker would put it.
        ("planted-token".to_owned(), Duration::from_secs(600)),
        // Sealed for another identity.
        (
            FleetKey::new(
                "token",
                &["test", "other"],
                &[&SecretString::from("client-secret")],
            )
            .seal("other-token"),
            Duration::from_secs(600),
        ),
        // Sealed for this one, but with a TTL no token has.
        (
            key.seal("immortal"),
            Duration::from_secs(10 * 365 * 24 * 3600),
        ),
    ];
    for (value, ttl) in cases {
        let store = MemoryStore::default();
        *store.0.lock().unwrap() = Some((value.clone(), ttl));
        let source = tokens(&server, &http).shared(Shared::new(store.clone()), key.clone());
        let token = source.token().await.unwrap();
        assert_eq!(
            token.authorization().to_str().unwrap(),
            "Bearer fresh",
            "{value} was used"
        );
    }
}

#[tokio::test]
async fn an_empty_or_invisible_access_token_is_a_decode_error() {
    let http = http(Duration::from_secs(5));
    for body in [
        r#"{"access_token":"","expires_in":3600}"#,
        r#"{"access_token":"tok en","expires_in":3600}"#,
        r#"{"access_token":"tok\u00e9n","expires_in":3600}"#,
        r#"{"access_token":"tok\ten","expires_in":3600}"#,
    ] {
        let server = MockServer::always(MockResponse::json(200, body)).await;
        let store = MemoryStore::default();
        let source = tokens(&server, &http).shared(Shared::new(store.clone()), fleet_key());
        let err = source.token().await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{body}: {err:?}");
        assert!(store.0.lock().unwrap().is_none(), "{body} was stored");
    }
}
