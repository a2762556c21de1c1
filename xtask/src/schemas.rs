//! Proof that a spec's schemas agree with the vendor's own JSON Schemas.
//!
//! The vendor's schema is the contract; the spec may refine it (narrow
//! `number` to `integer`, add a format, a pattern, an enum or a named type)
//! but must have the same properties, the same required ones, and the same
//! type for each.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::inputs::resolve;

/// Checks every `(vendor schema file, component)` pair; the error lists every
/// disagreement.
pub fn check(root: &Path, spec: &Value, pairs: &[(&str, &str)]) -> Result<()> {
    let mut problems = Vec::new();
    for (file, component) in pairs {
        let text = std::fs::read_to_string(root.join("specs").join(file))
            .with_context(|| format!("reading specs/{file}"))?;
        let vendor: Value =
            serde_json::from_str(&text).with_context(|| format!("parsing specs/{file}"))?;
        let ours = &spec["components"]["schemas"][component];
        if ours.is_null() {
            problems.push(format!("{file}: the spec has no component {component}"));
            continue;
        }
        compare(
            spec,
            &vendor,
            ours,
            &format!("{file} vs {component}"),
            &mut problems,
        );
    }
    if !problems.is_empty() {
        bail!(
            "the spec disagrees with the vendor's JSON Schemas:\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(())
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn compatible(vendor: &str, ours: &str) -> bool {
    vendor == ours || (vendor == "number" && ours == "integer")
}

fn compare(spec: &Value, vendor: &Value, ours: &Value, at: &str, problems: &mut Vec<String>) {
    let ours = resolve(spec, ours);
    let vendor_type = vendor["type"].as_str().unwrap_or("any");
    let our_type = ours["type"].as_str().unwrap_or("any");
    if !compatible(vendor_type, our_type) {
        problems.push(format!("{at}: type {our_type}, vendor says {vendor_type}"));
        return;
    }
    if vendor_type != "object" {
        return;
    }
    let (vp, op) = (keys(&vendor["properties"]), keys(&ours["properties"]));
    for missing in vp.difference(&op) {
        problems.push(format!("{at}: property {missing} is missing from the spec"));
    }
    for extra in op.difference(&vp) {
        problems.push(format!(
            "{at}: property {extra} is not in the vendor's schema"
        ));
    }
    let (vr, or) = (strings(&vendor["required"]), strings(&ours["required"]));
    if vr != or {
        problems.push(format!("{at}: required {or:?}, vendor says {vr:?}"));
    }
    for name in vp.intersection(&op) {
        compare(
            spec,
            &vendor["properties"][name],
            &ours["properties"][name],
            &format!("{at}.{name}"),
            problems,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(vendor: Value, ours: Value) -> Vec<String> {
        let spec = json!({"components": {"schemas": {"Named": {"type": "string"}}}});
        let mut problems = Vec::new();
        compare(&spec, &vendor, &ours, "x", &mut problems);
        problems
    }

    #[test]
    fn agreement_and_each_kind_of_drift() {
        let vendor = json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "string"}}, "required": ["a"]});
        let same = json!({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"$ref": "#/components/schemas/Named"}}, "required": ["a"]});
        assert!(run(vendor.clone(), same).is_empty());
        let retyped = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a"]});
        assert_eq!(run(vendor.clone(), retyped).len(), 1);
        let missing =
            json!({"type": "object", "properties": {"a": {"type": "number"}}, "required": ["a"]});
        assert_eq!(run(vendor.clone(), missing).len(), 1);
        let extra = json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "string"}, "c": {"type": "string"}}, "required": ["a"]});
        assert_eq!(run(vendor.clone(), extra).len(), 1);
        let not_required = json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "string"}}});
        assert_eq!(run(vendor, not_required).len(), 1);
    }
}
