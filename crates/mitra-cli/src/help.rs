//! An operation's `--help` from its spec: every flag described (a field the
//! spec leaves undescribed gets the words of its type and rules), and for a
//! body with alternative formats (`oneOf`), which flags make each format.

use std::collections::BTreeMap;

use mitra_core::Operation;
use serde_json::Value;

use crate::flag_name;

/// What the spec says of an operation's inputs, for its help.
#[derive(Default)]
pub struct OperationDoc {
    /// Each field's schema, in words (`a JSON array of {akun: text, ...}`).
    pub shapes: BTreeMap<String, String>,
    /// The body's formats when it has alternatives, and the formats each
    /// field belongs to.
    pub formats: Vec<Format>,
}

/// One alternative of a `oneOf` request body.
pub struct Format {
    /// Its schema's name (`JurnalRequestLines`).
    pub name: String,
    /// Its schema's description.
    pub description: String,
    /// Its fields, required first.
    pub required: Vec<String>,
    /// Its fields that are not required.
    pub optional: Vec<String>,
}

/// The doc of operation `id` of `spec` (parsed), empty when not found.
pub fn of(spec: &Value, id: &str) -> OperationDoc {
    let mut doc = OperationDoc::default();
    let Some((operation, item)) = crate::explain::find(spec, id) else {
        return doc;
    };
    let params = item["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(operation["parameters"].as_array().into_iter().flatten());
    for param in params {
        let param = mitra_spec::resolve(spec, param);
        if let Some(name) = param["name"].as_str() {
            doc.shapes
                .insert(name.to_owned(), words(spec, &param["schema"], 0));
        }
    }
    let request = mitra_spec::resolve(spec, &operation["requestBody"]);
    let Some(schema) = request["content"]
        .as_object()
        .and_then(|c| c.get("application/json").or_else(|| c.values().next()))
        .map(|media| &media["schema"])
    else {
        return doc;
    };
    let body = mitra_spec::resolve(spec, schema);
    let alternatives: Vec<&Value> = body["oneOf"]
        .as_array()
        .or_else(|| body["anyOf"].as_array())
        .map(|list| list.iter().collect())
        .unwrap_or_else(|| vec![schema]);
    for alternative in &alternatives {
        let name = alternative["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or_default()
            .to_owned();
        let resolved = mitra_spec::resolve(spec, alternative);
        let required: Vec<String> = resolved["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect();
        let mut optional = Vec::new();
        for (field, property) in resolved["properties"].as_object().into_iter().flatten() {
            doc.shapes
                .entry(field.clone())
                .or_insert_with(|| words(spec, property, 0));
            if !required.contains(field) {
                optional.push(field.clone());
            }
        }
        doc.formats.push(Format {
            name,
            description: resolved["description"]
                .as_str()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            required,
            optional,
        });
    }
    if doc.formats.len() < 2 {
        doc.formats.clear();
    }
    doc
}

/// A schema in words: `text, a date YYYY-MM-DD`, `a JSON array (at least
/// 2) of {akun: text, debit: integer >= 0, kredit: integer >= 0}`.
pub fn words(spec: &Value, schema: &Value, depth: usize) -> String {
    let schema = mitra_spec::resolve(spec, schema);
    let mut rules: Vec<String> = Vec::new();
    let base = match schema["type"].as_str() {
        Some("string") => {
            match schema["format"].as_str() {
                Some("date") => rules.push("a date YYYY-MM-DD".into()),
                Some("date-time") => rules.push("a date-time (RFC 3339)".into()),
                Some("email") => rules.push("an e-mail address".into()),
                _ => {}
            }
            if let Some(pattern) = schema["pattern"].as_str() {
                rules.push(format!("matching {pattern}"));
            }
            if schema["minLength"].as_u64().is_some_and(|n| n > 0) {
                rules.push("not empty".into());
            }
            "text".to_owned()
        }
        Some(kind @ ("integer" | "number")) => {
            if let Some(min) = schema["minimum"].as_i64() {
                rules.push(format!(">= {min}"));
            }
            if let Some(max) = schema["maximum"].as_i64() {
                rules.push(format!("<= {max}"));
            }
            kind.to_owned()
        }
        Some("boolean") => "true or false".to_owned(),
        Some("array") => {
            let items = if depth < 2 {
                words(spec, &schema["items"], depth + 1)
            } else {
                "values".to_owned()
            };
            let at_least = schema["minItems"]
                .as_u64()
                .filter(|n| *n > 0)
                .map(|n| format!(" (at least {n})"))
                .unwrap_or_default();
            format!("a JSON array{at_least} of {items}")
        }
        _ if schema["properties"].is_object() && depth < 2 => {
            let fields: Vec<String> = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, s)| format!("{name}: {}", words(spec, s, depth + 1)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Some("object") => "a JSON object".to_owned(),
        _ => "any JSON value".to_owned(),
    };
    if let Some(options) = schema["enum"].as_array() {
        let list: Vec<String> = options.iter().map(Value::to_string).collect();
        rules.push(format!("one of {}", list.join(", ")));
    }
    if rules.is_empty() {
        base
    } else {
        format!("{base} ({})", rules.join(", "))
    }
}

/// The flags of `fields`: `--akun, --debit, --kredit`.
fn flags(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| format!("--{}", flag_name(f)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The formats a field is part of, when the body has several and the
/// field is not in all of them: ` [format 2]`.
pub fn formats_of(doc: &OperationDoc, field: &str) -> String {
    let of: Vec<String> = doc
        .formats
        .iter()
        .enumerate()
        .filter(|(_, f)| f.required.iter().chain(&f.optional).any(|n| n == field))
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if of.is_empty() || of.len() == doc.formats.len() {
        String::new()
    } else {
        format!(" [body format {}]", of.join(", "))
    }
}

/// The text after an operation's flags: its body's formats, which flags
/// send each, which one goes out.
pub fn after(doc: &OperationDoc, op: &Operation) -> Option<String> {
    if doc.formats.is_empty() {
        return None;
    }
    let own = |i: usize| -> Vec<String> {
        let format = &doc.formats[i];
        format
            .required
            .iter()
            .filter(|f| {
                doc.formats
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && !other.required.contains(f))
            })
            .cloned()
            .collect()
    };
    let mut text = format!(
        "Body formats: {} sends the request body in one of {} formats (the spec's oneOf).\n\
         The one sent is the one whose own flags you give, as you give them, with no conversion;\n\
         --json-body takes either. An input that fits none is reported against the closest.\n",
        crate::command_name(op.id),
        doc.formats.len()
    );
    for (i, format) in doc.formats.iter().enumerate() {
        let description = if format.description.is_empty() {
            String::new()
        } else {
            format!(": {}", format.description)
        };
        text.push_str(&format!(
            "\n  {}. {}{description}\n     choose it with {}\n     required: {}\n",
            i + 1,
            format.name,
            flags(&own(i)),
            flags(&format.required),
        ));
        if !format.optional.is_empty() {
            text.push_str(&format!("     optional: {}\n", flags(&format.optional)));
        }
    }
    if let Some(example) = op.example {
        let first = doc
            .formats
            .iter()
            .position(|f| {
                serde_json::from_str::<Value>(example)
                    .is_ok_and(|e| f.required.iter().all(|r| e.get(r).is_some()))
            })
            .map(|i| format!(" (format {})", i + 1))
            .unwrap_or_default();
        text.push_str(&format!(
            "\nThe spec's example{first}, as --json-body: {example}\n"
        ));
    }
    Some(text)
}
