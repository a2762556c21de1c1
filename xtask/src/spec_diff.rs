//! What changed between two versions of a vendor's spec, each change
//! classified twice: on the wire (does a client built from the old spec
//! still work against the vendor as the new one documents it?) and in Rust
//! (what the regenerated crate's public API does under Cargo's semver rules).
//!
//! The Rust side follows what `cargo xtask generate` makes of a spec:
//! - one public method per operation, parameters as positional arguments,
//!   so any parameter change changes a signature;
//! - one type per schema: request and response types are `#[non_exhaustive]`
//!   structs with a constructor taking the required fields (see
//!   [`ADDITIONS_ARE_MINOR`]); request enums are exhaustive, response enums
//!   open (`Unknown(String)`, `#[non_exhaustive]`: a new value is minor);
//! - paths, methods, media types, status codes and auth live in method
//!   bodies and the hand-written layer, not in signatures.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::inputs::resolve;

/// Whether a new optional field in a generated struct is a minor change:
/// true once generated structs are `#[non_exhaustive]` (users can no longer
/// write them as literals, which a new field would break).
pub const ADDITIONS_ARE_MINOR: bool = true;

/// On the wire: does a client built from the old spec still work?
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Wire {
    /// Yes.
    Compatible,
    /// No: a request it sends or a response it reads is no longer what the
    /// vendor documents.
    Breaking,
}

/// What the change does to the crate's public API (Cargo's semver rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing public changes.
    Patch,
    /// Something is added; nothing that compiled stops compiling.
    Minor,
    /// Code that compiled may stop compiling.
    Major,
}

impl Wire {
    /// Its name in the output.
    pub fn as_str(self) -> &'static str {
        match self {
            Wire::Compatible => "compatible",
            Wire::Breaking => "breaking",
        }
    }
}

impl Bump {
    /// Its name in the output.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// `version` bumped by this change (before 1.0, Cargo reads the minor
    /// number as the major one: a major change bumps the minor, anything
    /// else the patch).
    pub fn apply(self, version: &semver::Version) -> semver::Version {
        let (major, minor, patch) = (version.major, version.minor, version.patch);
        let (major, minor, patch) = match (self, major) {
            (Bump::Major, 0) => (0, minor + 1, 0),
            (Bump::Major, _) => (major + 1, 0, 0),
            (Bump::Minor, 0) | (Bump::Patch, _) => (major, minor, patch + 1),
            (Bump::Minor, _) => (major, minor + 1, 0),
        };
        semver::Version::new(major, minor, patch)
    }
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed, in words.
    pub change: String,
    /// Where: the operation, and the Rust type and field path.
    pub location: String,
    /// On the wire.
    pub wire: Wire,
    /// In the Rust API.
    pub rust: Bump,
}

/// Which way a schema travels: it decides which changes break old clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Direction {
    Request,
    Response,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// Every change from `old` to `new` (parsed specs). `replaced` lists the
/// component schemas replaced by hand-written Rust types: their insides
/// are not the generated API.
pub fn compare(old: &Value, new: &Value, replaced: &[&str]) -> Vec<Change> {
    let mut cx = Cx {
        old,
        new,
        replaced: replaced.iter().map(|s| s.to_string()).collect(),
        seen: BTreeSet::new(),
        out: Vec::new(),
        internal: false,
    };
    let old_ops = operations(old);
    let new_ops = operations(new);
    for (id, (method, path, _)) in &old_ops {
        if !new_ops.contains_key(id) {
            cx.push(
                "operation removed".into(),
                format!("{id} ({method} {path})"),
                Wire::Breaking,
                Bump::Major,
            );
        }
    }
    for (id, (method, path, op)) in &new_ops {
        let Some((old_method, old_path, old_op)) = old_ops.get(id) else {
            cx.internal = is_token_endpoint(op);
            cx.push(
                "operation added".into(),
                format!("{id} ({method} {path})"),
                Wire::Compatible,
                Bump::Minor,
            );
            continue;
        };
        // The token endpoint is called by the client itself: nothing of it is
        // public API.
        cx.internal = is_token_endpoint(op) || is_token_endpoint(old_op);
        if old_method != method {
            cx.push(
                format!("method changed from {old_method} to {method}"),
                id.clone(),
                Wire::Breaking,
                Bump::Patch,
            );
        }
        if old_path != path {
            cx.push(
                format!("path changed from `{old_path}` to `{path}`"),
                id.clone(),
                Wire::Breaking,
                Bump::Patch,
            );
        }
        cx.auth(id, old_op, op);
        cx.parameters(id, old_op, op, old_path, path);
        cx.request_body(id, old_op, op);
        cx.responses(id, old_op, op);
    }
    cx.internal = false;
    cx.schemes();
    cx.out
}

fn is_token_endpoint(op: &Value) -> bool {
    op["x-mitra-token-endpoint"].as_bool() == Some(true)
}

/// Every operation by operationId: (METHOD, path, operation with the path
/// item's parameters folded in).
fn operations(spec: &Value) -> BTreeMap<String, (String, String, &Value)> {
    let mut out = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
            ) {
                continue;
            }
            if let Some(id) = op["operationId"].as_str() {
                out.insert(id.to_owned(), (method.to_uppercase(), path.clone(), op));
            }
        }
    }
    out
}

/// The path item's own parameters, found again by walking to the operation.
fn path_item_params<'a>(spec: &'a Value, path: &str) -> impl Iterator<Item = &'a Value> {
    spec["paths"][path]["parameters"]
        .as_array()
        .into_iter()
        .flatten()
}

struct Cx<'a> {
    old: &'a Value,
    new: &'a Value,
    replaced: BTreeSet<String>,
    /// Components already compared, per direction: a component used by
    /// several operations is reported once.
    seen: BTreeSet<(Direction, String)>,
    out: Vec<Change>,
    /// Within the token endpoint: no Rust change is public.
    internal: bool,
}

/// A property's optionality as the generated code and the wire see it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Presence {
    required: bool,
    nullable: bool,
}

impl Presence {
    /// Always there with a value.
    fn always(self) -> bool {
        self.required && !self.nullable
    }
}

impl Cx<'_> {
    fn push(&mut self, change: String, location: String, wire: Wire, rust: Bump) {
        let rust = if self.internal { Bump::Patch } else { rust };
        self.out.push(Change {
            change,
            location,
            wire,
            rust,
        });
    }

    fn auth(&mut self, id: &str, old_op: &Value, new_op: &Value) {
        // Each accepted alternative as the set of schemes it needs together; an
        // open operation accepts the empty set.
        let accepted = |spec: &Value, op: &Value| -> BTreeSet<BTreeSet<String>> {
            let security = if op.get("security").is_some() {
                &op["security"]
            } else {
                &spec["security"]
            };
            let mut out: BTreeSet<BTreeSet<String>> = security
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    r.as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k.clone())
                        .collect()
                })
                .collect();
            if out.is_empty() {
                out.insert(BTreeSet::new());
            }
            out
        };
        let (old, new) = (accepted(self.old, old_op), accepted(self.new, new_op));
        let show = |r: &BTreeSet<String>| {
            if r.is_empty() {
                "none".to_owned()
            } else {
                r.iter().cloned().collect::<Vec<_>>().join(" + ")
            }
        };
        // Auth lives in the hand-written layer and the client's configuration:
        // no signature changes.
        for gone in old.difference(&new) {
            self.push(
                format!("auth `{}` no longer accepted", show(gone)),
                id.to_owned(),
                Wire::Breaking,
                Bump::Patch,
            );
        }
        for added in new.difference(&old) {
            self.push(
                format!("auth `{}` accepted", show(added)),
                id.to_owned(),
                Wire::Compatible,
                Bump::Patch,
            );
        }
    }

    /// Security schemes whose definition changed (a header renamed, Basic to Bearer).
    fn schemes(&mut self) {
        let old = &self.old["components"]["securitySchemes"];
        let new = &self.new["components"]["securitySchemes"];
        for (name, scheme) in old.as_object().into_iter().flatten() {
            let Some(now) = new.get(name) else { continue };
            let key = |s: &Value| {
                ["type", "scheme", "in", "name"].map(|k| s[k].as_str().unwrap_or("").to_owned())
            };
            if key(scheme) != key(now) {
                let show = |s: &Value| {
                    let [t, sc, i, n] = key(s);
                    [t, sc, i, n]
                        .iter()
                        .filter(|x| !x.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                self.push(
                    format!("auth scheme changed from {} to {}", show(scheme), show(now)),
                    format!("securitySchemes.{name}"),
                    Wire::Breaking,
                    Bump::Patch,
                );
            }
        }
    }

    fn parameters(
        &mut self,
        id: &str,
        old_op: &Value,
        new_op: &Value,
        old_path: &str,
        new_path: &str,
    ) {
        let params = |spec: &Value, op: &Value, path: &str| -> BTreeMap<(String, String), Value> {
            path_item_params(spec, path)
                .chain(op["parameters"].as_array().into_iter().flatten())
                .map(|p| resolve(spec, p))
                // Supplied by the client's configuration, never by the caller.
                .filter(|p| p["x-mitra-from-config"].as_bool() != Some(true))
                .filter_map(|p| {
                    let key = (p["in"].as_str()?.to_owned(), p["name"].as_str()?.to_owned());
                    Some((key, p.clone()))
                })
                .collect()
        };
        let old = params(self.old, old_op, old_path);
        let new = params(self.new, new_op, new_path);
        for (place, name) in old.keys() {
            if !new.contains_key(&(place.clone(), name.clone())) {
                self.push(
                    format!("{place} parameter `{name}` removed"),
                    id.to_owned(),
                    // The vendor ignores what it no longer reads, unless it is the path.
                    if place == "path" {
                        Wire::Breaking
                    } else {
                        Wire::Compatible
                    },
                    Bump::Major,
                );
            }
        }
        for ((place, name), p) in &new {
            let required = p["required"].as_bool() == Some(true);
            let Some(before) = old.get(&(place.clone(), name.clone())) else {
                self.push(
                    format!(
                        "{place} parameter `{name}` added, {}",
                        if required { "required" } else { "optional" }
                    ),
                    id.to_owned(),
                    if required {
                        Wire::Breaking
                    } else {
                        Wire::Compatible
                    },
                    // Parameters are positional arguments: a new one changes the signature.
                    Bump::Major,
                );
                continue;
            };
            let was = before["required"].as_bool() == Some(true);
            if was != required {
                self.push(
                    format!(
                        "{place} parameter `{name}` made {}",
                        if required { "required" } else { "optional" }
                    ),
                    id.to_owned(),
                    if required {
                        Wire::Breaking
                    } else {
                        Wire::Compatible
                    },
                    Bump::Major,
                );
            }
            let location = format!("{id} {place} parameter `{name}`");
            self.schema(
                Direction::Request,
                &location,
                &before["schema"],
                &p["schema"],
            );
        }
    }

    fn request_body(&mut self, id: &str, old_op: &Value, new_op: &Value) {
        let old = resolve(self.old, &old_op["requestBody"]);
        let new = resolve(self.new, &new_op["requestBody"]);
        let (old_media, new_media) = (first_media(old), first_media(new));
        match (old_media, new_media) {
            (None, None) => {}
            (None, Some((media, _))) => {
                let required = new["required"].as_bool() == Some(true);
                self.push(
                    format!("request body added ({media})"),
                    id.to_owned(),
                    if required {
                        Wire::Breaking
                    } else {
                        Wire::Compatible
                    },
                    Bump::Major,
                );
            }
            (Some((media, _)), None) => {
                self.push(
                    format!("request body removed ({media})"),
                    id.to_owned(),
                    Wire::Compatible,
                    Bump::Major,
                );
            }
            (Some((om, os)), Some((nm, ns))) => {
                if om != nm {
                    self.push(
                        format!("request media type changed from `{om}` to `{nm}`"),
                        id.to_owned(),
                        Wire::Breaking,
                        Bump::Patch,
                    );
                }
                let location = format!("{id} request");
                self.schema(Direction::Request, &location, os, ns);
            }
        }
    }

    fn responses(&mut self, id: &str, old_op: &Value, new_op: &Value) {
        let success = |op: &Value| -> BTreeMap<String, Value> {
            op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(code, _)| code.starts_with('2'))
                .map(|(code, r)| (code.clone(), r.clone()))
                .collect()
        };
        let (old, new) = (success(old_op), success(new_op));
        let old_codes: Vec<&String> = old.keys().collect();
        let new_codes: Vec<&String> = new.keys().collect();
        if old_codes != new_codes {
            let join = |c: &[&String]| c.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            self.push(
                format!(
                    "success status changed from {} to {}",
                    join(&old_codes),
                    join(&new_codes)
                ),
                id.to_owned(),
                if new_codes.iter().all(|c| old_codes.contains(c)) {
                    Wire::Compatible
                } else {
                    Wire::Breaking
                },
                Bump::Patch,
            );
        }
        // The first success response of each side is the method's return type.
        let (Some(o), Some(n)) = (old.values().next(), new.values().next()) else {
            return;
        };
        let (o, n) = (resolve(self.old, o).clone(), resolve(self.new, n).clone());
        match (first_media(&o), first_media(&n)) {
            (Some((om, os)), Some((nm, ns))) => {
                if om != nm {
                    self.push(
                        format!("response media type changed from `{om}` to `{nm}`"),
                        id.to_owned(),
                        Wire::Breaking,
                        Bump::Patch,
                    );
                }
                let location = format!("{id} response");
                self.schema(Direction::Response, &location, os, ns);
            }
            (None, Some(_)) => self.push(
                "response body added".into(),
                id.to_owned(),
                Wire::Compatible,
                Bump::Major,
            ),
            (Some(_), None) => self.push(
                "response body removed".into(),
                id.to_owned(),
                Wire::Breaking,
                Bump::Major,
            ),
            (None, None) => {}
        }
    }

    /// Compares two schemas found at `location`.
    fn schema(&mut self, dir: Direction, location: &str, old: &Value, new: &Value) {
        let (old_ref, new_ref) = (ref_name(old), ref_name(new));
        let location = match (&old_ref, &new_ref) {
            (Some(a), Some(b)) if a == b => {
                if self.replaced.contains(a) || !self.seen.insert((dir, a.clone())) {
                    return;
                }
                // Inside a component, the location is the Rust type it becomes
                // (after the operation and direction that reached it).
                let prefix = location.split_once(": ").map_or(location, |(p, _)| p);
                format!("{prefix}: {a}")
            }
            (Some(a), Some(b)) => {
                self.retyped(dir, location, a, b);
                return;
            }
            _ => location.to_owned(),
        };
        let (old, new) = (
            resolve(self.old, old).clone(),
            resolve(self.new, new).clone(),
        );
        let (old_sig, new_sig) = (signature(self.old, &old), signature(self.new, &new));
        if old_sig != new_sig {
            self.retyped(dir, &location, &old_sig, &new_sig);
            return;
        }
        self.enum_values(dir, &location, &old, &new);
        if let (Some(oi), Some(ni)) = (old.get("items"), new.get("items")) {
            self.schema(dir, &child(&location, "[]"), oi, ni);
        }
        // The alternatives of a `oneOf`/`anyOf`, side by side (the signature
        // above already tells a changed number of them).
        for key in ["oneOf", "anyOf"] {
            if let (Some(Value::Array(oa)), Some(Value::Array(na))) = (old.get(key), new.get(key)) {
                for (o, n) in oa.iter().zip(na) {
                    self.schema(dir, &location, o, n);
                }
            }
        }
        let (op, np) = (properties(self.old, &old), properties(self.new, &new));
        if op.is_empty() && np.is_empty() {
            return;
        }
        let closed = old["additionalProperties"] == Value::Bool(false);
        self.fields(dir, &location, &op, &np, closed);
    }

    fn retyped(&mut self, dir: Direction, location: &str, old: &str, new: &str) {
        let (place, field) = split_field(location);
        self.push(
            format!(
                "{} {field} retyped from `{old}` to `{new}`",
                field_word(dir)
            ),
            place,
            Wire::Breaking,
            Bump::Major,
        );
    }

    fn enum_values(&mut self, dir: Direction, location: &str, old: &Value, new: &Value) {
        let values = |s: &Value| -> BTreeSet<String> {
            s["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.to_string())
                .collect()
        };
        let (ov, nv) = (values(old), values(new));
        if ov.is_empty() && nv.is_empty() {
            return;
        }
        for gone in ov.difference(&nv) {
            self.push(
                format!("enum value {gone} removed"),
                location.to_owned(),
                // Old clients may still send it; they never receive it again.
                if dir == Direction::Request {
                    Wire::Breaking
                } else {
                    Wire::Compatible
                },
                Bump::Major,
            );
        }
        for added in nv.difference(&ov) {
            // A response enum is open (`Unknown(String)`, non-exhaustive):
            // old clients decode the new value as `Unknown`, users' matches
            // already have a wildcard. A request enum is closed: a new
            // variant breaks users' exhaustive matches.
            let (wire, bump) = if dir == Direction::Response {
                (Wire::Compatible, Bump::Minor)
            } else {
                (Wire::Compatible, Bump::Major)
            };
            self.push(
                format!("enum value {added} added"),
                location.to_owned(),
                wire,
                bump,
            );
        }
    }

    fn fields(
        &mut self,
        dir: Direction,
        location: &str,
        old: &BTreeMap<String, (Value, Presence)>,
        new: &BTreeMap<String, (Value, Presence)>,
        closed: bool,
    ) {
        let word = field_word(dir);
        let mut removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
        let mut added: Vec<&String> = new.keys().filter(|k| !old.contains_key(*k)).collect();
        // A field gone and one of the same type and a similar name come: a
        // rename (the most similar names first).
        // One gone and one come: a rename whatever the names.
        let threshold = if removed.len() == 1 && added.len() == 1 {
            0.0
        } else {
            0.5
        };
        let mut pairs = Vec::new();
        for a in &removed {
            for b in &added {
                if signature(self.old, &old[*a].0) == signature(self.new, &new[*b].0) {
                    let ratio = similar::TextDiff::from_chars(a.as_str(), b.as_str()).ratio();
                    if ratio >= threshold {
                        pairs.push((ratio, *a, *b));
                    }
                }
            }
        }
        pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
        for (_, a, b) in pairs {
            if !(removed.contains(&a) && added.contains(&b)) {
                continue;
            }
            removed.retain(|r| *r != a);
            added.retain(|r| *r != b);
            self.push(
                format!("{word} field `{a}` renamed to `{b}`"),
                location.to_owned(),
                // The value moves where an old client neither writes nor reads.
                Wire::Breaking,
                Bump::Major,
            );
        }
        for name in removed {
            let presence = old[name].1;
            let wire = match dir {
                // The vendor ignores a field it no longer reads.
                Direction::Request => Wire::Compatible,
                // An old client fails to decode a body without a field it requires.
                Direction::Response if presence.always() => Wire::Breaking,
                Direction::Response => Wire::Compatible,
            };
            self.push(
                format!("{word} field `{name}` removed"),
                location.to_owned(),
                wire,
                Bump::Major,
            );
        }
        for name in added {
            let presence = new[name].1;
            let optional = !presence.required;
            let wire = match dir {
                Direction::Request if presence.required => Wire::Breaking,
                Direction::Request => Wire::Compatible,
                Direction::Response if closed => Wire::Breaking,
                Direction::Response => Wire::Compatible,
            };
            // A required field is a new argument of the type's `new`; an optional
            // one a new field and setter, minor once structs are non-exhaustive.
            let rust = if ADDITIONS_ARE_MINOR && !presence.required {
                Bump::Minor
            } else {
                Bump::Major
            };
            self.push(
                format!(
                    "{word} field `{name}` added, {}",
                    if optional { "optional" } else { "required" }
                ),
                location.to_owned(),
                wire,
                rust,
            );
        }
        for (name, (new_schema, now)) in new {
            let Some((old_schema, was)) = old.get(name) else {
                continue;
            };
            if was.always() != now.always() {
                let wire = match (dir, now.always()) {
                    (Direction::Request, true) | (Direction::Response, false) => Wire::Breaking,
                    _ => Wire::Compatible,
                };
                self.push(
                    format!(
                        "{word} field `{name}` made {}",
                        if now.always() { "required" } else { "optional" }
                    ),
                    location.to_owned(),
                    wire,
                    Bump::Major,
                );
            }
            self.schema(dir, &child(location, name), old_schema, new_schema);
        }
    }
}

fn field_word(dir: Direction) -> &'static str {
    dir.as_str()
}

/// `"op response Type.a.b"` -> (`"op response Type.a"`, `` "field `b`" ``).
fn split_field(location: &str) -> (String, String) {
    let Some((prefix, path)) = location.split_once(": ") else {
        return (location.to_owned(), "type".to_owned());
    };
    match path.rsplit_once('.') {
        Some((place, field)) => (format!("{prefix}: {place}"), format!("field `{field}`")),
        None if ref_like(path) => (location.to_owned(), "type".to_owned()),
        None => (prefix.to_owned(), format!("field `{path}`")),
    }
}

/// A component's name (a Rust type) rather than a field of an inline schema.
fn ref_like(path: &str) -> bool {
    path.starts_with(|c: char| c.is_ascii_uppercase())
}

/// The location of a field (or `[]`, an array's items) below `location`.
fn child(location: &str, name: &str) -> String {
    match (location.contains(": "), name) {
        (true, "[]") => format!("{location}[]"),
        (true, _) => format!("{location}.{name}"),
        (false, _) => format!("{location}: {name}"),
    }
}

/// The media type and schema of a body's first content.
fn first_media(body: &Value) -> Option<(String, &Value)> {
    let (media, content) = body["content"].as_object()?.iter().next()?;
    Some((media.clone(), &content["schema"]))
}

fn ref_name(schema: &Value) -> Option<String> {
    schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
}

/// A schema's shape as the generated type sees it: type and format, a
/// component's name, an array of such; objects compare field by field.
fn signature(spec: &Value, schema: &Value) -> String {
    if ref_name(schema).is_some() {
        let target = resolve(spec, schema);
        // A component that is an object is compared field by field.
        if target["type"] == "object" || target.get("properties").is_some() {
            return "object".to_owned();
        }
        return signature(spec, target);
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(alts) = schema[combinator].as_array() {
            let parts: Vec<String> = alts.iter().map(|a| signature(spec, a)).collect();
            return format!("{combinator}({})", parts.join(" | "));
        }
    }
    if schema.get("allOf").is_some() || schema.get("properties").is_some() {
        return "object".to_owned();
    }
    let kind = schema["type"].as_str().unwrap_or("any");
    let mut sig = match schema["format"].as_str() {
        Some(format) => format!("{kind} ({format})"),
        None => kind.to_owned(),
    };
    if kind == "array" {
        sig = format!("array of {}", signature(spec, &schema["items"]));
    }
    sig
}

/// An object's properties (allOf parts merged) with their presence.
fn properties(spec: &Value, schema: &Value) -> BTreeMap<String, (Value, Presence)> {
    let mut out = BTreeMap::new();
    let mut parts = vec![resolve(spec, schema)];
    let mut i = 0;
    while i < parts.len() {
        let part = parts[i];
        parts.extend(
            part["allOf"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| resolve(spec, p)),
        );
        i += 1;
    }
    for part in parts {
        let required: BTreeSet<&str> = part["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, prop) in part["properties"].as_object().into_iter().flatten() {
            let nullable = resolve(spec, prop)["nullable"].as_bool() == Some(true);
            out.insert(
                name.clone(),
                (
                    prop.clone(),
                    Presence {
                        required: required.contains(name.as_str()),
                        nullable,
                    },
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-operation spec around a request and a response schema (YAML).
    fn spec(extra_ops: &str, request: &str, response: &str) -> Value {
        let text = format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: '1'}}
security: [{{key: []}}]
components:
  securitySchemes:
    key: {{type: apiKey, in: header, name: key}}
  schemas:
    Req:
{request}
    Resp:
{response}
paths:
  /orders:
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Req'}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Resp'}}
{extra_ops}
"#
        );
        serde_yaml::from_str(&text).unwrap()
    }

    const REQ: &str = "      type: object\n      required: [awb]\n      properties:\n        awb: {type: string}\n        note: {type: string}\n";
    const RESP: &str = "      type: object\n      required: [id, status]\n      properties:\n        id: {type: integer}\n        status: {type: string, enum: [NEW, DONE]}\n        memo: {type: string}\n";

    fn changes(old: Value, new: Value) -> Vec<(String, Wire, Bump)> {
        compare(&old, &new, &[])
            .into_iter()
            .map(|c| (c.change, c.wire, c.rust))
            .collect()
    }

    fn one(old: Value, new: Value) -> (String, Wire, Bump) {
        let all = changes(old, new);
        assert_eq!(all.len(), 1, "{all:#?}");
        all.into_iter().next().unwrap()
    }

    #[test]
    fn same_spec_no_change() {
        assert!(changes(spec("", REQ, RESP), spec("", REQ, RESP)).is_empty());
    }

    #[test]
    fn response_field_renamed_is_breaking_and_major() {
        let new = RESP.replace("memo", "remark");
        let (what, wire, rust) = one(spec("", REQ, RESP), spec("", REQ, &new));
        assert_eq!(what, "response field `memo` renamed to `remark`");
        assert_eq!((wire, rust), (Wire::Breaking, Bump::Major));
    }

    #[test]
    fn a_rename_beside_an_addition_is_still_a_rename() {
        let new = RESP.replace("memo", "memo_text") + "        eta: {type: string}\n";
        let all = changes(spec("", REQ, RESP), spec("", REQ, &new));
        let whats: Vec<&str> = all.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(
            whats,
            [
                "response field `memo` renamed to `memo_text`",
                "response field `eta` added, optional"
            ]
        );
    }

    #[test]
    fn optional_response_field_added_is_compatible() {
        let new = format!("{RESP}        eta: {{type: string}}\n");
        let (what, wire, rust) = one(spec("", REQ, RESP), spec("", REQ, &new));
        assert_eq!(what, "response field `eta` added, optional");
        assert_eq!(wire, Wire::Compatible);
        let expected = if ADDITIONS_ARE_MINOR {
            Bump::Minor
        } else {
            Bump::Major
        };
        assert_eq!(rust, expected);
    }

    #[test]
    fn required_request_field_added_is_breaking() {
        let new = REQ.replace("[awb]", "[awb, courier]") + "        courier: {type: string}\n";
        let (what, wire, rust) = one(spec("", REQ, RESP), spec("", &new, RESP));
        assert_eq!(what, "request field `courier` added, required");
        assert_eq!((wire, rust), (Wire::Breaking, Bump::Major));
    }

    #[test]
    fn optional_request_field_added_is_compatible() {
        let new = format!("{REQ}        weight: {{type: number}}\n");
        let (what, wire, _) = one(spec("", REQ, RESP), spec("", &new, RESP));
        assert_eq!(what, "request field `weight` added, optional");
        assert_eq!(wire, Wire::Compatible);
    }

    #[test]
    fn operation_added_is_minor_and_removed_major() {
        let extra = "  /orders/{id}:\n    get:\n      operationId: getOrder\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n";
        let (what, wire, rust) = one(spec("", REQ, RESP), spec(extra, REQ, RESP));
        assert_eq!(what, "operation added");
        assert_eq!((wire, rust), (Wire::Compatible, Bump::Minor));
        let (what, wire, rust) = one(spec(extra, REQ, RESP), spec("", REQ, RESP));
        assert_eq!(what, "operation removed");
        assert_eq!((wire, rust), (Wire::Breaking, Bump::Major));
    }

    #[test]
    fn retyped_and_optionality() {
        let new = RESP.replace("id: {type: integer}", "id: {type: string}");
        let (what, wire, rust) = one(spec("", REQ, RESP), spec("", REQ, &new));
        assert_eq!(
            what,
            "response field `id` retyped from `integer` to `string`"
        );
        assert_eq!((wire, rust), (Wire::Breaking, Bump::Major));

        let new = RESP.replace("[id, status]", "[id]");
        let (what, wire, _) = one(spec("", REQ, RESP), spec("", REQ, &new));
        assert_eq!(what, "response field `status` made optional");
        assert_eq!(wire, Wire::Breaking);

        let new = REQ.replace("[awb]", "[]");
        let (what, wire, rust) = one(spec("", REQ, RESP), spec("", &new, RESP));
        assert_eq!(what, "request field `awb` made optional");
        assert_eq!((wire, rust), (Wire::Compatible, Bump::Major));
    }

    #[test]
    fn enum_values_depend_on_direction() {
        let new = RESP.replace("[NEW, DONE]", "[NEW, DONE, LOST]");
        let (what, wire, rust) = one(spec("", REQ, RESP), spec("", REQ, &new));
        assert_eq!(what, "enum value \"LOST\" added");
        // Response enums are open: the old client reads it as `Unknown`.
        assert_eq!((wire, rust), (Wire::Compatible, Bump::Minor));
        let (_, wire, _) = one(spec("", REQ, &new), spec("", REQ, RESP));
        assert_eq!(wire, Wire::Compatible);
    }

    #[test]
    fn path_method_media_and_auth_are_patch() {
        let old = spec("", REQ, RESP);
        let text = serde_yaml::to_string(&old).unwrap();
        let new: Value = serde_yaml::from_str(
            &text
                .replace("/orders:", "/v2/orders:")
                .replace("application/json:\n            schema:\n              $ref: '#/components/schemas/Req'", "application/x-www-form-urlencoded:\n            schema:\n              $ref: '#/components/schemas/Req'")
                .replace("name: key", "name: x-api-key"),
        )
        .unwrap();
        let all = changes(old, new);
        let whats: Vec<&str> = all.iter().map(|c| c.0.as_str()).collect();
        assert!(
            whats.contains(&"path changed from `/orders` to `/v2/orders`"),
            "{whats:?}"
        );
        assert!(
            whats
                .iter()
                .any(|w| w.starts_with("request media type changed")),
            "{whats:?}"
        );
        assert!(
            whats.iter().any(|w| w.starts_with("auth scheme changed")),
            "{whats:?}"
        );
        assert!(
            all.iter()
                .all(|c| c.1 == Wire::Breaking && c.2 == Bump::Patch)
        );
    }

    #[test]
    fn parameters() {
        let with = |params: &str| {
            spec(
                &format!(
                    "  /orders/{{id}}:\n    get:\n      operationId: getOrder\n      parameters:\n{params}      responses:\n        '200': {{description: ok}}\n"
                ),
                REQ,
                RESP,
            )
        };
        let id = "        - {name: id, in: path, required: true, schema: {type: string}}\n";
        let page = "        - {name: page, in: query, schema: {type: integer}}\n";
        let (what, wire, rust) = one(with(id), with(&format!("{id}{page}")));
        assert_eq!(what, "query parameter `page` added, optional");
        assert_eq!((wire, rust), (Wire::Compatible, Bump::Major));
        let (what, wire, _) = one(
            with(&format!("{id}{page}")),
            with(&format!(
                "{id}{}",
                page.replace("query,", "query, required: true,")
            )),
        );
        assert_eq!(what, "query parameter `page` made required");
        assert_eq!(wire, Wire::Breaking);
    }

    #[test]
    fn token_endpoint_changes_are_not_public() {
        let token = |field: &str| {
            spec(
                &format!(
                    "  /token:\n    post:\n      operationId: issueToken\n      x-mitra-token-endpoint: true\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  {field}: {{type: string}}\n"
                ),
                REQ,
                RESP,
            )
        };
        let (_, _, rust) = one(token("access_token"), token("token"));
        assert_eq!(rust, Bump::Patch);
    }

    #[test]
    fn bumps_follow_cargo_for_0x() {
        let v = |s: &str| semver::Version::parse(s).unwrap();
        assert_eq!(Bump::Major.apply(&v("0.1.3")), v("0.2.0"));
        assert_eq!(Bump::Minor.apply(&v("0.1.3")), v("0.1.4"));
        assert_eq!(Bump::Patch.apply(&v("0.1.3")), v("0.1.4"));
        assert_eq!(Bump::Major.apply(&v("1.2.3")), v("2.0.0"));
        assert_eq!(Bump::Minor.apply(&v("1.2.3")), v("1.3.0"));
        assert_eq!(Bump::Patch.apply(&v("1.2.3")), v("1.2.4"));
    }
}
