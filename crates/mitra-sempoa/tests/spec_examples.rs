//! Every example in `specs/sempoa.yaml` and every fixture decodes with the
//! generated types, or is turned into the right error.

mod common;

use common::*;
use mitra_core::Error;
use mitra_sempoa::types;
use mitra_testkit::{MockResponse, MockServer};
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/sempoa.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .trim_start_matches("#/")
            .split('/')
            .fold(spec, |n, p| &n[p]),
        None => node,
    }
}

fn examples(media: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = media.get("example").cloned().into_iter().collect();
    if let Some(map) = media.get("examples").and_then(Value::as_object) {
        out.extend(map.values().map(|e| e["value"].clone()));
    }
    out
}

/// Decodes an example with the type of the schema its media names.
fn decode_as(media: &Value, example: Value) -> Result<(), serde_json::Error> {
    mitra_testkit::decode_example(media, &example, mitra_sempoa::fuzzing::decode_schema)
}

#[test]
fn every_embedded_example_decodes() {
    let spec = spec();
    let (mut requests, mut successes, mut errors) = (0, 0, 0);
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap();
            if let Some(content) = op["requestBody"]["content"].as_object() {
                for media in content.values() {
                    for ex in examples(media) {
                        decode_as(media, ex.clone()).unwrap_or_else(|e| panic!("{id}: {e}"));
                        if id == "createJurnal" {
                            // Each journal example is the format it claims to be.
                            let req: types::JurnalRequest = serde_json::from_value(ex).unwrap();
                            assert!(matches!(
                                req,
                                types::JurnalRequest::Arrays(_) | types::JurnalRequest::Lines(_)
                            ));
                            requests += 1;
                        }
                    }
                }
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = resolve(&spec, response);
                for media in response["content"].as_object().unwrap().values() {
                    for ex in examples(media) {
                        if status.starts_with('2') {
                            decode_as(media, ex).unwrap_or_else(|e| panic!("{id} {status}: {e}"));
                            successes += 1;
                        } else {
                            let err: types::ErrorEnvelope = serde_json::from_value(ex).unwrap();
                            assert_eq!(
                                err.status.to_string(),
                                *status,
                                "{id}: body status repeats HTTP status"
                            );
                            errors += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(requests, 2, "both request formats are embedded");
    assert!(successes >= 6, "{successes}");
    assert!(errors >= 8, "{errors}");
}

#[test]
fn both_create_responses_decode_to_the_right_shape() {
    let current: types::JurnalCreatedEnvelope =
        serde_json::from_str(&fixture("jurnal_create_success.json")).unwrap();
    assert!(matches!(current.data, types::JurnalCreated::Jurnal(_)));
    let legacy: types::JurnalCreatedEnvelope =
        serde_json::from_str(&fixture("jurnal_create_success_legacy_2023-06-12.json")).unwrap();
    assert!(matches!(
        legacy.data,
        types::JurnalCreated::LegacyJurnalCreated(_)
    ));
}

/// Serves `body` with `status` for every request and returns what the
/// client made of it.
async fn through_client<T>(
    status: u16,
    body: String,
    call: impl AsyncFnOnce(&mitra_sempoa::Client) -> mitra_core::Result<T>,
) -> mitra_core::Result<T> {
    let server = MockServer::always(MockResponse::json(status, body)).await;
    call(&client(&server)).await
}

#[tokio::test]
async fn every_fixture_is_handled() {
    through_client(200, fixture("check_success.json"), async |c| {
        c.check_token().await
    })
    .await
    .unwrap();
    through_client(200, fixture("generic_success.json"), async |c| {
        c.check_token().await
    })
    .await
    .unwrap();
    for (status, name) in [
        (401, "check_unauthorized_401.json"),
        (400, "generic_error_not_authorized_status400.json"),
    ] {
        let err = through_client(status, fixture(name), async |c| c.check_token().await)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unauthorized { .. }), "{name}: {err:?}");
    }
    let accounts = through_client(200, fixture("akun_list_success.json"), async |c| {
        c.list_akun(Some(10), Some(1)).await
    })
    .await
    .unwrap();
    assert_eq!(accounts.len(), 2);
    assert_eq!(
        (accounts[0].code.as_str(), accounts[0].name.as_str()),
        ("10000", "Asset")
    );
    assert_eq!(accounts[0].parent_name, None, "\"-\" means no parent");
    assert_eq!(accounts[1].parent_name.as_deref(), Some("Equity"));
    let account = through_client(200, fixture("akun_get_success.json"), async |c| {
        c.get_akun("10000").await
    })
    .await
    .unwrap();
    assert_eq!(account.name, "Aktiva");
    let journals = through_client(200, fixture("jurnal_list_success.json"), async |c| {
        c.list_jurnal(Some(10), Some(1)).await
    })
    .await
    .unwrap();
    assert_eq!(journals.len(), 2);
    assert_eq!(
        journals[0].date.to_string(),
        "2023-12-30",
        "DD-MM-YYYY read as a date"
    );
    assert_eq!(journals[0].lines[2].account_name, "BANK BCA");
    assert_eq!(journals[0].lines[2].credit, 90_000);
    let posted = through_client(200, fixture("jurnal_create_success.json"), async |c| {
        c.create_jurnal(&pembelian_ruko()).await
    })
    .await
    .unwrap();
    assert_eq!(
        posted.id.as_deref(),
        Some("997474e9-17de-4e93-9ec1-c960507c3556")
    );
    assert_eq!(posted.total, Some(90_000));
    let legacy = through_client(
        200,
        fixture("jurnal_create_success_legacy_2023-06-12.json"),
        async |c| c.create_jurnal(&pembelian_ruko()).await,
    )
    .await
    .unwrap();
    assert_eq!(
        legacy.id.as_deref(),
        Some("9963cfa0-4ee0-4c4b-8de9-cc4855efa538")
    );
    assert_eq!(legacy.reference.as_deref(), Some("003"));
    let dup = through_client(
        400,
        fixture("jurnal_create_duplicate_reference_400.json"),
        async |c| c.create_jurnal(&pembelian_ruko()).await,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            dup,
            Error::Conflict {
                status: Some(400),
                ..
            }
        ),
        "{dup:?}"
    );
}
