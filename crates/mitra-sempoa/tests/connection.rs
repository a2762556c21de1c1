//! The builder's connection settings reach the wire: a proxy set with
//! `proxy` carries a call to another host and never a call to this machine;
//! an interceptor's header arrives, once per attempt, and the interceptor is
//! given no credential.

mod common;

use std::sync::{Arc, Mutex};

use mitra_core::RetryPolicy;
use mitra_sempoa::Client;
use mitra_sempoa::intercept::{
    Answer, AttemptInfo, HeaderMap, HeaderName, HeaderValue, Interceptor,
};
use mitra_testkit::{MockResponse, MockServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A "proxy" on 127.0.0.1 that records the head of each request and
/// answers 502.
async fn sniffer() -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            record
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&head).into_owned());
            let _ = socket
                .write_all(
                    b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
        }
    });
    (addr, seen)
}

#[tokio::test]
async fn the_builders_proxy_carries_a_call_to_another_host() {
    let (proxy, seen) = sniffer().await;
    let client = Client::builder()
        .base_url("http://vendor.invalid/api")
        .danger_allow_http(true)
        .token(common::TOKEN)
        .proxy(format!("http://{proxy}"))
        .retry_policy(RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap();
    let err = client.get_akun("10000").await.unwrap_err();
    assert_eq!(err.status(), Some(502), "the proxy answered: {err:?}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with("GET http://vendor.invalid/api/akun/10000 HTTP/1.1\r\n"),
        "{:?}",
        seen[0]
    );
}

#[tokio::test]
async fn the_builders_proxy_is_skipped_for_this_machine() {
    let (proxy, seen) = sniffer().await;
    let server = MockServer::always(MockResponse::json(
        200,
        common::fixture("akun_get_success.json"),
    ))
    .await;
    let client = common::builder(&server)
        .proxy(format!("http://{proxy}"))
        .build()
        .unwrap();
    client.get_akun("10000").await.unwrap();
    assert_eq!(server.requests().len(), 1);
    assert!(seen.lock().unwrap().is_empty());
}

/// A correlation header; records everything it is given.
#[derive(Default)]
struct Correlation {
    given: Mutex<String>,
}

impl Interceptor for Correlation {
    fn before_send(&self, attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
        self.given
            .lock()
            .unwrap()
            .push_str(&format!("{attempt:?} {headers:?}\n"));
        headers.insert(
            HeaderName::from_static("x-correlation-id"),
            HeaderValue::from_static("order-4711"),
        );
    }

    fn after_response(&self, attempt: &AttemptInfo<'_>, answer: &Answer<'_>) {
        self.given
            .lock()
            .unwrap()
            .push_str(&format!("{attempt:?} {answer:?}\n"));
    }
}

#[tokio::test]
async fn the_builders_interceptor_adds_its_header_on_every_attempt_and_sees_no_credential() {
    let server = MockServer::start(|_, i| match i {
        0 => MockResponse::json(503, "{}").header("retry-after", "0"),
        _ => MockResponse::json(200, common::fixture("akun_get_success.json")),
    })
    .await;
    let correlation = Arc::new(Correlation::default());
    let client = common::builder(&server)
        .interceptor(correlation.clone())
        .build()
        .unwrap();
    client.get_akun("10000").await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "a retried call");
    for request in &requests {
        assert_eq!(request.header("x-correlation-id"), Some("order-4711"));
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {}", common::TOKEN).as_str())
        );
    }
    let given = correlation.given.lock().unwrap().clone();
    assert_eq!(given.lines().count(), 4, "twice per attempt: {given}");
    assert!(given.contains("attempt: 2"), "{given}");
    assert!(
        given.contains("status: 503") && given.contains("status: 200"),
        "{given}"
    );
    assert!(!given.contains(common::TOKEN), "{given}");
    assert!(
        !given.to_ascii_lowercase().contains("authorization"),
        "{given}"
    );
}

/// README's "Proxies, private certificates and your own HTTP client",
/// compiled (not run: it reads a certificate file).
#[allow(dead_code)]
fn readme_proxy_and_root_certificate(
    token: &str,
) -> Result<mitra_sempoa::Client, Box<dyn std::error::Error>> {
    let client = mitra_sempoa::Client::builder()
        .token(token)
        // Every call to another machine goes through it: plain http in absolute form, https
        // tunnelled with CONNECT (TLS stays end to end). `user:password@` if it asks.
        .proxy("http://proxy.internal:3128")
        // Trusted beside the platform's roots (a staging host, a TLS-inspecting proxy).
        .add_root_certificate(std::fs::read("/etc/ssl/certs/corp-root-ca.pem")?)
        .build()?;
    Ok(client)
}

/// README's "Interceptors", compiled (not run).
#[allow(dead_code)]
mod readme_interceptors {
    use mitra_sempoa::intercept::{
        Answer, AttemptInfo, HeaderMap, HeaderName, HeaderValue, Interceptor,
    };

    /// The same correlation id on every attempt of every call.
    struct Correlation(HeaderValue);

    impl Interceptor for Correlation {
        fn before_send(&self, _attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
            headers.insert(HeaderName::from_static("x-correlation-id"), self.0.clone());
        }
    }

    /// Each attempt's status and latency.
    struct Log;

    impl Interceptor for Log {
        fn after_response(&self, attempt: &AttemptInfo<'_>, answer: &Answer<'_>) {
            tracing::info!(
                vendor = attempt.vendor,
                operation = attempt.operation,
                attempt = attempt.attempt,
                status = answer.status.as_u16(),
                latency_ms = answer.latency.as_millis() as u64,
                "answered"
            );
        }
    }

    fn client(token: &str) -> mitra_sempoa::Result<mitra_sempoa::Client> {
        let client = mitra_sempoa::Client::builder()
            .token(token)
            .interceptor((Correlation(HeaderValue::from_static("order-4711")), Log))
            .build()?;
        Ok(client)
    }
}
