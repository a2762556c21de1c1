//! `cargo xtask semver-fixtures <DIR>`: the spec changes that
//! `scripts/semver-judge.sh` hands to cargo-semver-checks, an independent
//! judge, to compare with `cargo xtask diff`'s `rust` classification.
//!
//! Each fixture is one kind of change to Fastrac's spec. For each, the
//! command writes `<DIR>/<name>/` with the changed spec, the client and
//! mocks generated from it, and `expected` (the largest `rust` change that
//! `spec_diff` finds: `major`, `minor` or `patch`).

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::spec_diff::{Bump, compare};
use crate::vendors::VENDORS;

/// One spec change: its name and how it is made.
pub struct Fixture {
    /// The folder's name, and what it changes.
    pub name: &'static str,
    /// Changes the spec in place.
    pub apply: fn(&mut Value),
}

/// `spec` without any `example`, `examples` or `x-mitra-example`.
fn strip_examples(spec: &mut Value) {
    match spec {
        Value::Object(map) => {
            map.remove("example");
            map.remove("examples");
            map.remove("x-mitra-example");
            map.values_mut().for_each(strip_examples);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_examples),
        _ => {}
    }
}

fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    &mut spec["components"]["schemas"][name]
}

fn required(spec: &mut Value, name: &str) -> Vec<Value> {
    schema(spec, name)["required"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// At least one fixture of each kind of change `cargo xtask diff` names.
pub const FIXTURES: &[Fixture] = &[
    Fixture {
        name: "operation-added",
        apply: |s| {
            s["paths"]["/order/detail"] = json!({"get": {
                "operationId": "getOrderDetail", "summary": "One order",
                "x-mitra-source": "assumption", "x-mitra-assumption": "a fixture",
                "parameters": [{"name": "awb", "in": "query", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/TrackOrderEnvelope"}}}}}
            }});
        },
    },
    Fixture {
        name: "response-field-added-optional",
        apply: |s| {
            schema(s, "Tracking")["properties"]["estimated_delivery"] = json!({"type": "string"});
        },
    },
    Fixture {
        name: "response-field-added-required",
        apply: |s| {
            schema(s, "TrackEvent")["properties"]["code"] = json!({"type": "string"});
            schema(s, "TrackEvent")["required"] = json!(["code"]);
        },
    },
    Fixture {
        name: "response-field-removed",
        apply: |s| {
            let props = schema(s, "Tracking")["properties"].as_object_mut().unwrap();
            props.remove("service");
        },
    },
    Fixture {
        name: "response-field-renamed",
        apply: |s| {
            let props = schema(s, "Tracking")["properties"].as_object_mut().unwrap();
            let v = props.remove("shipper_name").unwrap();
            props.insert("sender_name".into(), v);
        },
    },
    Fixture {
        name: "response-field-made-required",
        apply: |s| {
            schema(s, "TrackEvent")["required"] = json!(["status"]);
        },
    },
    Fixture {
        name: "request-field-added-optional",
        apply: |s| {
            schema(s, "TrackOrderRequest")["properties"]["phone"] =
                json!({"type": "string", "x-mitra-personal": true});
        },
    },
    Fixture {
        name: "request-field-added-required",
        apply: |s| {
            schema(s, "TrackOrderRequest")["properties"]["phone"] =
                json!({"type": "string", "x-mitra-personal": true});
            let mut r = required(s, "TrackOrderRequest");
            r.push(json!("phone"));
            schema(s, "TrackOrderRequest")["required"] = Value::Array(r);
        },
    },
    Fixture {
        name: "request-field-made-required",
        apply: |s| {
            schema(s, "TariffExpressRequest")["required"] =
                json!(["origin", "destination", "items", "cod"]);
        },
    },
    Fixture {
        name: "request-field-removed",
        apply: |s| {
            let props = schema(s, "MultiItemsRequest")["properties"]
                .as_object_mut()
                .unwrap();
            let first = props.keys().next().unwrap().clone();
            props.remove(&first);
            let r = required(s, "MultiItemsRequest");
            let kept: Vec<Value> = r.into_iter().filter(|v| *v != json!(first)).collect();
            schema(s, "MultiItemsRequest")["required"] = Value::Array(kept);
        },
    },
    Fixture {
        name: "enum-value-added",
        apply: |s| {
            schema(s, "VehicleType")["enum"]
                .as_array_mut()
                .unwrap()
                .push(json!("tronton"));
        },
    },
    Fixture {
        name: "response-enum-value-added",
        apply: |s| {
            schema(s, "CourierService")["properties"]["etd_unit"]["enum"]
                .as_array_mut()
                .unwrap()
                .push(json!("weeks"));
        },
    },
    Fixture {
        name: "enum-value-removed",
        apply: |s| {
            schema(s, "VehicleType")["enum"]
                .as_array_mut()
                .unwrap()
                .retain(|v| v != "fusobox");
        },
    },
    Fixture {
        name: "response-field-retyped",
        apply: |s| {
            schema(s, "TrackEvent")["properties"]["status"] = json!({"type": "integer"});
        },
    },
    Fixture {
        name: "query-parameter-added-optional",
        apply: |s| {
            s["paths"]["/region/city"]["get"]["parameters"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "page", "in": "query", "schema": {"type": "integer"}}));
        },
    },
    Fixture {
        name: "auth-changed",
        apply: |s| {
            s["components"]["securitySchemes"]["accessKey"]["name"] = json!("x-access-key");
        },
    },
    Fixture {
        name: "path-changed",
        apply: |s| {
            let paths = s["paths"].as_object_mut().unwrap();
            let item = paths.remove("/order/track").unwrap();
            paths.insert("/v2/order/track".into(), item);
        },
    },
    Fixture {
        name: "operation-removed",
        apply: |s| {
            s["paths"]
                .as_object_mut()
                .unwrap()
                .remove("/region/province");
        },
    },
];

/// Writes every fixture under `out`, and returns (name, expected) pairs.
pub fn write(root: &Path, out: &Path) -> Result<Vec<(&'static str, Bump)>> {
    let vendor = VENDORS
        .iter()
        .find(|v| v.name == "fastrac")
        .context("no fastrac in the registry")?;
    let spec_rel = "specs/fastrac.yaml";
    let text = std::fs::read_to_string(root.join(spec_rel)).context("reading the spec")?;
    let base: Value = serde_yaml::from_str(&text).context("parsing the spec")?;
    let replaced: Vec<&str> = vendor.replacements.iter().map(|(s, _)| *s).collect();
    let mut expected = Vec::new();
    for fixture in FIXTURES {
        let mut spec = base.clone();
        (fixture.apply)(&mut spec);
        let changes = compare(&base, &spec, &replaced);
        if changes.is_empty() {
            bail!("fixture {} changes nothing", fixture.name);
        }
        let bump = changes.iter().map(|c| c.rust).max().unwrap_or(Bump::Patch);
        let changed = serde_yaml::to_string(&spec)?;
        // Examples left behind by a fixture's change would be refused by
        // generation (rightly, for a real change); they shape no Rust API,
        // so the fixture's code is made from the spec without them.
        let mut bare = spec.clone();
        strip_examples(&mut bare);
        let (code, mock) =
            crate::generate::code_and_mock(root, vendor, spec_rel, &serde_yaml::to_string(&bare)?)
                .with_context(|| format!("generating fixture {}", fixture.name))?;
        let dir = out.join(fixture.name);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("fastrac.yaml"), changed)?;
        std::fs::write(dir.join("generated.rs"), code)?;
        std::fs::write(dir.join("mock.rs"), mock)?;
        std::fs::write(dir.join("expected"), format!("{bump}\n"))?;
        expected.push((fixture.name, bump));
    }
    Ok(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixture_changes_something_and_the_kinds_are_covered() {
        let root = crate::workspace_root();
        let text = std::fs::read_to_string(root.join("specs/fastrac.yaml")).unwrap();
        let base: Value = serde_yaml::from_str(&text).unwrap();
        let mut bumps = Vec::new();
        for f in FIXTURES {
            let mut spec = base.clone();
            (f.apply)(&mut spec);
            let changes = compare(&base, &spec, &["Flag"]);
            assert!(!changes.is_empty(), "{}", f.name);
            bumps.push(changes.iter().map(|c| c.rust).max().unwrap());
        }
        assert!(FIXTURES.len() >= 12);
        for bump in [Bump::Major, Bump::Minor, Bump::Patch] {
            assert!(bumps.contains(&bump), "no fixture is {bump}");
        }
    }
}
