//! JSON as documents write it: elisions (`...`, `{...}`), trailing commas
//! left behind by them, and duplicate keys (which `serde_json` would
//! silently collapse) noticed at their pointers.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The key an elided part of an object is read under (taken out again).
const ELIDED: &str = "\u{2026}mitra-elided";

/// A JSON example read from a document.
#[derive(Debug, Clone)]
pub struct Read {
    /// The value, elisions taken out.
    pub value: Value,
    /// Pointers of keys given twice.
    pub duplicates: Vec<String>,
    /// Pointers of objects cut short.
    pub elided: Vec<String>,
}

/// Whether a line is only an elision: `...`, `....`, `…`, `{...}`, with an
/// optional comma.
fn elision(line: &str) -> Option<bool> {
    let t = line.trim().trim_end_matches(',').trim();
    let (inner, braced) = match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        Some(inner) => (inner.trim(), true),
        None => (t, false),
    };
    let dots = !inner.is_empty() && inner.chars().all(|c| c == '.' || c == '\u{2026}');
    (dots && (inner.contains('\u{2026}') || inner.len() >= 3)).then_some(braced)
}

/// Scans `line` for brackets outside strings, updating `stack`.
fn scan(line: &str, stack: &mut Vec<char>) {
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => stack.push(c),
            '}' | ']' => {
                stack.pop();
            }
            _ => {}
        }
    }
}

/// A JSON block starting at `lines[0]` (which begins with `{`): the number
/// of lines it spans and its text with elisions replaced by markers, or
/// `None` if it never closes within `limit` lines. Lines for which `skip`
/// is true (code fences) are left out: a block may run across two fences.
pub fn block(lines: &[&str], skip: impl Fn(&str) -> bool, limit: usize) -> Option<(usize, String)> {
    let mut stack = Vec::new();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate().take(limit) {
        if skip(line) {
            continue;
        }
        match elision(line) {
            Some(braced) if !stack.is_empty() => {
                let marker = match (stack.last(), braced) {
                    (Some('{'), false) => format!("\"{ELIDED}\": null,"),
                    _ => format!("{{\"{ELIDED}\": null}},"),
                };
                out.push_str(&marker);
            }
            _ => {
                out.push_str(line);
                scan(line, &mut stack);
            }
        }
        out.push('\n');
        if stack.is_empty() {
            return Some((i + 1, out));
        }
    }
    None
}

/// `text` without commas directly before `}` or `]` (outside strings).
fn drop_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Parse a document's JSON text (elision markers from [`block`] allowed).
pub fn parse(text: &str) -> Result<Read, serde_json::Error> {
    // A line that is only a comment (`// 8 data lainnya`, Sempoa's docs)
    // stands for more of the same: taken out.
    let text: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = drop_trailing_commas(&text);
    let mut duplicates = Vec::new();
    let mut de = serde_json::Deserializer::from_str(&text);
    let mut value = Noting {
        pointer: String::new(),
        duplicates: &mut duplicates,
    }
    .deserialize(&mut de)?;
    de.end()?;
    let mut elided = Vec::new();
    take_elisions(&mut value, "", &mut elided);
    Ok(Read {
        value,
        duplicates,
        elided,
    })
}

/// Takes the elision markers out of `value`, noting the objects cut short.
fn take_elisions(value: &mut Value, pointer: &str, elided: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.remove(ELIDED).is_some() {
                elided.push(pointer.to_owned());
            }
            for (k, v) in map.iter_mut() {
                take_elisions(v, &format!("{pointer}/{}", mitra_spec::escape(k)), elided);
            }
        }
        Value::Array(items) => {
            let before = items.len();
            items.retain(|v| {
                !(v.as_object()
                    .is_some_and(|m| m.len() == 1 && m.contains_key(ELIDED)))
            });
            if items.len() != before {
                elided.push(pointer.to_owned());
            }
            for (i, v) in items.iter_mut().enumerate() {
                take_elisions(v, &format!("{pointer}/{i}"), elided);
            }
        }
        _ => {}
    }
}

/// Builds a [`Value`] like `serde_json` does, noting every duplicate key.
struct Noting<'a> {
    pointer: String,
    duplicates: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Noting<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Noting<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = Noting {
                pointer: format!("{}/{}", self.pointer, items.len()),
                duplicates: &mut *self.duplicates,
            };
            match seq.next_element_seed(seed)? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let pointer = format!("{}/{}", self.pointer, mitra_spec::escape(&key));
            let value = access.next_value_seed(Noting {
                pointer: pointer.clone(),
                duplicates: &mut *self.duplicates,
            })?;
            if map.insert(key, value).is_some() {
                self.duplicates.push(pointer);
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_and_elisions_are_noted_at_their_pointers() {
        let lines = [
            "{",
            "  \"data\": [",
            "    {\"a\": 1, \"a\": 2, \"b\": 3},",
            "    {",
            "      \"b\": 4,",
            "      ....",
            "    },",
            "    {...}",
            "  ]",
            "}",
            "after",
        ];
        let (used, text) = block(&lines, |l| l.starts_with("```"), 50).unwrap();
        assert_eq!(used, 10);
        let read = parse(&text).unwrap();
        assert_eq!(read.duplicates, ["/data/0/a"]);
        assert_eq!(read.elided, ["/data", "/data/1"]);
        assert_eq!(
            read.value,
            serde_json::json!({"data": [{"a": 2, "b": 3}, {"b": 4}]})
        );
    }

    #[test]
    fn a_block_runs_across_code_fences_and_fails_if_it_never_closes() {
        let lines = ["{", "\"a\": \"}\",", "```", "", "```", "\"b\": 1", "}"];
        let (used, text) = block(&lines, |l| l.starts_with("```"), 50).unwrap();
        assert_eq!(used, 7);
        assert_eq!(
            parse(&text).unwrap().value,
            serde_json::json!({"a": "}", "b": 1})
        );
        assert!(block(&lines[..3], |_| false, 50).is_none());
    }
}
