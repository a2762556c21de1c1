//! `cargo xtask docs <vendor> <file>`: what a vendor's document says
//! differently from the spec.
//!
//! A document (text or markdown as vendors hand them over, the text of a
//! vendor's web page (Apidog: a method line, a path line, tables `Property
//! Name | Data Type | Required | Notes`), or a Postman v2.1 collection) is
//! read into [`Endpoint`]s, each with the JSON examples
//! and parameter tables that belong to it ([`text`], [`postman`]); each is
//! then compared with the spec's operation ([`compare`]). What the spec
//! knowingly does otherwise is listed beside the operation as
//! `x-mitra-doc-deviation: [{what, reason}]` and reported as accepted.
//!
//! The report never shows a value of the document's examples (they may hold
//! names, NIKs, e-mails): only JSON pointers, field names and kinds.

pub mod compare;
pub mod json;
/// The one key mask of `mitra_core::redact` (the same file, compiled here:
/// xtask does not depend on the runtime).
#[path = "../../../crates/mitra-core/src/keys.rs"]
#[allow(dead_code)]
mod keys;
pub mod postman;
pub mod text;

#[cfg(test)]
mod tests;

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

/// What an example or a table describes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// The request (its body, or its parameters and form fields).
    Request,
    /// A response, with its HTTP status when the document gives one.
    Response(Option<u16>),
}

/// One JSON example of a document.
#[derive(Debug, Clone)]
pub struct Example {
    /// Request or response.
    pub role: Role,
    /// The example, with elisions (`...`, `{...}`) taken out.
    pub value: Value,
    /// JSON pointers of keys the example gives twice (JSON keeps the last).
    pub duplicates: Vec<String>,
    /// JSON pointers of objects the document cut short (`....`): a required
    /// field missing there is not reported.
    pub elided: Vec<String>,
    /// 1-based line (text) or item number (Postman) where it starts.
    pub line: usize,
}

/// One row of a parameter table: a name, and whether it is required if the
/// table says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The parameter or field name.
    pub name: String,
    /// `Some` when the table has a required column (or says so in words).
    pub required: Option<bool>,
}

/// A parameter table (or what stands for one: a JSON Schema block, a
/// sentence naming a parameter, a Postman request's keys).
#[derive(Debug, Clone)]
pub struct Table {
    /// Request or response fields.
    pub role: Role,
    /// Its rows, in document order.
    pub rows: Vec<Row>,
    /// Whether the table means to list every field (a sentence naming one
    /// parameter does not: fields it leaves out are not reported).
    pub complete: bool,
    /// 1-based line where it starts.
    pub line: usize,
    /// A web page's table (`Property Name | Data Type | Required | Notes`):
    /// its rows may name nested fields (`shipper.region_id`), and a table
    /// of one object's fields (`shipper Object`, `B2bCourierItem Object`)
    /// is compared with the object of the operation it matches best.
    pub nested: bool,
}

/// One endpoint a document describes.
#[derive(Debug, Clone, Default)]
pub struct Endpoint {
    /// `GET`, `POST`, ... when the document says.
    pub method: Option<String>,
    /// The URL or path as documented (`https://host/a/b`, `/check`).
    pub url: Option<String>,
    /// Its name when the document gives one (`getCity`, `City`, `Get a token`).
    pub name: Option<String>,
    /// 1-based line where it is introduced.
    pub line: usize,
    /// Its JSON examples.
    pub examples: Vec<Example>,
    /// Its parameter tables.
    pub tables: Vec<Table>,
    /// Whether the method was given for this endpoint (not carried over
    /// from an earlier one).
    pub method_explicit: bool,
    /// Examples that could not be read as JSON: their lines.
    pub unreadable: Vec<usize>,
    /// Introduced by a web page's method and path lines (an Apidog page
    /// describes one operation: the spec's others are not gone from it).
    pub page: bool,
}

impl Endpoint {
    /// `POST /check`, `GET City`, as the report names it.
    pub fn label(&self) -> String {
        let what = self
            .url
            .as_deref()
            .map(compare::url_path)
            .or(self.name.clone())
            .unwrap_or_default();
        // A concrete URL in a document may carry data (a NIK, a name or an
        // e-mail address in the path).
        let what = compare::mask_path(&what);
        match &self.method {
            Some(m) => format!("{m} {what}"),
            None => what,
        }
    }
}

/// A document read.
#[derive(Debug, Clone)]
pub struct Document {
    /// Its endpoints, in document order.
    pub endpoints: Vec<Endpoint>,
    /// What its positions count: `line` (text) or `request` (Postman).
    pub unit: &'static str,
    /// A vendor's web page (or a saved copy of one): it describes its own
    /// operation, not the whole API, so no operation is gone from it.
    pub page: bool,
}

/// Read a document: a Postman collection when the file is one, else text.
pub fn read_document(path: &Path) -> Result<Document> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let content = String::from_utf8_lossy(&bytes);
    if let Some(collection) = postman::as_collection(&content) {
        return Ok(Document {
            endpoints: postman::read(&collection)?,
            unit: "request",
            page: false,
        });
    }
    let endpoints = text::read(&content);
    Ok(Document {
        page: text::is_page(&content) || endpoints.iter().any(|e| e.page),
        endpoints,
        unit: "line",
    })
}

/// Compare the document at `file` with `specs/<vendor>.yaml` under `root`.
pub fn run(root: &Path, vendor: &str, file: &Path) -> Result<compare::Report> {
    let known: Vec<_> = crate::vendors::VENDORS.iter().map(|v| v.name).collect();
    if !known.contains(&vendor) {
        anyhow::bail!("no vendor {vendor:?}: vendors are {}", known.join(", "));
    }
    let spec_rel = format!("specs/{vendor}.yaml");
    let spec_path = root.join(&spec_rel);
    let text =
        std::fs::read_to_string(&spec_path).with_context(|| format!("reading {spec_rel}"))?;
    let spec = mitra_spec::parse(&text).with_context(|| format!("parsing {spec_rel}"))?;
    let doc = read_document(file)?;
    let mut report = compare::compare(&spec, &doc.endpoints)?;
    report.unit = doc.unit;
    // A vendor's web page describes one operation: nothing else is gone
    // from it.
    if doc.page {
        report.lines.retain(|l| l.status != compare::Status::Gone);
    }
    Ok(report)
}

/// The exit status of a comparison: 0 when document and spec agree, 3 when
/// they differ (2, usage or reading errors, is the caller's).
pub fn exit_code(report: &compare::Report) -> u8 {
    if report.agree() { 0 } else { 3 }
}
