//! What an operator sees through OpenTelemetry (the SDK's in-memory
//! exporter behind tracing-opentelemetry, as a service would wire it) and
//! through the `metrics` facade: span names and attributes of a success, a
//! retried call and a failed call, one WARN for the failure, no secret and
//! no path value anywhere.

mod common;

use common::*;
use mitra_testkit::{MockResponse, MockServer};
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing_subscriber::layer::SubscriberExt;

/// A Sempoa that is busy (503) once, then answers.
async fn busy_once() -> MockServer {
    MockServer::start(|_, seen| {
        if seen == 0 {
            MockResponse::json(503, r#"{"status":"error","message":"sibuk"}"#)
        } else {
            MockResponse::json(200, fixture("akun_get_success.json"))
        }
    })
    .await
}

/// Runs `calls` with spans exported to memory; the finished spans.
async fn exported<F: std::future::Future<Output = ()>>(calls: F) -> Vec<SpanData> {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("mitra-test")));
    {
        let _guard = tracing::subscriber::set_default(subscriber);
        calls.await;
    }
    provider.force_flush().unwrap();
    exporter.get_finished_spans().unwrap()
}

fn attr<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv: &&KeyValue| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn call_spans(spans: &[SpanData]) -> Vec<&SpanData> {
    spans
        .iter()
        .filter(|s| attr(s, "mitra.operation").is_some())
        .collect()
}

fn attempts_of<'a>(spans: &'a [SpanData], call: &SpanData) -> Vec<&'a SpanData> {
    spans
        .iter()
        .filter(|s| s.name == "mitra.attempt" && s.parent_span_id == call.span_context.span_id())
        .collect()
}

/// No secret, no path value, no body in any span name or attribute.
fn assert_clean(spans: &[SpanData]) {
    for span in spans {
        let shown = format!("{} {:?}", span.name, span.attributes);
        for hidden in [TOKEN, "/akun/1100", "Kas"] {
            assert!(!shown.contains(hidden), "{hidden} in {shown}");
        }
    }
}

#[tokio::test]
async fn a_success_is_one_client_span_named_after_the_operation() {
    let server =
        MockServer::always(MockResponse::json(200, fixture("akun_get_success.json"))).await;
    let client = client(&server);
    let spans = exported(async {
        client.get_akun("1100").await.unwrap();
    })
    .await;
    let calls = call_spans(&spans);
    assert_eq!(calls.len(), 1, "{spans:#?}");
    let call = calls[0];
    assert_eq!(call.name, "GET /akun/{kode}");
    assert_eq!(call.span_kind, SpanKind::Client);
    assert_eq!(attr(call, "http.request.method"), Some(&Value::from("GET")));
    assert_eq!(
        attr(call, "url.template"),
        Some(&Value::from("/akun/{kode}"))
    );
    assert_eq!(
        attr(call, "server.address"),
        Some(&Value::from("127.0.0.1"))
    );
    let port = server
        .url()
        .rsplit(':')
        .next()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    assert_eq!(attr(call, "server.port"), Some(&Value::I64(port)));
    assert_eq!(
        attr(call, "http.response.status_code"),
        Some(&Value::I64(200))
    );
    assert_eq!(attr(call, "mitra.vendor"), Some(&Value::from("sempoa")));
    assert_eq!(attr(call, "mitra.operation"), Some(&Value::from("getAkun")));
    assert_eq!(attr(call, "error.type"), None);
    assert_eq!(attempts_of(&spans, call).len(), 1);
    assert_clean(&spans);
}

#[tokio::test]
async fn a_retried_call_has_one_attempt_span_per_attempt_and_its_resend_count() {
    let server = busy_once().await;
    let client = client(&server);
    let spans = exported(async {
        client.get_akun("1100").await.unwrap();
    })
    .await;
    let call = call_spans(&spans)[0];
    assert_eq!(
        attr(call, "http.request.resend_count"),
        Some(&Value::I64(1))
    );
    assert_eq!(
        attr(call, "http.response.status_code"),
        Some(&Value::I64(200))
    );
    let attempts = attempts_of(&spans, call);
    assert_eq!(attempts.len(), 2, "{attempts:#?}");
    let first = attempts
        .iter()
        .find(|a| attr(a, "http.request.resend_count") == Some(&Value::I64(0)))
        .unwrap();
    assert_eq!(
        attr(first, "http.response.status_code"),
        Some(&Value::I64(503))
    );
    assert_eq!(attr(first, "error.type"), Some(&Value::from("vendor")));
    assert_clean(&spans);
}

#[tokio::test]
async fn a_failed_call_is_an_error_span_and_one_warn_without_secrets() {
    let server = MockServer::always(MockResponse::json(
        503,
        r#"{"status":"error","message":"sibuk"}"#,
    ))
    .await;
    let client = client(&server);
    let spans = exported(async {
        client.get_akun("1100").await.unwrap_err();
    })
    .await;
    let call = call_spans(&spans)[0];
    assert!(
        matches!(call.status, Status::Error { .. }),
        "{:?}",
        call.status
    );
    assert_eq!(attr(call, "error.type"), Some(&Value::from("vendor")));
    assert_eq!(
        attr(call, "http.response.status_code"),
        Some(&Value::I64(503))
    );
    assert_eq!(
        attempts_of(&spans, call).len(),
        3,
        "{:#?}",
        attempts_of(&spans, call)
    );
    assert_eq!(
        attr(call, "http.request.resend_count"),
        Some(&Value::I64(2))
    );
    assert_clean(&spans);

    // The same failure in a log at WARN: one event, with what on-call needs.
    let (guard, captured) = mitra_testkit::capture_tracing();
    client.get_akun("1100").await.unwrap_err();
    drop(guard);
    let text = captured.text();
    let warns: Vec<&str> = text.lines().filter(|l| l.contains(" WARN ")).collect();
    assert_eq!(warns.len(), 1, "{text}");
    for needed in [
        "call failed",
        "error.type=\"vendor\"",
        "mitra.vendor=\"sempoa\"",
        "mitra.operation=\"getAkun\"",
        "attempts=3",
        "sibuk",
    ] {
        assert!(warns[0].contains(needed), "{needed} missing: {}", warns[0]);
    }
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!text.contains("/akun/1100"), "{text}");
}

#[tokio::test]
async fn metrics_name_the_duration_retries_and_failures() {
    let recorder = metrics_util::debugging::DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let server = busy_once().await;
    let client = client(&server);
    {
        let _guard = metrics::set_default_local_recorder(&recorder);
        client.get_akun("1100").await.unwrap();
    }
    let snapshot = snapshotter.snapshot().into_vec();
    let names: Vec<String> = snapshot
        .iter()
        .map(|(key, _, _, _)| key.key().name().to_owned())
        .collect();
    let durations: Vec<_> = snapshot
        .iter()
        .filter(|(key, _, _, _)| key.key().name() == "http.client.request.duration")
        .collect();
    assert_eq!(durations.len(), 2, "one series per status: {names:?}");
    let (key, unit, _, _) = durations[0];
    let labels: Vec<String> = key
        .key()
        .labels()
        .map(|l| format!("{}={}", l.key(), l.value()))
        .collect();
    for needed in [
        "http.request.method=GET",
        "url.template=/akun/{kode}",
        "server.address=127.0.0.1",
        "mitra.vendor=sempoa",
        "mitra.operation=getAkun",
    ] {
        assert!(
            labels.iter().any(|l| l == needed),
            "{needed} not in {labels:?}"
        );
    }
    let _ = unit;
    assert!(
        names.iter().any(|n| n == "mitra.client.retries"),
        "{names:?}"
    );
}

/// A tolerated difference from the spec is reported to the operator: one
/// INFO event with the place and the kinds (never the value), and the
/// counter `mitra.decode.tolerated`, once per place however many answers.
#[tokio::test]
async fn an_answer_that_drifts_is_reported_once_with_its_place_and_counted() {
    let server = MockServer::always(MockResponse::json(
        200,
        r#"{"status":200,"message":"Success","data":{"kode":31001,"akun":"Laba Berjalan","tipe":"Modal","level":"1","balance":"Credit","akun_induk":"Equity"}}"#,
    ))
    .await;
    let client = client(&server);
    let recorder = metrics_util::debugging::DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let (guard, logs) = mitra_testkit::capture_tracing();
    {
        let _metrics = metrics::set_default_local_recorder(&recorder);
        for _ in 0..3 {
            let account = client.get_akun("31001").await.unwrap();
            assert_eq!(account.code, "31001");
        }
    }
    drop(guard);
    let logs = logs.text();
    let events: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("answer differs from the spec"))
        .collect();
    assert_eq!(events.len(), 2, "once per place: {logs}");
    assert!(
        events.iter().any(|l| l.contains("INFO")
            && l.contains("pointer=/data/kode")
            && l.contains("expected=\"a string\"")
            && l.contains("found=\"an integer\"")),
        "{logs}"
    );
    assert!(
        events.iter().any(|l| l.contains("pointer=/data/level")),
        "{logs}"
    );
    assert!(
        !events.iter().any(|l| l.contains("31001")),
        "no value: {logs}"
    );
    let tolerated: u64 = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .filter(|(key, _, _, _)| key.key().name() == "mitra.decode.tolerated")
        .map(|(_, _, _, value)| match value {
            metrics_util::debugging::DebugValue::Counter(n) => n,
            _ => 0,
        })
        .sum();
    assert_eq!(tolerated, 2, "one count per place reported");
}
