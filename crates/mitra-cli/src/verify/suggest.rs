//! `--suggest`: the edit of `specs/<vendor>.yaml` that would make the spec
//! accept what was seen, as a unified diff for a maintainer to review (never
//! applied): an unknown field becomes an optional property, a missing one
//! is no longer required, a type is widened to what came, an enum gains the
//! value, a format or pattern the value broke is dropped, `null` makes the
//! schema nullable. Each edited schema says where and when with
//! `x-mitra-observed`.
//!
//! The edit is made on the spec's text, line by line, so that the diff
//! touches only the lines it changes (the specs are block-style YAML; a
//! schema written inline is left alone and reported as such).

use std::collections::BTreeMap;

use serde_json::Value;

/// A node of the YAML text: the line that opens it, and where its children
/// are.
#[derive(Debug, Clone, Copy)]
struct Node {
    line: usize,
    start: usize,
    end: usize,
    indent: Option<usize>,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The indentation of a line's mapping key (after a `- `).
fn key_indent(line: &str) -> usize {
    let i = indent_of(line);
    if line.trim_start().starts_with("- ") {
        i + 2
    } else {
        i
    }
}

/// The mapping key a line opens, unquoted.
fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").unwrap_or(t);
    let (key, _) = t.split_once(':')?;
    Some(key.trim().trim_matches('\'').trim_matches('"'))
}

struct Text {
    lines: Vec<String>,
}

impl Text {
    fn root(&self) -> Node {
        Node {
            line: 0,
            start: 0,
            end: self.lines.len(),
            indent: Some(0),
        }
    }

    /// The end of the block of lines opened at `line` with key indent `ki`.
    fn block_end(&self, line: usize, ki: usize, limit: usize) -> usize {
        (line + 1..limit)
            .find(|&j| {
                let l = &self.lines[j];
                !blank(l)
                    && (indent_of(l) < ki
                        || (indent_of(l) == ki && !l.trim_start().starts_with("- ")))
            })
            .unwrap_or(limit)
    }

    fn child_indent(&self, start: usize, end: usize) -> Option<usize> {
        (start..end)
            .find(|&j| !blank(&self.lines[j]))
            .map(|j| indent_of(&self.lines[j]))
    }

    fn key(&self, node: Node, token: &str) -> Option<Node> {
        let indent = node.indent?;
        let i = (node.start..node.end).find(|&j| {
            let l = &self.lines[j];
            !blank(l) && key_indent(l) == indent && key_of(l) == Some(token)
        })?;
        let end = self.block_end(i, indent, node.end);
        Some(Node {
            line: i,
            start: i + 1,
            end,
            indent: self.child_indent(i + 1, end),
        })
    }

    fn item(&self, node: Node, index: usize) -> Option<Node> {
        let indent = node.indent?;
        let dashes: Vec<usize> = (node.start..node.end)
            .filter(|&j| {
                let l = &self.lines[j];
                indent_of(l) == indent && l.trim_start().starts_with("- ")
            })
            .collect();
        let i = *dashes.get(index)?;
        let end = dashes.iter().find(|&&j| j > i).copied().unwrap_or(node.end);
        Some(Node {
            line: i,
            start: i,
            end,
            indent: Some(indent + 2),
        })
    }

    /// The node at a JSON pointer into the spec.
    fn find(&self, pointer: &str) -> Option<Node> {
        let mut node = self.root();
        for token in pointer.split('/').skip(1) {
            let token = mitra_spec::unescape(token);
            node = match token.parse::<usize>() {
                Ok(index) if self.item(node, index).is_some() => self.item(node, index)?,
                _ => self.key(node, &token)?,
            };
        }
        Some(node)
    }
}

/// The edits of one schema, each with its note.
type Edits = Vec<(Edit, String)>;

/// One edit of one schema.
#[derive(Debug, Clone)]
enum Edit {
    AddProperty(String, Value),
    Unrequire(String),
    Widen(String),
    AddEnum(Value),
    Drop(&'static str),
    Nullable,
}

impl Edit {
    /// What makes two edits the same edit.
    fn key(&self) -> String {
        match self {
            Edit::AddProperty(name, _) => format!("add {name}"),
            Edit::Unrequire(name) => format!("unrequire {name}"),
            Edit::Widen(seen) => format!("widen {seen}"),
            Edit::AddEnum(value) => format!("enum {value}"),
            Edit::Drop(key) => format!("drop {key}"),
            Edit::Nullable => "nullable".to_owned(),
        }
    }
}

/// The JSON type of a value as a schema's `type`.
fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "string",
    }
}

fn yaml_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        other => other.to_string(),
    }
}

/// What the drifts of one answer ask of the spec: (schema location, edit,
/// note).
pub struct Seen<'a> {
    /// The operation that answered.
    pub operation: &'a str,
    /// The answer's body.
    pub body: &'a Value,
    /// Its mismatches.
    pub mismatches: Vec<&'a mitra_spec::Mismatch>,
}

/// The unified diff of `spec_text` (named `spec_rel`) that would accept
/// what was seen; the second value lists what could not be written as an
/// edit.
pub fn diff(
    spec_rel: &str,
    spec_text: &str,
    seen: &[Seen<'_>],
    when: &str,
) -> (String, Vec<String>) {
    let mut edits: BTreeMap<String, Edits> = BTreeMap::new();
    let mut skipped = Vec::new();
    for answer in seen {
        for m in &answer.mismatches {
            let found = answer
                .body
                .pointer(&m.pointer)
                .cloned()
                .unwrap_or(Value::Null);
            let field = mitra_spec::unescape(m.pointer.rsplit('/').next().unwrap_or_default());
            let note = format!(
                "{}: {} ({when})",
                answer.operation,
                super::shown_mismatch(m)
            );
            let edit = match &m.kind {
                // A key made of data (a NIK, an e-mail address) is not a
                // property to name in the spec, nor to print.
                mitra_spec::Kind::UnknownField if mitra_core::redact::data_shaped_key(&field) => {
                    let by_hand = format!(
                        "{}: keys made of data came (shown as *); if the vendor keys an object by them, describe it with additionalProperties: {note}",
                        m.schema
                    );
                    if !skipped.contains(&by_hand) {
                        skipped.push(by_hand);
                    }
                    continue;
                }
                mitra_spec::Kind::UnknownField => Edit::AddProperty(field, found),
                mitra_spec::Kind::MissingField => Edit::Unrequire(field),
                mitra_spec::Kind::NumberAsString
                | mitra_spec::Kind::StringAsNumber
                | mitra_spec::Kind::WrongType(_) => Edit::Widen(type_of(&found).to_owned()),
                mitra_spec::Kind::Enum => Edit::AddEnum(found),
                mitra_spec::Kind::Format(_) => Edit::Drop("format"),
                mitra_spec::Kind::Pattern => Edit::Drop("pattern"),
                mitra_spec::Kind::Null => Edit::Nullable,
                _ => continue,
            };
            let list = edits.entry(m.schema.clone()).or_default();
            // The same drift in every item of a list is one edit, one note.
            if !list.iter().any(|(e, _)| e.key() == edit.key()) {
                list.push((edit, note));
            }
        }
    }
    let mut text = Text {
        lines: spec_text.lines().map(str::to_owned).collect(),
    };
    // Bottom-up, so that the lines of the schemas still to edit stay put.
    let mut located: Vec<(Node, String, Edits)> = Vec::new();
    for (at, list) in edits {
        match text.find(&at) {
            Some(node) if node.indent.is_some() => located.push((node, at, list)),
            _ => skipped.push(format!(
                "{at}: written inline or not found; edit it by hand: {}",
                list.iter()
                    .map(|(_, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
    located.sort_by_key(|(node, _, _)| std::cmp::Reverse(node.line));
    for (_, at, list) in located {
        apply(&mut text, &at, &list);
    }
    let mut after = text.lines.join("\n");
    if spec_text.ends_with('\n') {
        after.push('\n');
    }
    let diff = similar::TextDiff::from_lines(spec_text, &after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{spec_rel}"), &format!("b/{spec_rel}"))
        .to_string();
    (diff, skipped)
}

/// Applies the edits of the schema at `at` to the text; the schema's lines
/// are found again after each edit, which moves them.
fn apply(text: &mut Text, at: &str, list: &[(Edit, String)]) {
    let Some(first) = text.find(at) else {
        return;
    };
    let indent = first.indent.unwrap_or(0);
    let pad = " ".repeat(indent);
    // Insertions go right after the node's first line of children.
    let mut inserts: Vec<String> = Vec::new();
    let mut new_properties: Vec<String> = Vec::new();
    for (edit, _) in list {
        let Some(node) = text.find(at) else {
            return;
        };
        match edit {
            Edit::AddProperty(name, value) => {
                new_properties.push(format!("{pad}  {name}:"));
                new_properties.push(format!("{pad}    type: {}", type_of(value)));
                if value.is_null() {
                    new_properties.push(format!("{pad}    nullable: true"));
                }
            }
            Edit::Unrequire(name) => {
                if let Some(req) = text.key(node, "required") {
                    let line = &text.lines[req.line];
                    if let (Some(open), Some(close)) = (line.find('['), line.rfind(']')) {
                        let kept: Vec<&str> = line[open + 1..close]
                            .split(',')
                            .map(str::trim)
                            .filter(|n| {
                                n.trim_matches('\'').trim_matches('"') != name && !n.is_empty()
                            })
                            .collect();
                        let head = &line[..open];
                        text.lines[req.line] = format!("{head}[{}]", kept.join(", "));
                    } else if let Some(j) = (req.start..req.end).find(|&j| {
                        text.lines[j]
                            .trim()
                            .trim_start_matches("- ")
                            .trim_matches('\'')
                            == name
                    }) {
                        text.lines.remove(j);
                    }
                }
            }
            Edit::Widen(seen) => {
                if let Some(t) = text.key(node, "type") {
                    let wanted = text.lines[t.line]
                        .split_once(':')
                        .map(|(_, v)| v.trim().to_owned())
                        .unwrap_or_default();
                    if wanted != *seen {
                        text.lines[t.line] = format!("{pad}oneOf:");
                        text.lines
                            .insert(t.line + 1, format!("{pad}  - type: {seen}"));
                        text.lines
                            .insert(t.line + 1, format!("{pad}  - type: {wanted}"));
                    }
                }
            }
            Edit::AddEnum(value) => {
                if let Some(e) = text.key(node, "enum") {
                    let line = text.lines[e.line].clone();
                    if let Some(close) = line.rfind(']') {
                        text.lines[e.line] = format!("{}, {}]", &line[..close], yaml_scalar(value));
                    } else {
                        let dash = e.indent.unwrap_or(indent + 2);
                        text.lines.insert(
                            e.end,
                            format!("{}- {}", " ".repeat(dash), yaml_scalar(value)),
                        );
                    }
                }
            }
            Edit::Drop(key) => {
                if let Some(k) = text.key(node, key) {
                    text.lines.remove(k.line);
                }
            }
            Edit::Nullable => {
                if text.key(node, "nullable").is_none() {
                    inserts.push(format!("{pad}nullable: true"));
                }
            }
        }
    }
    let Some(node) = text.find(at) else {
        return;
    };
    if !new_properties.is_empty() {
        match text.key(node, "properties") {
            Some(p) => {
                let at = p.end.min(text.lines.len());
                for (k, line) in new_properties.into_iter().enumerate() {
                    text.lines.insert(at + k, line);
                }
            }
            None => {
                inserts.push(format!("{pad}properties:"));
                inserts.extend(new_properties);
            }
        }
    }
    inserts.push(format!("{pad}x-mitra-observed:"));
    for (_, note) in list {
        inserts.push(format!(
            "{pad}  - {}",
            yaml_scalar(&Value::String(note.clone()))
        ));
    }
    let Some(node) = text.find(at) else {
        return;
    };
    let line = if node.start > node.line {
        node.start
    } else {
        node.line + 1
    };
    for (k, inserted) in inserts.into_iter().enumerate() {
        text.lines.insert(line + k, inserted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPEC: &str = "components:
  schemas:
    City:
      type: object
      required: [city_id, name]
      properties:
        city_id:
          type: integer
        name:
          type: string
        kind:
          type: string
          enum: [kota, kabupaten]
    Other:
      type: string
";

    #[test]
    fn the_diff_accepts_what_was_seen() {
        let spec = mitra_spec::parse(SPEC).unwrap();
        let body = json!([{"city_id": "31", "city_name": "Jakarta", "kind": "desa"},
                          {"city_id": "32", "city_name": "Bandung", "kind": "desa"}]);
        let schema = json!({"type": "array", "items": {"$ref": "#/components/schemas/City"}});
        let found = mitra_spec::validate(&spec, &schema, &body);
        let seen = [Seen {
            operation: "getCity",
            body: &body,
            mismatches: found.iter().collect(),
        }];
        let (diff, skipped) = diff("specs/x.yaml", SPEC, &seen, "2026-11-25");
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(
            diff.lines().filter(|l| *l == "+        city_name:").count(),
            1,
            "one edit for every item: {diff}"
        );
        for line in [
            "-      required: [city_id, name]",
            "+      required: [city_id]",
            "+        city_name:",
            "+          type: string",
            "-          type: integer",
            "+          oneOf:",
            "+            - type: integer",
            "+            - type: string",
            "+          enum: [kota, kabupaten, 'desa']",
            "+      x-mitra-observed:",
        ] {
            assert!(diff.lines().any(|l| l == line), "{line:?} not in\n{diff}");
        }
        // The edited spec accepts the answer.
        let edited = apply_diff(SPEC, &diff);
        let edited = mitra_spec::parse(&edited).unwrap();
        assert_eq!(mitra_spec::validate(&edited, &schema, &body), vec![]);
    }

    /// The new text of a unified diff made with context (enough for a test).
    fn apply_diff(before: &str, diff: &str) -> String {
        let mut out: Vec<&str> = Vec::new();
        let old: Vec<&str> = before.lines().collect();
        let mut i = 0;
        for line in diff.lines().skip(2) {
            if let Some(h) = line.strip_prefix("@@ -") {
                let start: usize = h.split([',', ' ']).next().unwrap().parse().unwrap();
                while i + 1 < start {
                    out.push(old[i]);
                    i += 1;
                }
            } else if let Some(l) = line.strip_prefix('+') {
                out.push(l);
            } else if line.starts_with('-') {
                i += 1;
            } else if let Some(l) = line.strip_prefix(' ') {
                out.push(l);
                i += 1;
            }
        }
        out.extend(&old[i..]);
        out.join("\n")
    }
}
