//! Per-call options (`with_options`) reach the wire and the retry loop, and
//! the answer (`with_response`) and every vendor error carry what a support
//! desk asks for: the vendor's request id. README's "Options for one call,
//! and the answer with its value" runs here against a stand-in Sempoa.

mod common;

use std::time::Duration;

use mitra_sempoa::{CallOptions, Error};
use mitra_testkit::{MockResponse, MockServer};

const REQUEST_ID: &str = "3f2c9a1e-77b0-4c1e-9d3a-2b1f0e6c5a4d";

fn account() -> MockResponse {
    MockResponse::json(200, common::fixture("akun_get_success.json"))
}

#[tokio::test]
async fn a_per_call_timeout_fires_before_the_clients_and_the_client_keeps_its_own() {
    // The client waits 5 s; the answer takes 1 s.
    let server = MockServer::always(account().delayed(Duration::from_millis(1000))).await;
    let client = common::client(&server);
    let hasty = client.with_options(
        CallOptions::new()
            .timeout(Duration::from_millis(100))
            .attempts(1),
    );
    let err = hasty.get_akun("10000").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.count("/akun/10000"), 1, "attempts(1): not retried");
    // The client itself is unchanged by its view.
    client.get_akun("10000").await.unwrap();
}

#[tokio::test]
async fn attempts_bounds_the_retries_of_one_view_only() {
    let server = MockServer::always(MockResponse::json(
        503,
        r#"{"status":503,"message":"Service Unavailable"}"#,
    ))
    .await;
    let client = common::client(&server);
    client
        .with_options(CallOptions::new().attempts(1))
        .get_akun("10000")
        .await
        .unwrap_err();
    assert_eq!(server.count("/akun/10000"), 1);
    client.get_akun("10000").await.unwrap_err();
    assert!(
        server.count("/akun/10000") > 2,
        "the client's own policy retries: {}",
        server.count("/akun/10000")
    );
}

#[tokio::test]
async fn extra_headers_and_query_fields_are_on_the_wire_of_every_attempt() {
    let server = MockServer::start(|_, n| {
        if n == 0 {
            MockResponse::json(502, "{}")
        } else {
            account()
        }
    })
    .await;
    let client = common::client(&server).with_options(
        CallOptions::new()
            .header("x-correlation-id", "order-4711")
            .query("lang", "id"),
    );
    client.get_akun("10000").await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert_eq!(request.header("x-correlation-id"), Some("order-4711"));
        assert_eq!(request.query.as_deref(), Some("lang=id"));
        // The client's credential is still its own.
        assert_eq!(
            request.header("authorization"),
            Some(&*format!("Bearer {}", common::TOKEN))
        );
    }
}

#[tokio::test]
async fn credentials_or_a_known_field_as_an_option_are_refused_before_anything_is_sent() {
    let server = MockServer::always(account()).await;
    let client = common::client(&server);
    let err = client
        .with_options(CallOptions::new().header("Authorization", "Bearer someone-else"))
        .get_akun("10000")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field: "header", message } if message.contains("credentials")),
        "{err:?}"
    );
    let err = client
        .with_options(CallOptions::new().query("page", "2"))
        .list_akun(None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field: "query", .. }),
        "{err:?}"
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn the_answer_comes_with_its_status_headers_request_id_and_attempts() {
    let server = MockServer::start(|_, n| {
        if n == 0 {
            MockResponse::json(503, "{}")
        } else {
            account()
                .header("x-request-id", REQUEST_ID)
                .header("set-cookie", "session=abc123secret")
        }
    })
    .await;
    let client = common::client(&server);
    let answer = client
        .with_response(async |c| c.get_akun("10000").await)
        .await
        .unwrap();
    assert_eq!(answer.value().code, "10000");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.request_id(), Some(REQUEST_ID));
    assert_eq!(answer.attempts(), 2);
    assert!(answer.elapsed() > Duration::ZERO);
    assert_eq!(
        answer.headers()["set-cookie"].to_str().unwrap(),
        "session=abc123secret",
        "the headers as they came"
    );
    let shown = format!("{answer:?}");
    assert!(shown.contains(REQUEST_ID), "{shown}");
    assert!(!shown.contains("abc123secret"), "Debug redacts: {shown}");
    // Options and the answer together.
    let answer = client
        .with_options(CallOptions::new().attempts(2))
        .with_response(async |c| c.get_akun("10000").await)
        .await
        .unwrap();
    assert_eq!(answer.attempts(), 1);
}

#[tokio::test]
async fn every_error_from_the_vendor_carries_its_request_id() {
    // An error status, and Sempoa's refusal inside an HTTP 200 (its body
    // does not decode as the answer: the envelope says 400).
    for (status, id_header) in [(400, "x-request-id"), (200, "activityid")] {
        let server = MockServer::always(
            MockResponse::json(
                status,
                common::fixture("generic_error_not_authorized_status400.json"),
            )
            .header(id_header, REQUEST_ID),
        )
        .await;
        let err = common::client(&server).get_akun("10000").await.unwrap_err();
        assert_eq!(err.request_id(), Some(REQUEST_ID), "{status}: {err:?}");
        assert!(
            err.to_string()
                .ends_with(&format!("[request id {REQUEST_ID}]")),
            "{err}"
        );
    }
    // A body that is no answer at all, with an id.
    let server = MockServer::always(
        MockResponse::json(200, r#"{"status":200,"data":{"kode":[]}}"#)
            .header("x-request-id", REQUEST_ID),
    )
    .await;
    let err = common::client(&server).get_akun("10000").await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.request_id(), Some(REQUEST_ID));
}

/// README's "Options for one call, and the answer with its value", run.
#[tokio::test]
async fn readme_call_options() -> mitra_sempoa::Result<()> {
    let server = MockServer::always(account().header("x-request-id", REQUEST_ID)).await;
    let client = common::client(&server);
    // --- README
    use mitra_sempoa::CallOptions;
    use std::time::Duration;

    // One slow report: a minute for each attempt, no retry, a correlation header.
    let patient = client.with_options(
        CallOptions::new()
            .timeout(Duration::from_secs(60))
            .attempts(1)
            .header("x-correlation-id", "order-4711"),
    );
    let answer = patient
        .with_response(async |c| c.get_akun("10000").await)
        .await?;
    println!(
        "{} in {:?} ({} attempts), request id {:?}",
        answer.status(),
        answer.elapsed(),
        answer.attempts(),
        answer.request_id()
    );
    let account = answer.into_value();
    // --- end
    assert_eq!(account.code, "10000");
    Ok(())
}
