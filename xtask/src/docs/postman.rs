//! Postman collections (v2.1): each request an endpoint, its raw JSON body a
//! request example, its query, URL-encoded and form-data keys a table, and
//! each saved response an example of its status.

use anyhow::{Result, bail};
use serde_json::Value;

use super::{Endpoint, Example, Role, Row, Table, json};

/// The collection, if `content` is one (an object with `info` and `item`).
pub fn as_collection(content: &str) -> Option<Value> {
    let value: Value = serde_json::from_str(content.trim_start_matches('\u{feff}')).ok()?;
    (value.get("info").is_some() && value.get("item").is_some_and(Value::is_array)).then_some(value)
}

/// Every request of the collection (folders walked in order).
pub fn read(collection: &Value) -> Result<Vec<Endpoint>> {
    let schema = collection["info"]["schema"].as_str().unwrap_or_default();
    if !schema.is_empty() && !schema.contains("v2.") {
        bail!("a Postman collection of schema {schema}: only v2.0 and v2.1 are read");
    }
    let mut out = Vec::new();
    let mut counter = 0;
    walk(&collection["item"], &mut out, &mut counter);
    Ok(out)
}

fn walk(items: &Value, out: &mut Vec<Endpoint>, counter: &mut usize) {
    for item in items.as_array().into_iter().flatten() {
        *counter += 1;
        if let Some(request) = item.get("request") {
            out.push(endpoint(item, request, *counter));
        }
        if item.get("item").is_some() {
            walk(&item["item"], out, counter);
        }
    }
}

/// `{{baseUrl}}/a/:id` as `/a/{id}`.
fn path_of(url: &Value) -> String {
    let segments: Vec<String> = match url.get("path").and_then(Value::as_array) {
        Some(path) => path
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        None => {
            let raw = url.as_str().or(url["raw"].as_str()).unwrap_or_default();
            let raw = raw.split(['?', '#']).next().unwrap_or_default();
            let rest = raw.split_once("://").map_or(raw, |(_, r)| r);
            rest.split('/').skip(1).map(str::to_owned).collect()
        }
    };
    let segments: Vec<String> = segments
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix(':') {
            Some(var) => format!("{{{var}}}"),
            None => s,
        })
        .collect();
    format!("/{}", segments.join("/"))
}

/// The enabled keys of a list of `{key, value, disabled}`.
fn keys(list: &Value) -> Vec<Row> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter(|kv| !kv["disabled"].as_bool().unwrap_or(false))
        .filter_map(|kv| kv["key"].as_str())
        .map(|k| Row {
            name: k.to_owned(),
            required: None,
        })
        .collect()
}

fn example(role: Role, raw: &str, line: usize) -> Option<Result<Example, usize>> {
    let t = raw.trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    Some(
        json::parse(t)
            .map(|read| Example {
                role,
                value: read.value,
                duplicates: read.duplicates,
                elided: read.elided,
                line,
            })
            .map_err(|_| line),
    )
}

fn endpoint(item: &Value, request: &Value, n: usize) -> Endpoint {
    let url = &request["url"];
    let mut ep = Endpoint {
        method: Some(request["method"].as_str().unwrap_or("GET").to_uppercase()),
        url: Some(path_of(url)),
        name: item["name"].as_str().map(str::to_owned),
        line: n,
        method_explicit: true,
        ..Endpoint::default()
    };
    let body = &request["body"];
    let mut rows = keys(&url["query"]);
    let mut raw_json = false;
    match body["mode"].as_str() {
        Some("urlencoded") => rows.extend(keys(&body["urlencoded"])),
        Some("formdata") => rows.extend(keys(&body["formdata"])),
        Some("raw") => {
            if let Some(found) = example(Role::Request, body["raw"].as_str().unwrap_or(""), n) {
                raw_json = true;
                match found {
                    Ok(e) => ep.examples.push(e),
                    Err(line) => ep.unreadable.push(line),
                }
            }
        }
        _ => {}
    }
    if !rows.is_empty() {
        ep.tables.push(Table {
            role: Role::Request,
            rows,
            // A JSON body lists the other fields; the keys alone are not all.
            complete: !raw_json,
            line: n,
            nested: false,
        });
    }
    for response in item["response"].as_array().into_iter().flatten() {
        let status = response["code"]
            .as_u64()
            .and_then(|c| u16::try_from(c).ok());
        let raw = response["body"].as_str().unwrap_or("");
        match example(Role::Response(status), raw, n) {
            Some(Ok(e)) => ep.examples.push(e),
            Some(Err(line)) => ep.unreadable.push(line),
            None => {}
        }
    }
    ep
}
