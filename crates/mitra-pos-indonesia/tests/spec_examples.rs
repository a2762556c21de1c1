//! Every example embedded in `specs/pos-indonesia.yaml` decodes with the
//! generated types (requests and successes) or is recognised as the gateway
//! fault it shows (errors).

use mitra_pos_indonesia::types;
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../specs/pos-indonesia.yaml"
    );
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Follows a local `$ref`.
fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .trim_start_matches("#/")
            .split('/')
            .fold(spec, |n, part| &n[part]),
        None => node,
    }
}

/// `(name, value)` of every example of a media type object.
fn examples(media: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(v) = media.get("example") {
        out.push(("example".to_owned(), v.clone()));
    }
    if let Some(map) = media.get("examples").and_then(Value::as_object) {
        for (name, ex) in map {
            out.push((name.clone(), ex["value"].clone()));
        }
    }
    out
}

/// Decodes an example with the type of the schema its media names.
fn decode_as(media: &Value, example: Value) -> Result<(), serde_json::Error> {
    mitra_testkit::decode_example(media, &example, mitra_pos_indonesia::fuzzing::decode_schema)
}

#[test]
fn every_embedded_example_decodes() {
    let spec = spec();
    let (mut requests, mut successes, mut faults, mut oauth_errors) = (0, 0, 0, 0);
    for (_path, item) in spec["paths"].as_object().unwrap() {
        for (_method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let body = resolve(&spec, &op["requestBody"]);
            for media in body["content"].as_object().unwrap().values() {
                for (name, ex) in examples(media) {
                    decode_as(media, ex).unwrap_or_else(|e| panic!("{id} request {name}: {e}"));
                    requests += 1;
                }
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = resolve(&spec, response);
                for (media_type, media) in response["content"].as_object().unwrap() {
                    for (name, ex) in examples(media) {
                        let ctx = format!("{id} {status} {media_type} {name}");
                        if status.starts_with('2') {
                            decode_as(media, ex).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                            successes += 1;
                        } else if id == "issueToken" {
                            let err: types::OAuthError =
                                serde_json::from_value(ex).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                            assert!(!err.error.is_empty(), "{ctx}");
                            oauth_errors += 1;
                        } else {
                            let bytes = match ex {
                                Value::String(xml) => xml.into_bytes(),
                                json => serde_json::to_vec(&json).unwrap(),
                            };
                            let fault = mitra_pos_indonesia::parse_gateway_fault(&bytes)
                                .unwrap_or_else(|| panic!("{ctx}: not read as a gateway fault"));
                            assert!(fault.code.starts_with("9009"), "{ctx}: {fault:?}");
                            faults += 1;
                        }
                    }
                }
            }
        }
    }
    // The walk must have found the examples, or this test proves nothing.
    assert!(requests >= 9, "request examples found: {requests}");
    assert!(successes >= 14, "success examples found: {successes}");
    assert!(
        oauth_errors >= 3,
        "token error examples found: {oauth_errors}"
    );
    assert!(faults >= 7 * 7, "gateway fault examples found: {faults}");
}
