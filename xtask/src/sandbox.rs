//! The sandbox's vendor table (`crates/mitra-sandbox/src/registry.rs`),
//! made from the vendor registry and the specs: the `Vendor` enum, the
//! sandbox credentials, the router that nests each emulator under its
//! prefix, and every operation's success answer from its spec's examples
//! (what the generic emulator serves where no hand emulator answers).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use serde_yaml::Value;

use crate::vendors::{VENDORS, Vendor};

/// One operation's success answer, as the generic emulator serves it.
struct Answer {
    method: String,
    path: String,
    status: u16,
    /// JSON text; empty for a response without content.
    body: String,
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// `node`, or what its `$ref` (`#/...`) points to.
fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    let Some(pointer) = node.get("$ref").and_then(Value::as_str) else {
        return node;
    };
    let mut at = spec;
    for token in pointer.trim_start_matches("#/").split('/') {
        let token = mitra_spec::unescape(token);
        match at.get(token.as_str()) {
            Some(next) => at = next,
            None => return node,
        }
    }
    resolve(spec, at)
}

/// A value `schema` accepts, for a response the spec gives no example of:
/// the schema's own example, else its first enum value, else the least
/// value of its type (objects with their required properties).
fn synthesize(spec: &Value, schema: &Value, depth: usize) -> serde_json::Value {
    let schema = resolve(spec, schema);
    if let Some(example) = schema.get("example") {
        return serde_json::to_value(example).unwrap_or_default();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return serde_json::to_value(first).unwrap_or_default();
    }
    if depth > 8 {
        return serde_json::Value::Null;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_sequence) {
            if key == "allOf" {
                let mut merged = serde_json::Map::new();
                for alternative in alternatives {
                    if let serde_json::Value::Object(o) = synthesize(spec, alternative, depth + 1) {
                        merged.extend(o);
                    }
                }
                return serde_json::Value::Object(merged);
            }
            if let Some(first) = alternatives.first() {
                return synthesize(spec, first, depth + 1);
            }
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => serde_json::Value::String(String::new()),
        Some("integer" | "number") => serde_json::json!(0),
        Some("boolean") => serde_json::Value::Bool(true),
        Some("array") => serde_json::json!([]),
        _ if schema.get("properties").is_some() || schema.get("type").is_some() => {
            let mut object = serde_json::Map::new();
            for name in schema
                .get("required")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let property = schema
                    .get("properties")
                    .and_then(|p| p.get(name))
                    .cloned()
                    .unwrap_or(Value::Null);
                object.insert(name.to_owned(), synthesize(spec, &property, depth + 1));
            }
            serde_json::Value::Object(object)
        }
        _ => serde_json::Value::Null,
    }
}

/// The success answer of one operation: its lowest 2xx response, with the
/// media type's `example`, else its first named example (spec order),
/// else a value synthesized from the schema.
fn answer(spec: &Value, method: &str, path: &str, op: &Value) -> Option<Answer> {
    let responses = op.get("responses")?.as_mapping()?;
    let (status, response) = responses
        .iter()
        .filter_map(|(k, v)| {
            let status: u16 = match k {
                Value::Number(n) => u16::try_from(n.as_u64()?).ok()?,
                Value::String(s) => s.parse().ok()?,
                _ => return None,
            };
            (200..300).contains(&status).then_some((status, v))
        })
        .min_by_key(|(status, _)| *status)?;
    let response = resolve(spec, response);
    let media = response
        .get("content")
        .and_then(Value::as_mapping)
        .and_then(|c| {
            c.iter()
                .find(|(k, _)| k.as_str().is_some_and(|k| k.contains("json")))
        })
        .map(|(_, media)| media);
    let body = match media {
        None => String::new(),
        Some(media) => {
            let named = media
                .get("examples")
                .and_then(Value::as_mapping)
                .and_then(|m| m.values().next())
                .and_then(|e| resolve(spec, e).get("value"));
            let value = match media.get("example").or(named) {
                Some(v) => serde_json::to_value(v).unwrap_or_default(),
                None => synthesize(spec, media.get("schema").unwrap_or(&Value::Null), 0),
            };
            value.to_string()
        }
    };
    Some(Answer {
        method: method.to_uppercase(),
        path: path.to_owned(),
        status,
        body,
    })
}

/// Every operation's success answer of `vendor`'s spec, in spec order.
fn answers(root: &Path, vendor: &Vendor) -> Result<Vec<Answer>> {
    let rel = format!("specs/{}.yaml", vendor.name);
    let parsed = crate::specs::load(root, &rel)?;
    let spec: &Value = &parsed.yaml;
    let mut out = Vec::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let Some(path) = path.as_str() else { continue };
        for method in METHODS {
            if let Some(op) = item.get(method)
                && let Some(a) = answer(spec, method, path, op)
            {
                out.push(a);
            }
        }
    }
    Ok(out)
}

/// The enum variant of a vendor (`Pos`).
pub fn variant(v: &Vendor) -> String {
    v.cli.to_upper_camel_case()
}

/// The hand emulator's module (`pos`).
fn module(v: &Vendor) -> String {
    v.cli.replace('-', "_")
}

/// `crates/mitra-sandbox/src/registry.rs`.
pub fn table(root: &Path, header: &str) -> Result<String> {
    let mut s = header.to_owned();
    s.push_str(
        "//! The sandbox's vendor table, made from the vendor registry and the specs:\n\
         //! a vendor added there is served here (by the generic emulator, from its\n\
         //! spec's examples, until it has a hand emulator).\n\n\
         use crate::SandboxConfig;\n\
         use crate::generic::{Answer, Vendored};\n\n\
         /// The vendors the sandbox emulates (the vendor registry's).\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\n\
         #[non_exhaustive]\n\
         pub enum Vendor {\n",
    );
    for v in VENDORS {
        let _ = writeln!(s, "    /// {}.\n    {},", v.title, variant(v));
    }
    let all: Vec<String> = VENDORS
        .iter()
        .map(|v| format!("Vendor::{}", variant(v)))
        .collect();
    let keys: Vec<String> = VENDORS.iter().map(|v| format!("`{}`", v.cli)).collect();
    let _ = write!(
        s,
        "}}\n\nimpl Vendor {{\n\
         \x20   /// Every vendor, in the registry's order.\n\
         \x20   pub const ALL: [Vendor; {n}] = [{all}];\n\n\
         \x20   /// The vendor by its short name ({keys}: the `mitra` CLI's subcommands).\n\
         \x20   pub fn from_key(key: &str) -> Option<Self> {{\n\
         \x20       Self::ALL.into_iter().find(|v| v.key() == key)\n\
         \x20   }}\n",
        n = VENDORS.len(),
        all = all.join(", "),
        keys = keys.join(", "),
    );
    let mut getter = |doc: &str, name: &str, value: &dyn Fn(&Vendor) -> String| {
        let _ = write!(
            s,
            "\n    /// {doc}\n    pub fn {name}(self) -> &'static str {{\n        match self {{\n"
        );
        for v in VENDORS {
            let _ = writeln!(s, "            Vendor::{} => {:?},", variant(v), value(v));
        }
        s.push_str("        }\n    }\n");
    };
    getter(
        "The prefix of the environment variables its client reads.",
        "env_prefix",
        &|v| v.env_prefix.to_owned(),
    );
    getter("The vendor's short name.", "key", &|v| v.cli.to_owned());
    getter(
        "The vendor's path prefix on the sandbox; the vendor's base URL is the\n    /// sandbox URL followed by it.",
        "prefix",
        &|v| v.sandbox_prefix.to_owned(),
    );
    getter(
        "The stem of the vendor's spec (`specs/<stem>.yaml`).",
        "spec",
        &|v| v.name.to_owned(),
    );
    s.push_str(
        "\n    /// Every operation's success answer, from the spec's examples.\n\
         \x20   pub(crate) fn answers(self) -> &'static [Answer] {\n        match self {\n",
    );
    for v in VENDORS {
        let _ = writeln!(
            s,
            "            Vendor::{} => {}_ANSWERS,",
            variant(v),
            v.cli.to_shouty_snake_case()
        );
    }
    s.push_str("        }\n    }\n}\n\n");

    s.push_str(
        "/// The credentials every emulator accepts. They are made up: use them only\n\
         /// against the sandbox.\n\
         pub mod credentials {\n",
    );
    for v in VENDORS {
        for (var, value) in v.sandbox_credentials {
            let _ = writeln!(
                s,
                "    /// {} {}.\n    pub const {}_{}: &str = {:?};",
                v.title,
                var.to_lowercase().replace('_', " "),
                v.cli.to_shouty_snake_case(),
                var,
                value
            );
        }
    }
    s.push_str(
        "\n    /// The sandbox's credentials for `vendor` as the environment variables\n\
         \x20   /// its client's `from_env` reads (the base URL is not among them).\n\
         \x20   pub fn env(vendor: super::Vendor) -> &'static [(&'static str, &'static str)] {\n\
         \x20       use super::Vendor;\n\
         \x20       match vendor {\n",
    );
    for v in VENDORS {
        let pairs: Vec<String> = v
            .sandbox_credentials
            .iter()
            .map(|(var, _)| {
                format!(
                    "(\"{}_{var}\", {}_{var})",
                    v.env_prefix,
                    v.cli.to_shouty_snake_case()
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "            Vendor::{} => &[{}],",
            variant(v),
            pairs.join(", ")
        );
    }
    s.push_str("        }\n    }\n}\n\n");

    s.push_str(
        "/// Every emulator under its prefix: the hand emulator where there is one,\n\
         /// falling back to the spec's examples for the operations it does not know.\n\
         pub(crate) fn router(config: &SandboxConfig) -> axum::Router {\n\
         \x20   let hand = |router: fn(&SandboxConfig) -> axum::Router| {\n\
         \x20       if config.examples_only {\n\
         \x20           axum::Router::new()\n\
         \x20       } else {\n\
         \x20           router(config)\n\
         \x20       }\n\
         \x20   };\n\
         \x20   axum::Router::new()\n",
    );
    for v in VENDORS {
        let hand = if v.sandbox_emulator {
            format!("hand(crate::{}::router)", module(v))
        } else {
            "axum::Router::new()".to_owned()
        };
        let _ = writeln!(
            s,
            "        .nest(Vendor::{var}.prefix(), {hand}.vendored(Vendor::{var}))",
            var = variant(v)
        );
    }
    s.push_str("}\n");

    for v in VENDORS {
        let _ = write!(
            s,
            "\nconst {}_ANSWERS: &[Answer] = &[\n",
            v.cli.to_shouty_snake_case()
        );
        for a in answers(root, v)? {
            let _ = writeln!(
                s,
                "    Answer {{ method: {:?}, path: {:?}, status: {}, body: {:?} }},",
                a.method, a.path, a.status, a.body
            );
        }
        s.push_str("];\n");
    }
    Ok(s)
}
