//! A document's endpoints against the spec's operations.
//!
//! Each finding is one line of text, the same the spec's
//! `x-mitra-doc-deviation` entries name in `what` to accept it:
//!
//! - `new in the document` (no operation), `gone from the document` (an
//!   operation whose `x-mitra-source` is `seed`, the partner document, that
//!   the document no longer shows), `method: the document says GET`;
//! - `request example: /a/b: field not in the spec`, `response 200 example:
//!   /data/0/x: duplicate key`: the strict validator's findings at JSON
//!   pointers, never a value;
//! - `request table: name: not in the spec`, `... not in the document`,
//!   `... required in the document, optional in the spec` (and back).

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::{Endpoint, Example, Role, Table};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// One finding: what differs (the text a deviation's `what` names) and the
/// document's line it was seen at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What differs, e.g. `request table: email: not in the spec`.
    pub what: String,
    /// The document's line (text) or request number (Postman), if any.
    pub line: Option<usize>,
}

impl Finding {
    fn at(what: String, line: usize) -> Self {
        Finding {
            what,
            line: Some(line),
        }
    }
}

/// How an endpoint of the document stands against the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Matched an operation; no difference (perhaps accepted ones).
    Same,
    /// Matched an operation; differences found.
    Differs,
    /// In the document; no operation of the spec.
    New,
    /// An operation from the document that it no longer shows.
    Gone,
}

impl Status {
    /// The word the report uses.
    pub fn word(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Differs => "differs",
            Status::New => "new",
            Status::Gone => "gone",
        }
    }
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct Line {
    /// Same, differs, new or gone.
    pub status: Status,
    /// The endpoint as the document names it, and its line.
    pub endpoint: Option<(String, usize)>,
    /// The spec's operationId.
    pub operation: Option<String>,
    /// Findings the spec does not accept.
    pub differences: Vec<Finding>,
    /// Findings the spec lists as deviations, each with its reason.
    pub accepted: Vec<(Finding, String)>,
    /// Deviations the spec lists that the document no longer shows.
    pub unused: Vec<String>,
}

/// The whole comparison.
#[derive(Debug, Clone)]
pub struct Report {
    /// One line per endpoint of the document, then per operation gone.
    pub lines: Vec<Line>,
    /// What the positions count: `line` of a text, `request` of a collection.
    pub unit: &'static str,
}

impl Report {
    /// Whether document and spec agree (every finding accepted).
    pub fn agree(&self) -> bool {
        self.lines.iter().all(|l| l.differences.is_empty())
    }

    /// Every unaccepted finding as `operation-or-endpoint: finding`, sorted.
    #[cfg(test)]
    pub fn differences(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .lines
            .iter()
            .flat_map(|l| {
                let who = l
                    .operation
                    .clone()
                    .or(l.endpoint.as_ref().map(|e| e.0.clone()))
                    .unwrap_or_default();
                l.differences
                    .iter()
                    .map(move |d| format!("{who}: {}", d.what))
            })
            .collect();
        out.sort();
        out
    }

    /// The report as a markdown table and the findings under it.
    pub fn render(&self, vendor: &str, file: &str) -> String {
        let mut out = format!("docs {vendor} {file}\n\n");
        out.push_str("| status | endpoint | operation | findings |\n|---|---|---|---|\n");
        for l in &self.lines {
            let endpoint = l.endpoint.as_ref().map_or(String::new(), |(e, line)| {
                format!("`{e}` ({} {line})", self.unit)
            });
            let mut findings = Vec::new();
            if !l.differences.is_empty() {
                findings.push(format!("{} differ", l.differences.len()));
            }
            if !l.accepted.is_empty() {
                findings.push(format!("{} accepted", l.accepted.len()));
            }
            if !l.unused.is_empty() {
                findings.push(format!("{} deviation(s) unused", l.unused.len()));
            }
            out.push_str(&format!(
                "| {} | {endpoint} | {} | {} |\n",
                l.status.word(),
                l.operation.as_deref().unwrap_or(""),
                findings.join(", ")
            ));
        }
        for l in &self.lines {
            if l.differences.is_empty() && l.accepted.is_empty() && l.unused.is_empty() {
                continue;
            }
            let who = l
                .operation
                .clone()
                .or(l.endpoint.as_ref().map(|e| e.0.clone()))
                .unwrap_or_default();
            out.push_str(&format!("\n{who}:\n"));
            let at = |f: &Finding| {
                f.line
                    .map_or(String::new(), |n| format!("{} {n}: ", self.unit))
            };
            for d in &l.differences {
                out.push_str(&format!("  differs   {}{}\n", at(d), d.what));
            }
            for (f, reason) in &l.accepted {
                out.push_str(&format!("  accepted  {}{} ({reason})\n", at(f), f.what));
            }
            for what in &l.unused {
                out.push_str(&format!(
                    "  unused    {what} (listed in the spec, not seen)\n"
                ));
            }
        }
        let differ: usize = self.lines.iter().map(|l| l.differences.len()).sum();
        let accepted: usize = self.lines.iter().map(|l| l.accepted.len()).sum();
        out.push_str(&if differ == 0 {
            format!("\n{vendor}: document and spec agree ({accepted} deviation(s) accepted)\n")
        } else {
            format!(
                "\n{vendor}: {differ} difference(s) between document and spec ({accepted} accepted)\n"
            )
        });
        out
    }

    /// The report as one JSON document.
    pub fn json(&self, vendor: &str, file: &str) -> Value {
        json!({
            "vendor": vendor,
            "document": file,
            "agree": self.agree(),
            // What `line` counts: a text's lines, or a collection's requests.
            "unit": self.unit,
            "endpoints": self.lines.iter().map(|l| json!({
                "status": l.status.word(),
                "endpoint": l.endpoint.as_ref().map(|e| &e.0),
                "line": l.endpoint.as_ref().map(|e| e.1),
                "operation": l.operation,
                "differences": l.differences.iter().map(|f| json!({"what": f.what, "line": f.line})).collect::<Vec<_>>(),
                "accepted": l.accepted.iter().map(|(f, r)| json!({"what": f.what, "line": f.line, "reason": r})).collect::<Vec<_>>(),
                "unused_deviations": l.unused,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The path of a URL (`https://host:1/a/b?q` is `/a/b`); a path stays itself.
pub fn url_path(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or_default();
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/".into(), |i| rest[i..].to_owned()),
        None if url.starts_with('/') => url.to_owned(),
        None => String::new(),
    }
}

/// Lowercase letters and digits only: `Sub-District` and `getSubDistrict` compare.
fn norm(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether two paths are the same, a parameter segment (`{param}`, or
/// `:param` as Sempoa's docs write it) matching any other.
fn same_path(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_end_matches('/'), b.trim_end_matches('/'));
    let a: Vec<_> = a.split('/').collect();
    let b: Vec<_> = b.split('/').collect();
    let param = |s: &str| s.starts_with('{') || (s.starts_with(':') && s.len() > 1);
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || (param(x) && param(y)))
}

/// A JSON pointer with every token made of data (an id, an e-mail, a NIK,
/// also inside a name: `nik_3273010101900001`) shown as `*`: the one key
/// mask of `mitra_core::redact::mask_pointer`.
pub(crate) fn mask_pointer(pointer: &str) -> String {
    super::keys::mask_pointer(pointer)
}

/// A URL path (or an endpoint's name) with every segment made of data
/// shown as `*`; a `{parameter}` and a version (`v1`, `1.0.1`) stay. A name without `/` is a heading's
/// words, shown as written.
pub(crate) fn mask_path(path: &str) -> String {
    if !path.contains('/') {
        return path.to_owned();
    }
    path.split('/')
        .map(|segment| {
            let parameter = segment
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .is_some_and(|name| !super::keys::data_shaped_key(name));
            // A version (`v1`, `1.0.1`): short numbers, no data.
            let version = {
                let numbers = segment.strip_prefix(['v', 'V']).unwrap_or(segment);
                numbers.split('.').count() <= 4
                    && numbers.split('.').all(|n| {
                        (1..=3).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
                    })
            };
            if segment.is_empty() || parameter || version {
                segment
            } else {
                super::keys::mask_key(segment)
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A table row's name as a finding may print it: itself where it is
/// identifier-shaped, or a nested property (`shipper.region_id`,
/// `items[].name`, as web documentation writes them) whose parent is a row
/// of the same table, each part identifier-shaped; else `*` (a table of
/// people lists their names, and `siti.rahmawati` has no row `siti`).
fn row_name<'a>(name: &'a str, rows: &[super::Row]) -> &'a str {
    let plain = |n: &str| n.strip_suffix("[]").unwrap_or(n).to_owned();
    if let Some((parent, _)) = name.rsplit_once('.')
        && rows.iter().any(|r| plain(&r.name) == plain(parent))
        && name
            .split('.')
            .all(|part| !super::keys::data_shaped_key(&plain(part)))
    {
        return name;
    }
    super::keys::mask_key(name)
}

struct Op<'a> {
    id: String,
    method: &'static str,
    path: String,
    node: &'a Value,
    item: &'a Value,
    from_document: bool,
    deviations: Vec<(String, String)>,
}

fn operations(spec: &Value) -> Result<Vec<Op<'_>>> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(node) = item.get(method) else {
                continue;
            };
            let id = node["operationId"].as_str().map_or_else(
                || format!("{} {path}", method.to_uppercase()),
                str::to_owned,
            );
            let mut deviations = Vec::new();
            if let Some(list) = node.get("x-mitra-doc-deviation") {
                for d in list.as_array().into_iter().flatten() {
                    match (d["what"].as_str(), d["reason"].as_str()) {
                        (Some(w), Some(r)) if !r.trim().is_empty() => {
                            deviations.push((w.to_owned(), r.to_owned()))
                        }
                        _ => bail!(
                            "{id}: each x-mitra-doc-deviation is {{what, reason}}, both text, reason not empty"
                        ),
                    }
                }
                if !list.is_array() {
                    bail!("{id}: x-mitra-doc-deviation is a list of {{what, reason}}");
                }
            }
            out.push(Op {
                id,
                method,
                path: path.clone(),
                node,
                item,
                from_document: node["x-mitra-source"].as_str() == Some("seed"),
                deviations,
            });
        }
    }
    Ok(out)
}

fn server_prefixes(spec: &Value) -> Vec<String> {
    let mut out: Vec<String> = spec["servers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["url"].as_str())
        .map(url_path)
        .map(|p| p.trim_end_matches('/').to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The operation an endpoint is, and what is off in how it was matched.
fn find<'s, 'o>(
    ops: &'o [Op<'s>],
    prefixes: &[String],
    ep: &Endpoint,
) -> Option<(&'o Op<'s>, Option<String>)> {
    let method = ep.method.as_deref().map(str::to_lowercase);
    if let Some(url) = &ep.url {
        let path = url_path(url);
        let mut candidates = vec![path.clone()];
        for p in prefixes {
            if let Some(rest) = path.strip_prefix(p.as_str()) {
                candidates.push(rest.to_owned());
            }
        }
        let on_path: Vec<&Op> = ops
            .iter()
            .filter(|op| candidates.iter().any(|c| same_path(c, &op.path)))
            .collect();
        if let Some(op) = on_path
            .iter()
            .find(|op| method.as_deref().is_none_or(|m| m == op.method))
        {
            return Some((op, None));
        }
        if let (Some(op), Some(m)) = (on_path.first(), &ep.method) {
            return Some((op, Some(format!("method: the document says {m}"))));
        }
    }
    let name = norm(ep.name.as_deref()?);
    let with_method = format!("{}{name}", norm(ep.method.as_deref().unwrap_or("")));
    ops.iter()
        .find(|op| {
            let id = norm(&op.id);
            (id == name || id == with_method) && method.as_deref().is_none_or(|m| m == op.method)
        })
        .map(|op| (op, None))
}

/// The operation (its `operationId`) each of a document's endpoints is,
/// where one is: what `cargo xtask coverage` reads an endpoint's names for.
pub fn operation_ids(spec: &Value, endpoints: &[Endpoint]) -> Result<Vec<Option<String>>> {
    let ops = operations(spec)?;
    let prefixes = server_prefixes(spec);
    Ok(endpoints
        .iter()
        .map(|ep| find(&ops, &prefixes, ep).map(|(op, _)| op.id.clone()))
        .collect())
}

/// A schema's top-level fields (allOf merged), one list per `oneOf`/`anyOf`
/// alternative.
fn fields(spec: &Value, schema: &Value) -> Vec<Vec<(String, bool)>> {
    let schema = mitra_spec::resolve(spec, schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = schema.get(key).and_then(Value::as_array) {
            return alts.iter().flat_map(|a| fields(spec, a)).collect();
        }
    }
    let mut out = Vec::new();
    let mut parts = vec![schema];
    parts.extend(
        schema["allOf"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| mitra_spec::resolve(spec, s)),
    );
    for part in parts {
        let required: Vec<&str> = part["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for name in part["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|p| p.0)
        {
            out.push((name.clone(), required.contains(&name.as_str())));
        }
    }
    vec![out]
}

/// The schema of a content map (JSON first) and its spec location.
fn content_schema<'a>(content: &'a Value, at: &str) -> Option<(&'a Value, String)> {
    let map = content.as_object()?;
    let (media, body) = map
        .iter()
        .find(|(m, _)| m.contains("json"))
        .or_else(|| map.iter().next())?;
    let schema = body.get("schema")?;
    Some((
        schema,
        format!("{at}/content/{}/schema", mitra_spec::escape(media)),
    ))
}

fn op_at(op: &Op) -> String {
    format!("/paths/{}/{}", mitra_spec::escape(&op.path), op.method)
}

fn request_schema<'a>(spec: &'a Value, op: &Op<'a>) -> Option<(&'a Value, String)> {
    let (body, at) = mitra_spec::resolve_at(
        spec,
        op.node.get("requestBody")?,
        &format!("{}/requestBody", op_at(op)),
    );
    content_schema(&body["content"], &at)
}

/// The response of `status` (or the first 2xx), its status and its node.
fn response<'a>(
    spec: &'a Value,
    op: &Op<'a>,
    status: Option<u16>,
) -> Option<(String, &'a Value, String)> {
    let responses = op.node["responses"].as_object()?;
    let key = match status {
        Some(s) => responses.keys().find(|k| **k == s.to_string())?.clone(),
        None => responses.keys().find(|k| k.starts_with('2'))?.clone(),
    };
    let at = format!("{}/responses/{key}", op_at(op));
    let (node, at) = mitra_spec::resolve_at(spec, &responses[&key], &at);
    Some((key, node, at))
}

fn place(role: &Role, spec: &Value, op: &Op) -> String {
    match role {
        Role::Request => "request".into(),
        Role::Response(s) => match response(spec, op, *s) {
            Some((key, _, _)) => format!("response {key}"),
            None => s.map_or("response".into(), |s| format!("response {s}")),
        },
    }
}

fn kind(m: &mitra_spec::Mismatch) -> String {
    use mitra_spec::Kind;
    match &m.kind {
        Kind::UnknownField => "field not in the spec".into(),
        Kind::MissingField => "required field missing".into(),
        Kind::NumberAsString => format!("a number as a string where the spec wants {}", m.expected),
        Kind::StringAsNumber => format!("a number where the spec wants {}", m.expected),
        Kind::WrongType(t) => format!("{t} where the spec wants {}", m.expected),
        Kind::Null => format!("null where the spec wants {}", m.expected),
        Kind::Enum => "a value outside the spec's enum".into(),
        Kind::Format(f) => format!("not of format {f}"),
        Kind::Pattern => "does not match the spec's pattern".into(),
        Kind::Ambiguous => "matches more than one oneOf alternative".into(),
        _ => format!("refused by {}", m.schema),
    }
}

fn check_example(spec: &Value, op: &Op, ex: &Example, out: &mut Vec<Finding>) {
    let mut push = |what: String| out.push(Finding::at(what, ex.line));
    let place = format!("{} example", place(&ex.role, spec, op));
    let target = match &ex.role {
        Role::Request => match request_schema(spec, op) {
            Some(s) => s,
            None => return push(format!("{place}: the spec has no request body")),
        },
        Role::Response(status) => match response(spec, op, *status) {
            Some((_, node, at)) => match content_schema(&node["content"], &at) {
                Some(s) => s,
                None => return push(format!("{place}: the spec's response has no body")),
            },
            None => return push(format!("{place}: not a response of the spec")),
        },
    };
    for d in &ex.duplicates {
        push(format!("{place}: {}: duplicate key", mask_pointer(d)));
    }
    for m in mitra_spec::validate_at(spec, target.0, &target.1, &ex.value) {
        let parent = m.pointer.rsplit_once('/').map_or("", |(p, _)| p);
        if m.kind == mitra_spec::Kind::MissingField && ex.elided.iter().any(|e| e == parent) {
            continue;
        }
        let at = if m.pointer.is_empty() {
            "(root)".to_owned()
        } else {
            mask_pointer(&m.pointer)
        };
        push(format!("{place}: {at}: {}", kind(&m)));
    }
}

/// The request's fields: its query and path parameters and its body's
/// top-level properties, one list per body alternative.
fn request_fields(spec: &Value, op: &Op) -> Vec<Vec<(String, bool)>> {
    let mut params = Vec::new();
    for p in op.item["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(op.node["parameters"].as_array().into_iter().flatten())
    {
        let p = mitra_spec::resolve(spec, p);
        if matches!(p["in"].as_str(), Some("query" | "path"))
            && let Some(name) = p["name"].as_str()
        {
            params.push((name.to_owned(), p["required"].as_bool().unwrap_or(false)));
        }
    }
    match request_schema(spec, op) {
        Some((schema, _)) => fields(spec, schema)
            .into_iter()
            .map(|alt| params.iter().cloned().chain(alt).collect())
            .collect(),
        None => vec![params],
    }
}

/// How deep nested fields are followed (`a.b.c.d`).
const DEPTH: usize = 5;

/// Every field under `schema`, nested ones by their dotted names
/// (`shipper.region_id`; an array's items as the array: `items.weight`),
/// with whether its own object requires it.
fn deep_fields(
    spec: &Value,
    schema: &Value,
    prefix: &str,
    depth: usize,
    out: &mut Vec<(String, bool)>,
) {
    if depth == 0 {
        return;
    }
    let schema = mitra_spec::resolve(spec, schema);
    let mut parts = vec![schema];
    parts.extend(
        schema["allOf"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| mitra_spec::resolve(spec, s)),
    );
    for part in parts {
        let required: Vec<&str> = part["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, sub) in part["properties"].as_object().into_iter().flatten() {
            let dotted = format!("{prefix}{name}");
            out.push((dotted.clone(), required.contains(&name.as_str())));
            deep_fields(
                spec,
                &element(spec, sub),
                &format!("{dotted}."),
                depth - 1,
                out,
            );
        }
    }
}

/// An array's items, or the schema itself.
fn element(spec: &Value, schema: &Value) -> Value {
    let resolved = mitra_spec::resolve(spec, schema);
    match resolved.get("items") {
        Some(items) if resolved["type"] == "array" => mitra_spec::resolve(spec, items).clone(),
        _ => resolved.clone(),
    }
}

/// The fields of every object in `schema`'s tree (itself included), each
/// object's by names relative to it: what a page's table of one object's
/// fields (`shipper Object`) may describe.
fn objects(spec: &Value, schema: &Value, depth: usize, out: &mut Vec<Vec<(String, bool)>>) {
    if depth == 0 {
        return;
    }
    let schema = element(spec, schema);
    let mut own = Vec::new();
    deep_fields(spec, &schema, "", DEPTH, &mut own);
    if own.is_empty() {
        return;
    }
    out.push(own);
    for sub in schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|p| p.1)
    {
        objects(spec, sub, depth - 1, out);
    }
}

/// The part of a dotted name before its last dot (`""` for a top-level one).
fn parent(name: &str) -> &str {
    name.rsplit_once('.').map_or("", |(p, _)| p)
}

fn check_table(spec: &Value, op: &Op, table: &Table, out: &mut Vec<Finding>) {
    let line = table.line;
    let place = format!("{} table", place(&table.role, spec, op));
    let alternatives = match &table.role {
        Role::Request if table.nested => {
            let mut alts: Vec<Vec<(String, bool)>> = request_fields(spec, op);
            if let Some((schema, _)) = request_schema(spec, op) {
                let mut deep = Vec::new();
                deep_fields(spec, schema, "", DEPTH, &mut deep);
                if let Some(first) = alts.first_mut() {
                    first.extend(deep.into_iter().filter(|(n, _)| n.contains('.')));
                }
                let mut nested = Vec::new();
                objects(spec, schema, DEPTH, &mut nested);
                alts.extend(nested.into_iter().skip(1));
            }
            alts
        }
        Role::Request => request_fields(spec, op),
        Role::Response(status) => match response(spec, op, *status) {
            Some((_, node, at)) => match content_schema(&node["content"], &at) {
                Some((schema, _)) if table.nested => {
                    let mut nested = Vec::new();
                    objects(spec, schema, DEPTH, &mut nested);
                    nested
                }
                Some((schema, _)) => fields(spec, schema),
                None => {
                    return out.push(Finding::at(
                        format!("{place}: the spec's response has no body"),
                        line,
                    ));
                }
            },
            None => {
                return out.push(Finding::at(
                    format!("{place}: not a response of the spec"),
                    line,
                ));
            }
        },
    };
    let mut best: Option<Vec<String>> = None;
    for alt in alternatives {
        let mut found = Vec::new();
        for row in &table.rows {
            match alt.iter().find(|(n, _)| *n == row.name) {
                None => found.push(format!(
                    "{place}: {}: not in the spec",
                    row_name(&row.name, &table.rows)
                )),
                Some((_, required)) => match row.required {
                    Some(true) if !required => found.push(format!(
                        "{place}: {}: required in the document, optional in the spec",
                        row_name(&row.name, &table.rows)
                    )),
                    Some(false) if *required => found.push(format!(
                        "{place}: {}: optional in the document, required in the spec",
                        row_name(&row.name, &table.rows)
                    )),
                    _ => {}
                },
            }
        }
        if table.complete {
            // A page's table lists the fields of the objects its rows are in.
            let parents: BTreeSet<&str> = table.rows.iter().map(|r| parent(&r.name)).collect();
            for (name, _) in &alt {
                if table.nested && !parents.contains(parent(name)) {
                    continue;
                }
                if !table.rows.iter().any(|r| r.name == *name) {
                    found.push(format!("{place}: {name}: not in the document"));
                }
            }
        }
        if best.as_ref().is_none_or(|b| found.len() < b.len()) {
            best = Some(found);
        }
    }
    out.extend(
        best.unwrap_or_default()
            .into_iter()
            .map(|w| Finding::at(w, line)),
    );
}

/// Splits `findings` into differences and accepted, and lists the unused
/// deviations.
fn judge(op: Option<&Op>, findings: Vec<Finding>, status: Status) -> Line {
    let deviations = op.map_or(&[][..], |o| &o.deviations[..]);
    let mut line = Line {
        status,
        endpoint: None,
        operation: op.map(|o| o.id.clone()),
        differences: Vec::new(),
        accepted: Vec::new(),
        unused: Vec::new(),
    };
    for f in findings {
        match deviations.iter().find(|(what, _)| *what == f.what) {
            Some((_, reason)) => line.accepted.push((f, reason.clone())),
            None => line.differences.push(f),
        }
    }
    let seen: BTreeSet<&str> = line.accepted.iter().map(|(f, _)| f.what.as_str()).collect();
    line.unused = deviations
        .iter()
        .filter(|(what, _)| !seen.contains(what.as_str()))
        .map(|(what, _)| what.clone())
        .collect();
    if status == Status::Same && !line.differences.is_empty() {
        line.status = Status::Differs;
    }
    line
}

/// Compare a document's endpoints with the spec's operations.
pub fn compare(spec: &Value, endpoints: &[Endpoint]) -> Result<Report> {
    let ops = operations(spec)?;
    let prefixes = server_prefixes(spec);
    let mut lines = Vec::new();
    let mut matched = BTreeSet::new();
    for ep in endpoints {
        let label = (ep.label(), ep.line);
        let Some((op, off)) = find(&ops, &prefixes, ep) else {
            let found = Finding::at("new in the document".into(), ep.line);
            let mut line = judge(None, vec![found], Status::New);
            line.endpoint = Some(label);
            lines.push(line);
            continue;
        };
        matched.insert(op.id.clone());
        let mut findings: Vec<Finding> = off.map(|w| Finding::at(w, ep.line)).into_iter().collect();
        for at in &ep.unreadable {
            findings.push(Finding::at("an example is not JSON".into(), *at));
        }
        for ex in &ep.examples {
            check_example(spec, op, ex, &mut findings);
        }
        for table in &ep.tables {
            check_table(spec, op, table, &mut findings);
        }
        let mut line = judge(Some(op), findings, Status::Same);
        line.endpoint = Some(label);
        lines.push(line);
    }
    for op in ops
        .iter()
        .filter(|o| o.from_document && !matched.contains(&o.id))
    {
        lines.push(judge(
            Some(op),
            vec![Finding {
                what: "gone from the document".into(),
                line: None,
            }],
            Status::Gone,
        ));
    }
    Ok(Report {
        lines,
        unit: "line",
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_made_of_data_are_masked_in_pointers() {
        assert_eq!(
            super::mask_pointer("/users/3204850000000000/a@b.id/name/0"),
            "/users/*/*/name/0"
        );
    }

    #[test]
    fn names_and_e_mail_addresses_in_rows_and_urls_are_masked() {
        // Issue #37 row 9.
        assert_eq!(
            super::mask_path("/nasabah/3273010101900001/siti.rahmawati"),
            "/nasabah/*/*"
        );
        assert_eq!(
            super::mask_path("/api/akun/{kode}/x@y.id"),
            "/api/akun/{kode}/*"
        );
        assert_eq!(super::mask_path("Get a token"), "Get a token");
        assert_eq!(
            super::mask_path("/utilitas/1.0.1/v2/x"),
            "/utilitas/1.0.1/v2/x"
        );
        assert_eq!(super::mask_path("/x/3273.0101.9000"), "/x/*");
        let row = |name: &str| super::super::Row {
            name: name.into(),
            required: None,
        };
        let rows = [row("shipper"), row("items[]")];
        assert_eq!(super::row_name("Siti Rahmawati", &rows), "*");
        assert_eq!(super::row_name("siti.rahmawati@contoh.id", &rows), "*");
        assert_eq!(super::row_name("siti.rahmawati", &rows), "*");
        assert_eq!(super::row_name("province_id", &rows), "province_id");
        assert_eq!(
            super::row_name("shipper.region_id", &rows),
            "shipper.region_id"
        );
        assert_eq!(super::row_name("items[].name", &rows), "items[].name");
        assert_eq!(super::row_name("shipper.3273010101900001", &rows), "*");
        assert_eq!(super::mask_pointer("/data/nik_3273010101900001"), "/data/*");
    }

    #[test]
    fn paths_match_with_any_parameter_names() {
        assert!(super::same_path("/user/{id}", "/user/{registration_id}/"));
        assert!(!super::same_path("/user/{id}", "/users/{id}"));
        assert!(super::same_path("/akun/:kode", "/akun/{kode}"));
        assert_eq!(super::url_path("https://h:8245/a/b?x=1"), "/a/b");
        assert_eq!(super::url_path("{baseUrl}"), "");
    }
}
