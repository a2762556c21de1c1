//! Posting journals safely: the wire formats byte for byte, every validation
//! rule with nothing sent, no retry once a post may have reached Sempoa, and
//! the duplicate-reference error.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use mitra_core::Error;
use mitra_sempoa::{Journal, JournalFormat, JournalLine};
use mitra_testkit::{MockResponse, MockServer};

fn posted() -> MockResponse {
    MockResponse::json(200, fixture("jurnal_create_success.json"))
}

#[tokio::test]
async fn the_partner_example_in_both_wire_formats() {
    for (name, format) in [
        ("jurnal_parallel_arrays", JournalFormat::ParallelArrays),
        ("jurnal_transaksi", JournalFormat::Transaksi),
    ] {
        let server = MockServer::always(posted()).await;
        let client = builder(&server).journal_format(format).build().unwrap();
        client.create_jurnal(&pembelian_ruko()).await.unwrap();
        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        // Byte for byte: the body exactly as sent.
        insta::assert_snapshot!(format!("{name}_body"), request.body);
        insta::assert_snapshot!(name, request.render(&["authorization"]));
        assert_eq!(
            request.header("authorization"),
            Some(&*format!("Bearer {TOKEN}"))
        );
    }
}

#[tokio::test]
async fn the_default_format_is_the_partner_documents() {
    let server = MockServer::always(posted()).await;
    client(&server)
        .create_jurnal(&pembelian_ruko())
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&server.requests()[0].body).unwrap();
    assert_eq!(body["akun"], serde_json::json!(["1000", "1001", "1002"]));
    assert_eq!(body["debit"], serde_json::json!(["15000", "75000", "0"]));
    assert_eq!(body["kredit"], serde_json::json!(["0", "0", "90000"]));
}

#[tokio::test]
async fn every_validation_rule_rejects_with_nothing_sent() {
    let server = MockServer::always(posted()).await;
    let client = client(&server);
    let base = || Journal::new("2023-12-30", "REF-1", "Deskripsi");
    let cases: Vec<(&str, &str, Journal)> = vec![
        (
            "at least two lines",
            "lines",
            base().line(JournalLine::debit("1000", 1)),
        ),
        ("no lines", "lines", base()),
        (
            "debit and credit on one line",
            "lines",
            base()
                .line(JournalLine {
                    account_code: "1000".into(),
                    debit: 5,
                    credit: 5,
                })
                .line(JournalLine::credit("1002", 0)),
        ),
        (
            "neither debit nor credit",
            "lines",
            base()
                .line(JournalLine::debit("1000", 0))
                .line(JournalLine::credit("1002", 0)),
        ),
        (
            "unbalanced",
            "lines",
            base()
                .line(JournalLine::debit("1000", 15_000))
                .line(JournalLine::credit("1002", 14_999)),
        ),
        (
            "amount beyond Sempoa's integers",
            "lines",
            base()
                .line(JournalLine::debit("1000", u64::MAX))
                .line(JournalLine::credit("1002", u64::MAX)),
        ),
        (
            "sum overflows",
            "lines",
            base()
                .line(JournalLine::debit("1000", i64::MAX as u64))
                .line(JournalLine::debit("1001", 1))
                .line(JournalLine::credit("1002", 1)),
        ),
        (
            "missing account code",
            "akun",
            base()
                .line(JournalLine::debit(" ", 1))
                .line(JournalLine::credit("1002", 1)),
        ),
        (
            "not a calendar date",
            "tanggal",
            Journal::new("2023-02-30", "REF-1", "D")
                .line(JournalLine::debit("1000", 1))
                .line(JournalLine::credit("1002", 1)),
        ),
        (
            "not YYYY-MM-DD",
            "tanggal",
            Journal::new("30-12-2023", "REF-1", "D")
                .line(JournalLine::debit("1000", 1))
                .line(JournalLine::credit("1002", 1)),
        ),
        (
            "unpadded date",
            "tanggal",
            Journal::new("2023-1-5", "REF-1", "D")
                .line(JournalLine::debit("1000", 1))
                .line(JournalLine::credit("1002", 1)),
        ),
        (
            "empty referensi",
            "referensi",
            Journal::new("2023-12-30", " ", "D")
                .line(JournalLine::debit("1000", 1))
                .line(JournalLine::credit("1002", 1)),
        ),
        (
            "empty deskripsi",
            "deskripsi",
            Journal::new("2023-12-30", "REF-1", "")
                .line(JournalLine::debit("1000", 1))
                .line(JournalLine::credit("1002", 1)),
        ),
    ];
    for format in [JournalFormat::ParallelArrays, JournalFormat::Transaksi] {
        let client = builder(&server).journal_format(format).build().unwrap();
        for (rule, field, journal) in &cases {
            match client.create_jurnal(journal).await {
                Err(Error::Validation { field: f, message }) => {
                    assert_eq!(f, *field, "{rule}: {message}");
                    assert!(!message.is_empty());
                }
                other => panic!("{rule}: expected a validation error, got {other:?}"),
            }
        }
    }
    assert_eq!(server.requests().len(), 0, "no journal was sent");
    // And the valid journal does go out.
    client.create_jurnal(&pembelian_ruko()).await.unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_duplicate_reference_is_a_conflict_and_is_not_retried() {
    let server = MockServer::always(MockResponse::json(
        400,
        fixture("jurnal_create_duplicate_reference_400.json"),
    ))
    .await;
    let err = client(&server)
        .create_jurnal(&pembelian_ruko())
        .await
        .unwrap_err();
    match &err {
        Error::Conflict {
            status: Some(400),
            message,
            ..
        } => assert_eq!(message, "Nomor referensi sudah ada"),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_post_that_may_have_arrived_is_never_retried() {
    for reply in [
        MockResponse::with_type(503, "text/html", "<html><title>503</title></html>"),
        MockResponse::json(429, r#"{"status":429,"message":"Too Many Attempts."}"#)
            .header("retry-after", "0"),
        MockResponse::json(502, "{}"),
    ] {
        let server = MockServer::always(reply).await;
        let err = client(&server)
            .create_jurnal(&pembelian_ruko())
            .await
            .unwrap_err();
        assert!(err.is_retryable(), "{err:?}");
        assert_eq!(server.requests().len(), 1, "one post only: {err:?}");
    }
    // A read is retried on the same errors.
    let server = MockServer::always(MockResponse::json(502, "{}")).await;
    client(&server)
        .list_jurnal(Some(10), Some(1))
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_post_whose_connection_was_refused_is_retried() {
    // Nothing listens at first: the post certainly never arrived, so the
    // client may try again; by the retry, Sempoa is up and takes it.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let up_later = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // Headers, then the body its Content-Length announces.
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request).to_lowercase();
            if let Some(end) = text.find("\r\n\r\n") {
                let length: usize = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                if request.len() >= end + 4 + length {
                    break;
                }
            }
        }
        let body = fixture("jurnal_create_success.json");
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(response.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    let client = mitra_sempoa::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .token("t")
        .retry_policy(
            mitra_core::RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(std::time::Duration::from_millis(400))
                .max_backoff(std::time::Duration::from_millis(800)),
        )
        .build()
        .unwrap();
    let posted = client.create_jurnal(&pembelian_ruko()).await.unwrap();
    assert!(posted.id.is_some());
    let request = up_later.await.unwrap();
    assert!(request.starts_with("POST /jurnal"), "{request}");
}

#[tokio::test]
async fn a_timed_out_post_is_not_retried_and_a_repost_reports_conflict() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let server = MockServer::start(move |_, _| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            posted().delayed(std::time::Duration::from_secs(2))
        } else {
            MockResponse::json(400, fixture("jurnal_create_duplicate_reference_400.json"))
        }
    })
    .await;
    let client = builder(&server)
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let journal = pembelian_ruko();
    let first = client.create_jurnal(&journal).await.unwrap_err();
    assert!(matches!(first, Error::Timeout { .. }), "{first:?}");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "not retried after the timeout"
    );
    let again = client.create_jurnal(&journal).await.unwrap_err();
    assert!(
        matches!(again, Error::Conflict { .. }),
        "already posted: {again:?}"
    );
}

#[tokio::test]
async fn an_unknown_account_is_an_invalid_value_naming_the_field_and_the_code() {
    // The spec's `x-mitra-errors` says what this message means: no matching
    // of Indonesian text in the caller's code.
    let server = MockServer::always(MockResponse::json(
        400,
        r#"{"status":400,"message":"Akun 7777 tidak ditemukan."}"#,
    ))
    .await;
    let journal = Journal::new("2023-12-30", "PB/2023/VI/0002", "Akun salah")
        .line(JournalLine::debit("7777", 10_000))
        .line(JournalLine::credit("1002", 10_000));
    let err = client(&server).create_jurnal(&journal).await.unwrap_err();
    assert_eq!(
        err,
        Error::InvalidValue {
            request_id: None,
            status: Some(400),
            field: "transaksi[].akun".into(),
            value: Some("7777".into()),
            message: "Akun 7777 tidak ditemukan.".into(),
        }
    );
    assert_eq!(err.kind(), "invalid_value");
    assert_eq!(
        err.to_string(),
        r#"invalid transaksi[].akun "7777" (HTTP 400): Akun 7777 tidak ditemukan."#
    );
}
