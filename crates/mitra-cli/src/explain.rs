//! What is wrong with an input, in the user's terms: each disagreement of
//! the input object with the operation's request in the spec (the strict
//! validator of `mitra-spec`, the one `mitra verify` uses), named by its flag
//! (`--transaksi[0].kredit`, not `/transaksi/0/kredit` or `kredit`) and the
//! rule it breaks.

use mitra_core::Operation;
use mitra_spec::{Kind, Mismatch};
use serde_json::{Map, Value};

use crate::flag_name;

/// The most problems listed in one message.
const MAX_LISTED: usize = 5;

/// The operation `id` of a parsed spec: its object, and its path item's.
pub fn find<'a>(spec: &'a Value, id: &str) -> Option<(&'a Value, &'a Value)> {
    spec["paths"].as_object()?.values().find_map(|item| {
        item.as_object()?
            .values()
            .find(|op| op["operationId"] == id)
            .map(|op| (op, item))
    })
}

/// Every disagreement of `input` with the request of `op` in `spec_yaml`:
/// the parameters each against its schema, what is left against the
/// request body's schema (a `oneOf` answers with its closest alternative).
/// Mismatches whose pointer starts at the input's top level.
pub fn mismatches(spec_yaml: &str, op: &Operation, input: &Value) -> Vec<Mismatch> {
    let Ok(spec) = mitra_spec::parse(spec_yaml) else {
        return Vec::new();
    };
    let Some((operation, item)) = find(&spec, op.id) else {
        return Vec::new();
    };
    let empty = Map::new();
    let object = input.as_object().unwrap_or(&empty);
    let mut body = object.clone();
    let mut out = Vec::new();
    let params = item["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(operation["parameters"].as_array().into_iter().flatten());
    for param in params {
        let param = mitra_spec::resolve(&spec, param);
        let Some(name) = param["name"].as_str() else {
            continue;
        };
        let pointer = format!("/{}", mitra_spec::escape(name));
        match body.remove(name) {
            Some(value) => {
                for mut m in mitra_spec::validate(&spec, &param["schema"], &value) {
                    m.pointer = format!("{pointer}{}", m.pointer);
                    out.push(m);
                }
            }
            None if param["required"] == true => out.push(Mismatch {
                pointer,
                schema: String::new(),
                kind: Kind::MissingField,
                expected: "a required parameter".into(),
                found: String::new(),
            }),
            None => {}
        }
    }
    let request = mitra_spec::resolve(&spec, &operation["requestBody"]);
    let media = request["content"]
        .as_object()
        .and_then(|c| c.get("application/json").or_else(|| c.values().next()));
    if let Some(media) = media {
        out.extend(mitra_spec::validate(
            &spec,
            &media["schema"],
            &Value::Object(body),
        ));
    }
    // What the client's configuration supplies (ELKASSA's `key` and `token`)
    // is no flag: never reported missing, which would invite a secret onto
    // the command line.
    out.retain(|m| {
        let top = m.pointer.split('/').nth(1).unwrap_or_default();
        let top = mitra_spec::unescape(top);
        m.kind != Kind::MissingField || top.is_empty() || op.fields.iter().any(|f| f.name == top)
    });
    out
}

/// `/transaksi/0/kredit` → `--transaksi[0].kredit`: the top-level field by
/// its flag, what is inside it as the JSON the flag holds.
pub fn flag_of(pointer: &str) -> String {
    let mut tokens = pointer.split('/').skip(1).map(mitra_spec::unescape);
    let mut out = match tokens.next() {
        Some(first) => format!("--{}", flag_name(&first)),
        None => return "the input".to_owned(),
    };
    for token in tokens {
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else {
            out.push('.');
            out.push_str(&token);
        }
    }
    out
}

/// The value as shown back: bounded, long digit runs (a NIK) masked, and
/// nothing of a secret or personal field (a phone number, a NIK with spaces).
fn shown(op: &Operation, pointer: &str, found: &str) -> String {
    let top = pointer.split('/').nth(1).unwrap_or_default();
    if op
        .fields
        .iter()
        .any(|f| (f.secret || f.personal) && f.name == top)
    {
        return "the value".to_owned();
    }
    mitra_core::decode::bounded(found)
}

/// `integer` → `an integer`.
fn a(kind: &str) -> String {
    match kind {
        "integer" | "array" | "object" => format!("an {kind}"),
        "string" => "text".to_owned(),
        other => format!("a {other}"),
    }
}

/// One mismatch as the user reads it: `--tanggal: "25-11-2026" is not a
/// real date written YYYY-MM-DD`.
pub fn describe(op: &Operation, m: &Mismatch) -> String {
    let flag = flag_of(&m.pointer);
    let found = shown(op, &m.pointer, &m.found);
    let rule = match &m.kind {
        Kind::MissingField => "missing".to_owned(),
        Kind::UnknownField => format!("not an input of this operation (given {found})"),
        Kind::NumberAsString => format!("{found} is text where {} is wanted", a(&m.expected)),
        Kind::StringAsNumber => format!("{found} is a number where text is wanted (quote it)"),
        Kind::WrongType(seen) => {
            format!("{found} is {} where {} is wanted", a(seen), a(&m.expected))
        }
        Kind::Null => format!("null where {} is wanted", a(&m.expected)),
        Kind::Enum => format!("{found} is not {}", m.expected),
        // The library's wording for the same mistake.
        Kind::Format(f) if f == "date" => format!("{found} is not a real date written YYYY-MM-DD"),
        Kind::Format(f) if f == "date-time" => {
            format!("{found} is not a date-time written RFC 3339 (2026-11-25T10:00:00+07:00)")
        }
        Kind::Format(f) => format!("{found} is not a valid {f}"),
        Kind::Pattern => format!("{found} does not match {}", m.expected),
        Kind::Ambiguous => format!("{found}: fits more than one of the body formats"),
        _ => format!("{found} where the spec wants {}", m.expected),
    };
    format!("{flag}: {rule}")
}

/// Every mismatch, one sentence: at most [`MAX_LISTED`], then how many more.
pub fn sentence(op: &Operation, found: &[Mismatch]) -> String {
    let mut parts: Vec<String> = found
        .iter()
        .take(MAX_LISTED)
        .map(|m| describe(op, m))
        .collect();
    if found.len() > MAX_LISTED {
        parts.push(format!("and {} more", found.len() - MAX_LISTED));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_flags() {
        assert_eq!(flag_of("/provinceCode"), "--province-code");
        assert_eq!(flag_of("/transaksi/0/kredit"), "--transaksi[0].kredit");
        assert_eq!(flag_of("/debit/1"), "--debit[1]");
        assert_eq!(flag_of(""), "the input");
    }
}
