//! Strict checks of JSON values against the vendors' OpenAPI 3.0 specs.
//!
//! One validator for every place that asks "does this value say what the
//! spec says?": `cargo xtask generate` (every example of a spec), the
//! sandbox's conformance test (every answer of the emulators) and
//! `mitra verify` (a vendor's live answers). It is strict where the
//! generated clients are lenient: a field the spec lacks, a required field
//! missing, a number sent as a string, an unknown enum value, a date that is
//! not one; each [`Mismatch`] names the JSON pointer of the value and the
//! spec location of the schema that refused it.
//!
//! ```
//! let spec = mitra_spec::parse("components: {schemas: {A: {type: object, properties: {n: {type: integer}}}}}").unwrap();
//! let schema = serde_json::json!({"$ref": "#/components/schemas/A"});
//! let found = mitra_spec::validate(&spec, &schema, &serde_json::json!({"n": "1"}));
//! assert_eq!(found[0].pointer, "/n");
//! assert_eq!(found[0].kind, mitra_spec::Kind::NumberAsString);
//! ```

mod examples;
mod validate;

pub use examples::{Example, check_examples, examples};
pub use validate::{Kind, Mismatch, validate, validate_at};

use serde_json::Value;

/// A spec's YAML text as a JSON value.
pub fn parse(yaml: &str) -> Result<Value, serde_yaml::Error> {
    serde_yaml::from_str(yaml)
}

/// `node`, or what its `$ref` points at in `spec` (followed to the end).
pub fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    resolve_at(spec, node, "").0
}

/// `node` and its spec location, or what its `$ref` points at and where.
pub fn resolve_at<'a>(spec: &'a Value, node: &'a Value, at: &str) -> (&'a Value, String) {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.trim_start_matches('#');
            let target = spec.pointer(pointer).unwrap_or(&Value::Null);
            resolve_at(spec, target, pointer)
        }
        None => (node, at.to_owned()),
    }
}

/// `token` escaped for a JSON pointer (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer's `token` unescaped (RFC 6901: `~1` first, then `~0`).
///
/// ```
/// assert_eq!(mitra_spec::unescape("a~1b~0c"), "a/b~c");
/// assert_eq!(mitra_spec::unescape(&mitra_spec::escape("~1/~0")), "~1/~0");
/// ```
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
