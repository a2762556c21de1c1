//! `cargo xtask coverage`: does a cited source say what the spec says?
//!
//! Every field of every operation (its query and path parameters, and the
//! properties of its request and response bodies at every depth, by dotted
//! names with an array's items as the array: `data.transaksi.akun`) is put
//! in the first of these classes that fits:
//!
//! 1. **documented**: a document the operation cites shows its name: the
//!    partner document (`x-mitra-source: seed`, read from
//!    `xtask/fixtures/docs/<vendor>.txt`) or a saved copy of a vendor page
//!    (`xtask/fixtures/docs/<vendor>/*`, first line `Source: <address>`)
//!    whose address the operation's `x-mitra-source` or
//!    `x-mitra-also-source` (a list) names. Names are read by the docs
//!    module's parsers from the document's endpoints that are this operation
//!    (or the one its `x-mitra-documented-as` names, when the document
//!    describes it within another's endpoint): their examples (exact dotted
//!    names) and tables (a web page's table of one object's fields may name
//!    a field relative to its object). What the parsers cannot read (a
//!    code sample, prose, an example cut short) is transcribed, with its
//!    `Source:`, in `xtask/fixtures/docs/<vendor>/transcribed.md`;
//! 2. **public code**: only public client code shows it, as transcribed
//!    there with the code's source;
//! 3. **assumed**: the field, an object it is in, or its operation says
//!    `x-mitra-assumption` (or the operation rests on `assumption`);
//! 4. **unsourced**: none of these: each one is to be sourced or marked.
//!
//! README's table of it is generated and checked by `cargo xtask generate`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::docs::{self, Document, Role};

/// Where a field's name is, on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// A parameter or a field of the request body.
    Request,
    /// A field of a response body (any status).
    Response,
}

impl Side {
    fn word(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

/// What a field rests on, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// A document the operation cites shows it.
    Documented,
    /// Only public client code shows it.
    PublicCode,
    /// Marked `x-mitra-assumption` (on it, an object it is in, or its operation).
    Assumed,
    /// None of these.
    Unsourced,
}

impl Class {
    /// The word the reports use.
    pub fn word(self) -> &'static str {
        match self {
            Class::Documented => "documented",
            Class::PublicCode => "public code",
            Class::Assumed => "assumed",
            Class::Unsourced => "unsourced",
        }
    }
}

/// One field of an operation and what it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Request or response.
    pub side: Side,
    /// Its dotted name (`shipper.region_id`; an array's items as the array).
    pub name: String,
    /// What it rests on.
    pub class: Class,
}

/// One operation's fields.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Its `operationId`.
    pub id: String,
    /// Its fields, request first, each name once per side.
    pub fields: Vec<Field>,
}

impl Operation {
    /// How many of its fields are of each class, in [`Class`] order.
    pub fn counts(&self) -> [usize; 4] {
        count(self.fields.iter())
    }
}

fn count<'a>(fields: impl Iterator<Item = &'a Field>) -> [usize; 4] {
    let mut out = [0; 4];
    for f in fields {
        out[f.class as usize] += 1;
    }
    out
}

/// The names a source shows for one operation.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Full dotted names (`data.kode`).
    pub exact: BTreeSet<(Side, String)>,
    /// Names relative to some object of the operation (a page's table of
    /// one object's fields): they match the end of a dotted name.
    pub relative: BTreeSet<(Side, String)>,
}

impl Names {
    fn shows(&self, side: Side, name: &str) -> bool {
        self.exact.contains(&(side, name.to_owned()))
            || self
                .relative
                .iter()
                .any(|(s, r)| *s == side && (name == r || name.ends_with(&format!(".{r}"))))
    }
}

/// What the sources show, per `operationId`.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// By the documents each operation cites.
    pub documented: BTreeMap<String, Names>,
    /// By public client code.
    pub code: BTreeMap<String, Names>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn has_assumption(node: &Value) -> bool {
    node.get("x-mitra-assumption").is_some()
}

/// Every field under `schema` (allOf, oneOf and anyOf merged; an array's
/// items as the array), each with whether an assumption covers it.
fn walk(
    spec: &Value,
    schema: &Value,
    prefix: &str,
    assumed: bool,
    depth: usize,
    out: &mut Vec<(String, bool)>,
) {
    if depth == 0 {
        return;
    }
    let resolved = mitra_spec::resolve(spec, schema);
    let assumed = assumed || has_assumption(schema) || has_assumption(resolved);
    if let Some(items) = resolved.get("items") {
        walk(spec, items, prefix, assumed, depth - 1, out);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in resolved[key].as_array().into_iter().flatten() {
            walk(spec, part, prefix, assumed, depth - 1, out);
        }
    }
    if let Some(extra) = resolved
        .get("additionalProperties")
        .filter(|a| a.is_object())
    {
        walk(spec, extra, prefix, assumed, depth - 1, out);
    }
    for (name, sub) in resolved["properties"].as_object().into_iter().flatten() {
        let dotted = format!("{prefix}{name}");
        let resolved_sub = mitra_spec::resolve(spec, sub);
        out.push((
            dotted.clone(),
            assumed || has_assumption(sub) || has_assumption(resolved_sub),
        ));
        walk(spec, sub, &format!("{dotted}."), assumed, depth - 1, out);
    }
}

/// How deep fields are followed.
const DEPTH: usize = 12;

fn content_fields(spec: &Value, holder: &Value, assumed: bool, out: &mut Vec<(String, bool)>) {
    let holder = mitra_spec::resolve(spec, holder);
    let assumed = assumed || has_assumption(holder);
    for media in holder["content"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|m| m.1)
    {
        if let Some(schema) = media.get("schema") {
            walk(spec, schema, "", assumed, DEPTH, out);
        }
    }
}

/// The fields of every operation of `spec`, classed by what `shown` says.
pub fn operations(spec: &Value, shown: &Shown) -> Vec<Operation> {
    let none = Names::default();
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
            let op_assumed =
                has_assumption(node) || node["x-mitra-source"].as_str() == Some("assumption");
            let mut fields: Vec<(Side, String, bool)> = Vec::new();
            for p in item["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(node["parameters"].as_array().into_iter().flatten())
            {
                let resolved = mitra_spec::resolve(spec, p);
                if !matches!(resolved["in"].as_str(), Some("query" | "path")) {
                    continue;
                }
                let Some(name) = resolved["name"].as_str() else {
                    continue;
                };
                let schema = &resolved["schema"];
                let assumed = op_assumed
                    || has_assumption(p)
                    || has_assumption(resolved)
                    || has_assumption(schema)
                    || has_assumption(mitra_spec::resolve(spec, schema));
                fields.push((Side::Request, name.to_owned(), assumed));
            }
            if let Some(body) = node.get("requestBody") {
                let mut found = Vec::new();
                content_fields(spec, body, op_assumed, &mut found);
                fields.extend(found.into_iter().map(|(n, a)| (Side::Request, n, a)));
            }
            for response in node["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|r| r.1)
            {
                let mut found = Vec::new();
                content_fields(spec, response, op_assumed, &mut found);
                fields.extend(found.into_iter().map(|(n, a)| (Side::Response, n, a)));
            }
            let documented = shown.documented.get(&id).unwrap_or(&none);
            let code = shown.code.get(&id).unwrap_or(&none);
            let mut best: BTreeMap<(Side, String), Class> = BTreeMap::new();
            let mut order = Vec::new();
            for (side, name, assumed) in fields {
                let class = if documented.shows(side, &name) {
                    Class::Documented
                } else if code.shows(side, &name) {
                    Class::PublicCode
                } else if assumed {
                    Class::Assumed
                } else {
                    Class::Unsourced
                };
                let key = (side, name);
                match best.get_mut(&key) {
                    Some(c) => *c = (*c).min(class),
                    None => {
                        order.push(key.clone());
                        best.insert(key, class);
                    }
                }
            }
            order.sort_by_key(|(side, _)| *side);
            let fields = order
                .into_iter()
                .map(|key| Field {
                    class: best[&key],
                    side: key.0,
                    name: key.1,
                })
                .collect();
            out.push(Operation { id, fields });
        }
    }
    out
}

/// Every key of a JSON example, dotted (an array's items as the array).
fn keys(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let dotted = format!("{prefix}{k}");
                out.insert(dotted.clone());
                keys(v, &format!("{dotted}."), out);
            }
        }
        Value::Array(items) => {
            for v in items {
                keys(v, prefix, out);
            }
        }
        _ => {}
    }
}

fn side(role: &Role) -> Side {
    match role {
        Role::Request => Side::Request,
        Role::Response(_) => Side::Response,
    }
}

/// The names `doc` shows for each operation of `spec` its endpoints are.
pub fn names_in(spec: &Value, doc: &Document) -> Result<BTreeMap<String, Names>> {
    let mut out: BTreeMap<String, Names> = BTreeMap::new();
    let ids = docs::compare::operation_ids(spec, &doc.endpoints)?;
    for (ep, id) in doc.endpoints.iter().zip(ids) {
        let Some(id) = id else { continue };
        let names = out.entry(id).or_default();
        for ex in &ep.examples {
            let mut found = BTreeSet::new();
            keys(&ex.value, "", &mut found);
            let s = side(&ex.role);
            names.exact.extend(found.into_iter().map(|n| (s, n)));
        }
        for table in &ep.tables {
            let s = side(&table.role);
            for row in &table.rows {
                let set = if table.nested {
                    &mut names.relative
                } else {
                    &mut names.exact
                };
                set.insert((s, row.name.clone()));
            }
        }
    }
    Ok(out)
}

/// One block of a transcription: what its sources show for an operation.
#[derive(Debug, Clone, Default)]
pub struct Transcribed {
    /// Its `operationId`, or `*` for every operation.
    pub operation: String,
    /// Its `Source:` lines.
    pub sources: Vec<String>,
    /// The names it lists.
    pub names: Names,
}

/// A transcription of what the docs reader cannot read (public client code,
/// a code sample of a vendor's document): blocks `## <operationId>` (or
/// `## *`, every operation), one or more `Source: <where>` lines, and
/// `request: a, b.c` / `response: x, y.z` lines of dotted names.
pub fn transcribed(text: &str) -> Result<Vec<Transcribed>> {
    let mut out: Vec<Transcribed> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(id) = line.strip_prefix("## ") {
            out.push(Transcribed {
                operation: id.trim().to_owned(),
                ..Transcribed::default()
            });
            continue;
        }
        let Some(block) = out.last_mut() else {
            continue;
        };
        if let Some(source) = line.strip_prefix("Source:") {
            block.sources.push(source.trim().to_owned());
            continue;
        }
        let (s, list) = if let Some(l) = line.strip_prefix("request:") {
            (Side::Request, l)
        } else if let Some(l) = line.strip_prefix("response:") {
            (Side::Response, l)
        } else {
            continue;
        };
        if block.sources.is_empty() {
            bail!(
                "line {}: {}: names before its `Source:` line",
                i + 1,
                block.operation
            );
        }
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            block
                .names
                .exact
                .insert((s, name.trim_matches('`').to_owned()));
        }
    }
    Ok(out)
}

/// The sources an operation cites: its `x-mitra-source` and every entry of
/// its `x-mitra-also-source` (a list of `seed` or `public: <where>`).
fn citations(node: &Value) -> Result<Vec<String>> {
    let mut out: Vec<String> = node["x-mitra-source"]
        .as_str()
        .map(str::to_owned)
        .into_iter()
        .collect();
    let Some(also) = node.get("x-mitra-also-source") else {
        return Ok(out);
    };
    let list = also.as_array().map(Vec::as_slice).unwrap_or_default();
    for entry in list {
        match entry.as_str() {
            Some(s) if s == "seed" || s.starts_with("public: ") => out.push(s.to_owned()),
            _ => {
                bail!("x-mitra-also-source: each entry is `seed` or `public: <where>`, not {entry}")
            }
        }
    }
    if list.is_empty() {
        bail!("x-mitra-also-source: a list of `seed` or `public: <where>`, not {also}");
    }
    Ok(out)
}

/// The saved page copies of a vendor: (address, path).
fn page_copies(root: &Path, vendor: &str) -> Result<Vec<(String, std::path::PathBuf)>> {
    let dir = root.join("xtask/fixtures/docs").join(vendor);
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(out);
    };
    for entry in entries {
        let path = entry?.path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Some(url) = text.lines().next().and_then(|l| l.strip_prefix("Source: ")) {
            out.push((url.trim().to_owned(), path));
        }
    }
    out.sort();
    Ok(out)
}

/// Where a transcription of a vendor is kept.
pub fn transcription_rel(vendor: &str) -> String {
    format!("xtask/fixtures/docs/{vendor}/transcribed.md")
}

fn merge(into: &mut Names, from: &Names) {
    into.exact.extend(from.exact.iter().cloned());
    into.relative.extend(from.relative.iter().cloned());
}

/// What the sources of `vendor` show, read from the repository.
pub fn shown(root: &Path, vendor: &str, spec: &Value) -> Result<Shown> {
    let mut shown = Shown::default();
    let mut read: BTreeMap<std::path::PathBuf, BTreeMap<String, Names>> = BTreeMap::new();
    let seed = root.join(format!("xtask/fixtures/docs/{vendor}.txt"));
    let pages = page_copies(root, vendor)?;
    let rel = transcription_rel(vendor);
    let blocks = match std::fs::read_to_string(root.join(&rel)) {
        Ok(text) => transcribed(&text).with_context(|| rel.clone())?,
        Err(_) => Vec::new(),
    };
    let mut ids = BTreeSet::new();
    // (operation, the one whose endpoints describe it)
    let mut documented_as = Vec::new();
    for item in spec["paths"].as_object().into_iter().flatten().map(|p| p.1) {
        for node in METHODS.iter().filter_map(|m| item.get(*m)) {
            let Some(id) = node["operationId"].as_str() else {
                continue;
            };
            ids.insert(id.to_owned());
            let cited = citations(node).with_context(|| id.to_owned())?;
            let mut files = Vec::new();
            for c in &cited {
                if c == "seed" {
                    files.push(seed.clone());
                } else if c.starts_with("public:") {
                    files.extend(
                        pages
                            .iter()
                            .filter(|(url, _)| c.contains(url.as_str()))
                            .map(|(_, p)| p.clone()),
                    );
                }
            }
            let described_by = node["x-mitra-documented-as"].as_str().unwrap_or(id);
            if described_by != id {
                documented_as.push((id.to_owned(), described_by.to_owned()));
            }
            for file in files {
                if !read.contains_key(&file) {
                    let doc = docs::read_document(&file)?;
                    let names = names_in(spec, &doc)
                        .with_context(|| format!("reading {}", file.display()))?;
                    read.insert(file.clone(), names);
                }
                if let Some(names) = read[&file].get(described_by) {
                    merge(shown.documented.entry(id.to_owned()).or_default(), names);
                }
            }
            for block in blocks
                .iter()
                .filter(|b| b.operation == id || b.operation == "*")
            {
                // A transcription of a document the operation cites documents;
                // of anything else (public client code), it does not.
                let of_cited = block.sources.iter().any(|s| {
                    cited
                        .iter()
                        .any(|c| c.starts_with("public:") && c.contains(s.as_str()))
                });
                let into = if of_cited {
                    &mut shown.documented
                } else {
                    &mut shown.code
                };
                merge(into.entry(id.to_owned()).or_default(), &block.names);
            }
        }
    }
    for block in &blocks {
        if block.operation != "*" && !ids.contains(&block.operation) {
            bail!(
                "{rel}: no operation {} in specs/{vendor}.yaml",
                block.operation
            );
        }
    }
    for (id, other) in documented_as {
        if !ids.contains(&other) {
            bail!("{id}: x-mitra-documented-as names no operation {other}");
        }
    }
    Ok(shown)
}

/// One vendor's operations, classed.
pub fn vendor(root: &Path, vendor: &str) -> Result<Vec<Operation>> {
    let spec_rel = format!("specs/{vendor}.yaml");
    let text = std::fs::read_to_string(root.join(&spec_rel))
        .with_context(|| format!("reading {spec_rel}"))?;
    let spec = mitra_spec::parse(&text).with_context(|| format!("parsing {spec_rel}"))?;
    let shown = shown(root, vendor, &spec)?;
    let ops = operations(&spec, &shown);
    Ok(ops)
}

const HEAD: &str = "| documented | public code only | assumed | unsourced |\n";

fn row(counts: [usize; 4]) -> String {
    format!(
        "| {} | {} | {} | {} |",
        counts[0], counts[1], counts[2], counts[3]
    )
}

/// The per-vendor table (README's).
pub fn vendor_table(all: &[(&str, Vec<Operation>)]) -> String {
    let mut out = format!("| vendor | operations | fields {HEAD}|---|---|---|---|---|---|---|\n");
    for (title, ops) in all {
        let fields: usize = ops.iter().map(|o| o.fields.len()).sum();
        let counts = count(ops.iter().flat_map(|o| o.fields.iter()));
        out.push_str(&format!(
            "| {title} | {} | {fields} {}\n",
            ops.len(),
            row(counts)
        ));
    }
    out
}

/// The per-operation table of one vendor, and its unsourced fields.
pub fn operation_table(ops: &[Operation], fields: bool) -> String {
    let mut out = format!("| operation | fields {HEAD}|---|---|---|---|---|---|\n");
    for op in ops {
        out.push_str(&format!(
            "| {} | {} {}\n",
            op.id,
            op.fields.len(),
            row(op.counts())
        ));
    }
    for op in ops {
        for f in &op.fields {
            if fields || f.class == Class::Unsourced {
                out.push_str(&format!(
                    "{}: {} {}: {}\n",
                    op.id,
                    f.side.word(),
                    f.name,
                    f.class.word()
                ));
            }
        }
    }
    out
}

const START: &str = "<!-- coverage: generated by `cargo xtask generate` from the specs and the documents they cite; do not edit -->";
const END: &str = "<!-- coverage: end -->";

/// Every vendor's operations, classed, with its title.
pub fn all(root: &Path) -> Result<Vec<(&'static str, Vec<Operation>)>> {
    crate::vendors::VENDORS
        .iter()
        .map(|v| Ok((v.title, vendor(root, v.name)?)))
        .collect()
}

/// Writes (or checks) README's coverage table.
pub fn readme(root: &Path, check: bool) -> Result<(String, crate::output::Outcome)> {
    let rel = "README.md";
    let text = std::fs::read_to_string(root.join(rel)).context("reading README.md")?;
    let (Some(start), Some(end)) = (text.find(START), text.find(END)) else {
        bail!("README.md: no coverage section ({START} ... {END})");
    };
    let all = all(root)?;
    let mut section = format!("{START}\n{}", vendor_table(&all));
    section.push_str("\n<details><summary>Per operation</summary>\n\n");
    for (title, ops) in &all {
        section.push_str(&format!(
            "{title}\n\n{}\n",
            operation_table(ops, false)
                .lines()
                .take_while(|l| l.starts_with('|'))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        ));
    }
    section.push_str("</details>\n");
    let expected = format!("{}{section}{}", &text[..start], &text[end..]);
    let outcome = crate::output::write_or_check(
        root,
        rel,
        "the specs and the documents they cite",
        expected,
        check,
    )?;
    Ok((rel.to_owned(), outcome))
}

#[cfg(test)]
mod tests;
