//! The PAFI client as users rely on it: the token with scope, the lookup,
//! PAFI's error table and validation.

mod common;

use common::*;
use mitra_core::Error;
use mitra_pafi::{Client, Gender, Nik};
use mitra_testkit::{MockResponse, MockServer};
use serde_json::Value;

#[test]
fn every_embedded_example_decodes() {
    let spec = spec();
    let mut count = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for op in item.as_object().unwrap().values() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = match response.get("$ref").and_then(Value::as_str) {
                    Some(r) => &spec["components"]["responses"][r.rsplit('/').next().unwrap()],
                    None => response,
                };
                let media = &response["content"]["application/json"];
                let mut bodies: Vec<Value> = media.get("example").cloned().into_iter().collect();
                bodies.extend(
                    media["examples"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(_, e)| e["value"].clone()),
                );
                for body in bodies {
                    let ok = match (path.as_str(), status.as_str()) {
                        ("/oauth/token", "200") => {
                            serde_json::from_value::<mitra_pafi::types::TokenResponse>(body).is_ok()
                        }
                        (_, "200") => {
                            serde_json::from_value::<mitra_pafi::types::KecukupanSkp>(body).is_ok()
                        }
                        (_, "422") => {
                            serde_json::from_value::<mitra_pafi::types::ValidationErrorBody>(body)
                                .is_ok()
                        }
                        _ => serde_json::from_value::<mitra_pafi::types::ErrorBody>(body).is_ok(),
                    };
                    assert!(ok, "{path} {status}");
                    count += 1;
                }
            }
        }
        if let Some(req) = item["post"]["requestBody"]["content"]["application/json"].get("example")
        {
            serde_json::from_value::<mitra_pafi::types::TokenRequest>(req.clone()).unwrap();
            count += 1;
        }
    }
    assert!(count >= 9, "{count}");
}

#[tokio::test]
async fn lookup_with_a_scoped_token_decodes_meaningful_types() {
    let server = pafi(|_, _| MockResponse::json(200, found_body())).await;
    let skp = client(&server)
        .get_kecukupan_skp_by_nik(&Nik::new(NIK).unwrap())
        .await
        .unwrap();
    assert_eq!(skp.nik.as_ref().unwrap().as_str(), NIK);
    assert_eq!(
        skp.nama_anggota.as_ref().unwrap().as_str(),
        "Dummy Data S.Farm"
    );
    assert_eq!(
        skp.tgl_lahir.as_ref().unwrap().date().unwrap().to_string(),
        "1998-02-19"
    );
    assert_eq!(skp.gender, Some(Gender::Male));
    assert_eq!(skp.total_skp, Some(52.0));
    assert_eq!(skp.pembelajaran, Some(24.0));
    let (start, end) = skp.str_period().unwrap();
    assert_eq!(
        (start.to_string(), end.to_string()),
        ("2023-03-02".into(), "2024-03-03".into())
    );
    assert!(skp.str_valid_on(chrono::NaiveDate::from_ymd_opt(2023, 12, 1).unwrap()));

    let requests = server.requests();
    let token_request: Value = serde_json::from_str(&requests[0].body).unwrap();
    assert_eq!(
        token_request,
        serde_json::json!({"grant_type": "client_credentials", "client_id": "1", "client_secret": "test-client-secret", "scope": "read-kecukupan-skp"})
    );
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(requests[1].path, SKP_PATH);
    assert_eq!(requests[1].method, "GET");
    assert_eq!(requests[1].header("authorization"), Some("Bearer jwt-1"));
    assert_eq!(requests[1].header("accept"), Some("application/json"));
}

#[tokio::test]
async fn the_scope_is_configurable() {
    let server = pafi(|_, _| MockResponse::json(200, found_body())).await;
    let client = Client::builder()
        .base_url(server.url())
        .client_id("1")
        .client_secret("s")
        .scope("read-write-kecukupan-skp")
        .build()
        .unwrap();
    client
        .get_kecukupan_skp_by_nik(&Nik::new(NIK).unwrap())
        .await
        .unwrap();
    assert!(
        server.requests()[0]
            .body
            .contains("\"scope\":\"read-write-kecukupan-skp\"")
    );
}

#[tokio::test]
async fn a_401_refreshes_once_then_surfaces() {
    let unauthenticated =
        || MockResponse::json(401, r#"{"message":"Unauthenticated.","status_code":401}"#);
    let server = pafi(move |_, n| {
        if n == 0 {
            unauthenticated()
        } else {
            MockResponse::json(200, found_body())
        }
    })
    .await;
    client(&server)
        .get_kecukupan_skp_by_nik(&Nik::new(NIK).unwrap())
        .await
        .unwrap();
    assert_eq!(server.count(TOKEN_PATH), 2);
    assert_eq!(
        server.requests().last().unwrap().header("authorization"),
        Some("Bearer jwt-2")
    );

    let server = pafi(move |_, _| unauthenticated()).await;
    let err = client(&server)
        .get_kecukupan_skp_by_nik(&Nik::new(NIK).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { status: Some(401), message, .. } if message == "Unauthenticated."),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn the_error_table() {
    // (reply, API calls made, what the error must be)
    type Case = (MockResponse, usize, fn(&Error) -> bool);
    let cases: Vec<Case> = vec![
        (
            MockResponse::json(403, r#"{"message":"Forbidden","status_code":403}"#),
            1,
            |e| matches!(e, Error::Forbidden { .. }),
        ),
        (
            MockResponse::json(404, r#"{"message":"404 Not found","status_code":404}"#),
            1,
            |e| matches!(e, Error::NotFound { .. }),
        ),
        (
            MockResponse::json(
                422,
                r#"{"message":"Validation error","errors":{"nik":["The nik must be 16 digits."]},"status_code":422}"#,
            ),
            1,
            |e| matches!(e, Error::Rejected { errors, .. } if errors == &["nik: The nik must be 16 digits."]),
        ),
        (
            MockResponse::json(
                422,
                r#"{"message":"Validation error","errors":[],"status_code":422}"#,
            ),
            1,
            |e| matches!(e, Error::Rejected { errors, .. } if errors.is_empty()),
        ),
        (
            MockResponse::json(429, r#"{"message":"Too Many Attempts.","status_code":429}"#)
                .header("retry-after", "0"),
            3,
            |e| matches!(e, Error::RateLimited { .. }),
        ),
        (
            MockResponse::json(
                503,
                r#"{"message":"Service Unavailable","status_code":503}"#,
            ),
            3,
            |e| {
                matches!(
                    e,
                    Error::Vendor {
                        status: Some(503),
                        ..
                    }
                )
            },
        ),
        (
            MockResponse::json(
                200,
                r#"{"error":true,"status_code":404,"message":"Nomor tidak ditemukan"}"#,
            ),
            1,
            |e| {
                matches!(
                    e,
                    Error::NotFound {
                        status: Some(200),
                        ..
                    }
                )
            },
        ),
    ];
    for (i, (reply, calls, expected)) in cases.into_iter().enumerate() {
        let server = pafi(move |_, _| reply.clone()).await;
        let err = client(&server)
            .get_kecukupan_skp_by_nik(&Nik::new(NIK).unwrap())
            .await
            .unwrap_err();
        assert!(expected(&err), "case {i}: {err:?}");
        assert_eq!(
            server.requests().len() - server.count(TOKEN_PATH),
            calls,
            "case {i}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_nik_that_is_not_16_digits_is_rejected_before_sending() {
    let server = pafi(|_, _| MockResponse::json(200, found_body())).await;
    let c = client(&server);
    for bad in [
        "",
        "320602120196004",
        "32060212019600461",
        "320602120196004x",
        " 3206021201960046",
        "3206/21201960046",
    ] {
        let result = match Nik::new(bad) {
            Ok(nik) => c.get_kecukupan_skp_by_nik(&nik).await,
            Err(e) => Err(e),
        };
        match result {
            Err(Error::Validation {
                field: "nik",
                message,
            }) => assert!(message.contains("16 digits")),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    assert_eq!(server.requests().len(), 0);
}

fn passport(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Laravel Passport's own answers at the token endpoint (PAFI runs on it):
/// a refused scope is forbidden and says it is the scope, not retried; a
/// bad client is unauthorized; its throttle honours `Retry-After`.
#[tokio::test]
async fn passport_token_refusals_say_what_to_fix() {
    let server = MockServer::always(MockResponse::json(
        403,
        passport("passport_403_invalid_scope.json"),
    ))
    .await;
    let err = client(&server)
        .get_kecukupan_skp_by_nik(&Nik::new(NIK).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Forbidden {
                status: Some(403),
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("scope") && text.contains("Invalid scope(s) provided."),
        "{text}"
    );
    assert_eq!(server.requests().len(), 1, "not retried, no API call");

    let server = MockServer::always(MockResponse::json(
        401,
        passport("passport_401_invalid_client.json"),
    ))
    .await;
    let err = client(&server)
        .get_kecukupan_skp_by_nik(&Nik::new(NIK).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { code: Some(c), message, .. } if c == "invalid_client" && message.ends_with("Client authentication failed")),
        "{err:?}"
    );

    // Too Many Attempts, then a token: the wait it asked for is honoured.
    let throttled = std::sync::atomic::AtomicUsize::new(0);
    let server = MockServer::start(move |req, _| {
        if req.path == TOKEN_PATH {
            if throttled.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                MockResponse::json(429, r#"{"message": "Too Many Attempts."}"#)
                    .header("Retry-After", "1")
            } else {
                token(1)
            }
        } else {
            MockResponse::json(200, found_body())
        }
    })
    .await;
    let started = std::time::Instant::now();
    client(&server)
        .get_kecukupan_skp_by_nik(&Nik::new(NIK).unwrap())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "Retry-After not honoured"
    );
    assert_eq!(server.count(TOKEN_PATH), 2);
}
