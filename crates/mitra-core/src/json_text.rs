//! A walk over the text of a JSON document, for masking: every key of every
//! object, at any depth, with where its value starts and ends in the text.
//!
//! The masker used to parse a body into a `serde_json::Value` tree and print
//! it back: a second JSON parser and a JSON printer in every program (about
//! 25 KB), and a body whose keys came back sorted. Walking the text needs
//! neither, and leaves everything it does not mask exactly as it was sent.

use std::ops::Range;

/// Whether `text` is one JSON document (checked by serde_json, which every
/// client links anyway: no tree is built).
pub(crate) fn is_json(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// Calls `on_key(key, depth, value)` for every key of every object of
/// `text`, a valid JSON document ([`is_json`]), in order; `depth` is how
/// many objects and lists are open (1 for the keys of an outermost object), and `value` the span of the key's
/// value in `text`. When `on_key` returns `false` the walk does not look
/// into that value.
pub(crate) fn for_each_key(text: &str, mut on_key: impl FnMut(&str, usize, Range<usize>) -> bool) {
    let bytes = text.as_bytes();
    // For each open container: whether it is an object.
    let mut open: Vec<bool> = Vec::new();
    let mut expecting_key = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                open.push(true);
                expecting_key = true;
                i += 1;
            }
            b'[' => {
                open.push(false);
                expecting_key = false;
                i += 1;
            }
            b'}' | b']' => {
                open.pop();
                expecting_key = false;
                i += 1;
            }
            b',' => {
                expecting_key = open.last() == Some(&true);
                i += 1;
            }
            b'"' => {
                let end = string_end(bytes, i);
                if !expecting_key {
                    i = end;
                    continue;
                }
                expecting_key = false;
                let key = string_at(text, i..end);
                // The value, after the `:`.
                let start = skip_space(bytes, skip_space(bytes, end) + 1);
                let value = start..value_end(bytes, start);
                i = if on_key(&key, open.len(), value.clone()) {
                    start
                } else {
                    value.end
                };
            }
            _ => i += 1,
        }
    }
}

/// Appends the text of every string value of `text` (a valid JSON
/// document) whose key `wanted(key, depth)` accepts; a value that is an
/// object or a list is looked into instead.
pub(crate) fn strings_under(
    text: &str,
    wanted: impl Fn(&str, usize) -> bool,
    out: &mut Vec<String>,
) {
    for_each_key(text, |key, depth, value| {
        if wanted(key, depth) && is_string(text, &value) {
            out.push(string_at(text, value).into_owned());
            return false;
        }
        true
    });
}

/// The text of the JSON string at `span` (quotes included), unescaped.
pub(crate) fn string_at(text: &str, span: Range<usize>) -> std::borrow::Cow<'_, str> {
    let inner = &text[span.start + 1..span.end.saturating_sub(1).max(span.start + 1)];
    if inner.contains('\\') {
        serde_json::from_str::<String>(&text[span])
            .unwrap_or_default()
            .into()
    } else {
        inner.into()
    }
}

/// Whether the value at `span` is a string.
fn is_string(text: &str, span: &Range<usize>) -> bool {
    text.as_bytes().get(span.start) == Some(&b'"')
}

pub(crate) fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Past the string that opens at `i`.
pub(crate) fn string_end(bytes: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < bytes.len() && bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(bytes.len())
}

/// Past the value that starts at `i`.
pub(crate) fn value_end(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i) {
        Some(b'"') => string_end(bytes, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < bytes.len() {
                match bytes[j] {
                    b'"' => {
                        j = string_end(bytes, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            bytes.len()
        }
        _ => {
            let mut j = i;
            while j < bytes.len()
                && !matches!(bytes[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            j
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, usize, String)> {
        let mut seen = Vec::new();
        for_each_key(text, |key, depth, value| {
            seen.push((key.to_owned(), depth, text[value].to_owned()));
            true
        });
        seen
    }

    #[test]
    fn every_key_is_found_with_its_depth_and_value() {
        let text = r#" { "a" : 1, "b": {"c": [ {"d": "x,}]"}, 2 ], "e\"f": null}, "g": [] } "#;
        assert!(is_json(text));
        assert_eq!(
            keys(text),
            [
                ("a".into(), 1, "1".into()),
                (
                    "b".into(),
                    1,
                    r#"{"c": [ {"d": "x,}]"}, 2 ], "e\"f": null}"#.into()
                ),
                ("c".into(), 2, r#"[ {"d": "x,}]"}, 2 ]"#.into()),
                ("d".into(), 4, r#""x,}]""#.into()),
                ("e\"f".into(), 2, "null".into()),
                ("g".into(), 1, "[]".into()),
            ]
        );
    }

    #[test]
    fn a_value_left_out_is_not_walked() {
        let text = r#"{"a": {"b": 1}, "c": 2}"#;
        let mut seen = Vec::new();
        for_each_key(text, |key, _, _| {
            seen.push(key.to_owned());
            key != "a"
        });
        assert_eq!(seen, ["a", "c"]);
    }

    #[test]
    fn strings_in_lists_are_not_keys() {
        assert_eq!(
            keys(r#"["a", {"b": "c"}, "d"]"#),
            [("b".into(), 2, r#""c""#.into())]
        );
        assert!(!is_json(r#"{"a": 1"#));
    }
}
