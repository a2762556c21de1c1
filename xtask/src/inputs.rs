//! The inputs of each operation as a caller gives them (parameters, then the
//! top-level fields of the request body) and one valid example input, read
//! from the spec for the operation table, the CLI and the example calls.

use anyhow::{Context, Result};
use serde_json::{Map, Value};

/// One input field.
pub struct FieldMeta {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub kind: String,
    pub help: String,
    pub default: Option<String>,
    /// A secret the caller gives (`format: password` or `x-mitra-secret`).
    pub secret: bool,
}

/// Whether `schema` is a secret: `format: password`, or `x-mitra-secret: true`.
fn secret(spec: &Value, schema: &Value) -> bool {
    let schema = resolve(spec, schema);
    schema.get("format").and_then(Value::as_str) == Some("password")
        || schema.get("x-mitra-secret") == Some(&Value::Bool(true))
}

/// `node`, or what its `$ref` points at in `spec`.
pub fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            spec,
            r.trim_start_matches("#/")
                .split('/')
                .fold(spec, |n, p| &n[p]),
        ),
        None => node,
    }
}

fn kind(spec: &Value, schema: &Value) -> String {
    let schema = resolve(spec, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t.to_owned(),
        None => match schema.get("allOf").and_then(Value::as_array) {
            Some(all) if all.len() == 1 => kind(spec, &all[0]),
            _ => "any".to_owned(),
        },
    }
}

fn first_line(text: Option<&Value>) -> String {
    text.and_then(Value::as_str)
        .and_then(|t| t.lines().next())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Properties of an object schema, merged over `oneOf`/`anyOf`/`allOf`;
/// with each one's required-ness (required in every alternative).
fn properties(spec: &Value, schema: &Value, out: &mut Vec<FieldMeta>) {
    let schema = resolve(spec, schema);
    let hidden: Vec<&str> = schema
        .get("x-mitra-from-config")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            let mut per: Vec<Vec<FieldMeta>> = Vec::new();
            for alt in alternatives {
                let mut fields = Vec::new();
                properties(spec, alt, &mut fields);
                per.push(fields);
            }
            let count = per.len();
            for fields in per {
                for f in fields {
                    if let Some(existing) = out.iter_mut().find(|e| e.name == f.name) {
                        existing.required &= f.required;
                        continue;
                    }
                    let everywhere = count == 1;
                    out.push(FieldMeta {
                        required: f.required && everywhere,
                        ..f
                    });
                }
            }
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            properties(spec, part, out);
        }
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            if hidden.contains(&name.as_str()) || out.iter().any(|f| &f.name == name) {
                continue;
            }
            out.push(FieldMeta {
                name: name.clone(),
                location: "body".into(),
                required: required.contains(&name.as_str()),
                kind: kind(spec, prop),
                help: first_line(
                    prop.get("description")
                        .or_else(|| resolve(spec, prop).get("description")),
                ),
                default: resolve(spec, prop).get("default").map(Value::to_string),
                secret: secret(spec, prop),
            });
        }
    }
}

fn body_schema<'a>(spec: &'a Value, op: &'a Value) -> Option<(&'a Value, &'a Value)> {
    let body = resolve(spec, op.get("requestBody")?);
    let (_, media) = body.get("content")?.as_object()?.iter().next()?;
    Some((media, media.get("schema")?))
}

/// The fields of `method path` and its example input.
pub fn of(
    spec: &Value,
    yaml: &serde_yaml::Value,
    path: &str,
    method: &str,
) -> Result<(Vec<FieldMeta>, Option<String>)> {
    let item = &spec["paths"][path];
    let op = &item[method.to_ascii_lowercase()];
    let mut fields = Vec::new();
    let mut example = Map::new();
    let mut complete = true;
    let params = item["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(op["parameters"].as_array().into_iter().flatten());
    for param in params {
        let param = resolve(spec, param);
        if param.get("x-mitra-from-config") == Some(&Value::Bool(true)) {
            continue;
        }
        let name = param["name"].as_str().context("a parameter without name")?;
        let required = param["required"] == Value::Bool(true);
        fields.push(FieldMeta {
            name: name.to_owned(),
            location: param["in"].as_str().unwrap_or("query").to_owned(),
            required,
            kind: kind(spec, &param["schema"]),
            help: first_line(param.get("description")),
            default: resolve(spec, &param["schema"])
                .get("default")
                .map(Value::to_string),
            secret: secret(spec, &param["schema"]),
        });
        match param
            .get("example")
            .or_else(|| resolve(spec, &param["schema"]).get("example"))
        {
            Some(v) => {
                example.insert(name.to_owned(), v.clone());
            }
            None if required => complete = false,
            None => {}
        }
    }
    if let Some((media, schema)) = body_schema(spec, op) {
        properties(spec, schema, &mut fields);
        // The first of named examples as the spec lists them (the JSON
        // view sorts keys; the YAML keeps their order).
        let first_name = || -> Option<String> {
            let op = &yaml["paths"][path][method.to_ascii_lowercase().as_str()];
            let content = op["requestBody"]["content"].as_mapping()?;
            let (_, media) = content.iter().next()?;
            let (name, _) = media["examples"].as_mapping()?.iter().next()?;
            name.as_str().map(str::to_owned)
        };
        let body_example = media.get("example").cloned().or_else(|| {
            let name = first_name()?;
            Some(resolve(spec, &media["examples"][name.as_str()])["value"].clone())
        });
        match body_example {
            Some(Value::Object(body)) => {
                for (k, v) in body {
                    if fields.iter().any(|f| f.name == k) {
                        example.insert(k, v);
                    }
                }
            }
            _ => complete = false,
        }
    }
    let example = match op.get("x-mitra-example") {
        Some(Value::Object(given)) => Some(Value::Object(given.clone()).to_string()),
        Some(other) => {
            anyhow::bail!("{method} {path}: x-mitra-example must be an object, not {other}")
        }
        None => complete.then(|| Value::Object(example).to_string()),
    };
    Ok((fields, example))
}
