//! The interceptor: runs once per attempt (a retried call runs it twice),
//! its headers arrive on the wire, it is told each answer's status and
//! latency, and it is given nothing of the request to read (an empty map,
//! before the credentials are set, which win a clash).

mod common;

use std::sync::{Arc, Mutex};

use common::{READ, call, fast_retries};
use mitra_core::SecretString;
use mitra_core::auth::Auth;
use mitra_core::intercept::{Answer, AttemptInfo, Interceptor};
use mitra_core::plumbing::Runtime;
use mitra_testkit::{MockResponse, MockServer};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

/// Adds `x-correlation-id` (and tries to replace `Authorization`), and
/// records what it was told.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

impl Interceptor for Recorder {
    fn before_send(&self, attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
        self.seen.lock().unwrap().push(format!(
            "before {} {} {} #{} given {} headers",
            attempt.vendor,
            attempt.operation,
            attempt.method,
            attempt.attempt,
            headers.len()
        ));
        headers.insert(
            HeaderName::from_static("x-correlation-id"),
            HeaderValue::from_str(&format!("corr-{}", attempt.attempt)).unwrap(),
        );
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer forged"));
        // The framing and the destination are not its to set (dropped).
        headers.insert("host", HeaderValue::from_static("elsewhere.example"));
        headers.insert("content-length", HeaderValue::from_static("999"));
    }

    fn after_response(&self, attempt: &AttemptInfo<'_>, answer: &Answer<'_>) {
        assert!(answer.latency.as_nanos() > 0);
        self.seen.lock().unwrap().push(format!(
            "after {} #{} {} retry-after={:?}",
            attempt.method,
            attempt.attempt,
            answer.status.as_u16(),
            answer.headers.get("retry-after")
        ));
    }
}

#[tokio::test]
async fn it_runs_once_per_attempt_and_its_header_arrives_on_the_wire() {
    let server = MockServer::start(|_, i| match i {
        0 => MockResponse::json(503, "{}").header("retry-after", "0"),
        _ => MockResponse::json(200, r#"{"ok":true}"#),
    })
    .await;
    let recorder = Arc::new(Recorder::default());
    let runtime = Runtime::builder("test")
        .retry(fast_retries())
        .auth(Auth::bearer(&SecretString::from("real-token")).unwrap())
        .interceptor(recorder.clone())
        .build();
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    let value = call(&runtime, &http, &format!("{}/thing", server.url()), &READ)
        .await
        .unwrap();
    assert_eq!(value["ok"], true);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(
            request.header("x-correlation-id"),
            Some(format!("corr-{}", i + 1).as_str())
        );
        // The credentials are set after the interceptor's headers, and win.
        assert_eq!(request.header("authorization"), Some("Bearer real-token"));
        assert_ne!(request.header("host"), Some("elsewhere.example"));
        assert_ne!(request.header("content-length"), Some("999"));
    }
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "before test getThing GET #1 given 0 headers",
            "after GET #1 503 retry-after=Some(\"0\")",
            "before test getThing GET #2 given 0 headers",
            "after GET #2 200 retry-after=None",
        ]
    );
}

#[tokio::test]
async fn without_an_interceptor_nothing_is_added() {
    let server = MockServer::always(MockResponse::json(200, r#"{"ok":true}"#)).await;
    let runtime = Runtime::builder("test").build();
    let http = mitra_core::build_http_client(&mitra_core::HttpConfig::default()).unwrap();
    call(&runtime, &http, &format!("{}/thing", server.url()), &READ)
        .await
        .unwrap();
    assert_eq!(server.requests()[0].header("x-correlation-id"), None);
}
