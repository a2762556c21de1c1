//! The fields an answer may have, as a table: what the look for unknown
//! fields walks an answer's text with.
//!
//! serde's derive skips a field it does not know without a word. Finding
//! those took a second decode through `serde_ignored`, which wraps the
//! deserializer: a second copy of every response type's decoder in every
//! program, and the crate. `cargo xtask generate` instead writes, for every
//! response type, a [`Known`] impl: a few words of static data saying which
//! keys it reads and what lies under each, taken from the generated type
//! itself (its serde names, `flatten`, untagged enums), so that it knows
//! exactly the fields the derive reads. One walk of the text (this module,
//! one copy for every type) finds the rest.

use std::ops::Range;

use crate::json_text::{skip_space, string_at, string_end, value_end};

/// What a response type reads, for finding the fields it does not.
#[derive(Debug)]
#[non_exhaustive]
pub enum Shape {
    /// A value whose insides are not looked at: a scalar (read tolerantly
    /// whatever its kind), or JSON the spec leaves free-form.
    Any,
    /// An object with these keys (wire names) and what lies under each;
    /// `open`: it keeps keys it does not name (a flattened map), so none is
    /// unknown.
    Object {
        /// Every key the type reads, with the shape of its value.
        fields: &'static [(&'static str, &'static Shape)],
        /// Whether other keys are kept too.
        open: bool,
    },
    /// A list of items of one shape (also read where one item comes alone).
    List(&'static Shape),
    /// An object of any keys whose values have one shape.
    Map(&'static Shape),
    /// Any one of several shapes (an untagged enum: one object or a list).
    OneOf(&'static [&'static Shape]),
}

/// A type whose [`Shape`] is known: every response type (written by
/// `cargo xtask generate`) and the types their fields hold.
pub trait Known {
    /// The keys it reads, at every depth.
    const SHAPE: &'static Shape;
}

macro_rules! any {
    ($($ty:ty),* $(,)?) => {
        $(impl Known for $ty {
            const SHAPE: &'static Shape = &Shape::Any;
        })*
    };
}

any!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    String,
    (),
    serde_json::Value,
    serde_json::Map<String, serde_json::Value>,
    chrono::NaiveDate,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>,
    crate::Code,
    crate::DateDmy,
    crate::LenientInt,
    crate::Flag,
    crate::SecretText,
    crate::WibDateTime,
);

impl<T: Known> Known for crate::Lenient<T> {
    const SHAPE: &'static Shape = T::SHAPE;
}

impl<T: Known> Known for Option<T> {
    const SHAPE: &'static Shape = T::SHAPE;
}

impl<T: Known> Known for Box<T> {
    const SHAPE: &'static Shape = T::SHAPE;
}

impl<T: Known> Known for Vec<T> {
    const SHAPE: &'static Shape = &Shape::List(T::SHAPE);
}

impl<K, V: Known, S> Known for std::collections::HashMap<K, V, S> {
    const SHAPE: &'static Shape = &Shape::Map(V::SHAPE);
}

impl<K, V: Known> Known for std::collections::BTreeMap<K, V> {
    const SHAPE: &'static Shape = &Shape::Map(V::SHAPE);
}

/// Calls `unknown(pointer)` for every key of the JSON document `text`
/// (valid JSON: it was just decoded) that `shape` does not read, in order,
/// each with its JSON pointer (`/data/1/new`); it stops after `limit`.
pub(crate) fn unknown_fields(
    text: &str,
    shape: &'static Shape,
    limit: usize,
    unknown: &mut dyn FnMut(String),
) {
    let start = skip_space(text.as_bytes(), 0);
    let mut walk = Walk {
        text,
        pointer: String::new(),
        left: limit,
        unknown,
    };
    walk.value(start, &[shape]);
}

struct Walk<'a> {
    text: &'a str,
    pointer: String,
    left: usize,
    unknown: &'a mut dyn FnMut(String),
}

impl Walk<'_> {
    /// Looks through the value at `start`, which may have any of `shapes`.
    fn value(&mut self, start: usize, shapes: &[&'static Shape]) {
        let mut candidates = Vec::new();
        for shape in shapes {
            if !expand(shape, &mut candidates) {
                return; // something here reads anything
            }
        }
        let bytes = self.text.as_bytes();
        match bytes.get(start) {
            Some(b'{') => self.object(start, &candidates),
            Some(b'[') => {
                let items: Vec<&'static Shape> = candidates
                    .iter()
                    .filter_map(|shape| match shape {
                        Shape::List(item) => Some(*item),
                        _ => None,
                    })
                    .collect();
                if items.is_empty() {
                    return;
                }
                for (index, item) in items_of(bytes, start).enumerate() {
                    let before = self.pointer.len();
                    self.pointer.push('/');
                    self.pointer.push_str(&index.to_string());
                    self.value(item.start, &items);
                    self.pointer.truncate(before);
                }
            }
            _ => {}
        }
    }

    fn object(&mut self, start: usize, candidates: &[&'static Shape]) {
        // One item where a list is expected is read as that item.
        let mut objects: Vec<&'static Shape> = Vec::new();
        for shape in candidates {
            match shape {
                Shape::List(item) => {
                    if !expand(item, &mut objects) {
                        return;
                    }
                }
                other => objects.push(other),
            }
        }
        let open = objects
            .iter()
            .any(|shape| matches!(shape, Shape::Object { open: true, .. }));
        if !objects
            .iter()
            .any(|shape| matches!(shape, Shape::Object { .. } | Shape::Map(_)))
        {
            return;
        }
        for (key, _, value) in members(self.text, start) {
            if self.left == 0 {
                return;
            }
            let mut under: Vec<&'static Shape> = Vec::new();
            for shape in &objects {
                match shape {
                    Shape::Object { fields, .. } => under.extend(
                        fields
                            .iter()
                            .filter(|(name, _)| *name == key)
                            .map(|(_, shape)| *shape),
                    ),
                    Shape::Map(value) => under.push(value),
                    _ => {}
                }
            }
            let before = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&crate::pointer::escape(&key));
            if !under.is_empty() {
                self.value(value.start, &under);
            } else if !open {
                self.left -= 1;
                (self.unknown)(self.pointer.clone());
            }
            self.pointer.truncate(before);
        }
    }
}

/// `text`, a JSON document, with every key made of data (see
/// [`crate::redact::data_shaped_key`]) shown as `"*"` and the value of
/// every key that `shape` does not name replaced by its kind (`"[text]"`, `"[a number]"`, ...; `null`
/// stays): the keys an open object keeps, those of JSON the spec leaves
/// free-form and those of an unexpected object too. What a trace shows of
/// an answer: a vendor may put anything under a name no spec lists (a
/// receiver's phone), and only the fields the spec knows are shown.
pub(crate) fn mask_unnamed(text: &str, shape: &'static Shape) -> String {
    let mut spans = Vec::new();
    unnamed_values(
        text,
        skip_space(text.as_bytes(), 0),
        &[shape],
        0,
        &mut spans,
    );
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (span, is_key) in spans {
        out.push_str(&text[copied..span.start]);
        out.push_str(match text.as_bytes()[span.start] {
            _ if is_key => "\"*\"",
            b'"' => "\"[text]\"",
            b'{' => "\"[an object]\"",
            b'[' => "\"[a list]\"",
            b't' | b'f' => "\"[a boolean]\"",
            b'n' => "null",
            _ => "\"[a number]\"",
        });
        copied = span.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Appends, in order, the span of every value under a key that none of
/// `shapes` names, in the value at `start`, and of every key made of data
/// (tagged `true`); past a depth of 64 the value
/// is one span (a deep answer must not exhaust the stack).
fn unnamed_values(
    text: &str,
    start: usize,
    shapes: &[&'static Shape],
    depth: usize,
    out: &mut Vec<(Range<usize>, bool)>,
) {
    let bytes = text.as_bytes();
    if depth > 64 {
        out.push((start..value_end(bytes, start), false));
        return;
    }
    // `Any` adds no alternative: the insides of free-form JSON are unknown.
    let mut candidates = Vec::new();
    for shape in shapes {
        expand(shape, &mut candidates);
    }
    match bytes.get(start) {
        Some(b'{') => {
            // One item where a list is expected is read as that item.
            let mut objects: Vec<&'static Shape> = Vec::new();
            for shape in &candidates {
                match shape {
                    Shape::List(item) => {
                        expand(item, &mut objects);
                    }
                    other => objects.push(other),
                }
            }
            for (key, key_span, value) in members(text, start) {
                // A key made of data (a NIK, an e-mail address) is shown
                // as `*`, whatever its value.
                if crate::redact::data_shaped_key(&key) {
                    out.push((key_span, true));
                }
                let mut under: Vec<&'static Shape> = Vec::new();
                for shape in &objects {
                    match shape {
                        Shape::Object { fields, .. } => under.extend(
                            fields
                                .iter()
                                .filter(|(name, _)| *name == key)
                                .map(|(_, shape)| *shape),
                        ),
                        Shape::Map(value) => under.push(value),
                        _ => {}
                    }
                }
                if under.is_empty() {
                    out.push((value, false));
                } else {
                    unnamed_values(text, value.start, &under, depth + 1, out);
                }
            }
        }
        Some(b'[') => {
            let items: Vec<&'static Shape> = candidates
                .iter()
                .filter_map(|shape| match shape {
                    Shape::List(item) => Some(*item),
                    _ => None,
                })
                .collect();
            for item in items_of(bytes, start) {
                unnamed_values(text, item.start, &items, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Adds `shape`'s alternatives to `out`; false if one of them is
/// [`Shape::Any`] (nothing under it is unknown).
fn expand(shape: &'static Shape, out: &mut Vec<&'static Shape>) -> bool {
    match shape {
        Shape::Any => false,
        Shape::OneOf(alternatives) => alternatives.iter().all(|shape| expand(shape, out)),
        other => {
            out.push(other);
            true
        }
    }
}

/// The keys of the object that opens at `start`, with their spans (quotes
/// included) and their values' spans.
fn members(
    text: &str,
    start: usize,
) -> impl Iterator<Item = (String, Range<usize>, Range<usize>)> + '_ {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    std::iter::from_fn(move || {
        i = skip_space(bytes, i);
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let key_start = i;
        let key_end = string_end(bytes, i);
        let key = string_at(text, i..key_end).into_owned();
        let value_start = skip_space(bytes, skip_space(bytes, key_end) + 1);
        let value = value_start..value_end(bytes, value_start);
        i = skip_space(bytes, value.end);
        if bytes.get(i) == Some(&b',') {
            i += 1;
        }
        Some((key, key_start..key_end, value))
    })
}

/// The spans of the items of the list that opens at `start`.
fn items_of(bytes: &[u8], start: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut i = start + 1;
    std::iter::from_fn(move || {
        i = skip_space(bytes, i);
        if matches!(bytes.get(i), None | Some(b']')) {
            return None;
        }
        let item = i..value_end(bytes, i);
        i = skip_space(bytes, item.end);
        if bytes.get(i) == Some(&b',') {
            i += 1;
        }
        Some(item)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    static CITY: Shape = Shape::Object {
        fields: &[("city_id", &Shape::Any), ("name", &Shape::Any)],
        open: false,
    };
    static FEE: Shape = Shape::Object {
        fields: &[("fee", &Shape::Any)],
        open: true,
    };
    static ENVELOPE: Shape = Shape::Object {
        fields: &[
            ("data", &Shape::List(&CITY)),
            ("one_or_many", &Shape::OneOf(&[&CITY, &Shape::List(&CITY)])),
            ("fees", &Shape::Map(&FEE)),
            ("free", &Shape::Any),
        ],
        open: false,
    };

    fn unknown(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        unknown_fields(text, &ENVELOPE, 64, &mut |pointer| found.push(pointer));
        found
    }

    #[test]
    fn keys_the_type_does_not_read_are_found_at_their_pointers() {
        let text = r#" { "data": [ {"city_id": 1, "name": "a"}, {"city_id": "2", "new": {"x": 1}} ],
            "free": {"any": [1]}, "fees": {"k1": {"fee": 1, "more": 2}}, "top/~": null } "#;
        assert_eq!(unknown(text), ["/data/1/new", "/top~1~0"]);
    }

    #[test]
    fn an_untagged_one_or_many_and_one_item_for_a_list_are_looked_into() {
        assert_eq!(
            unknown(r#"{"one_or_many": {"name": "a", "x": 1}}"#),
            ["/one_or_many/x"]
        );
        assert_eq!(
            unknown(r#"{"one_or_many": [{"y": 1}, {"name": "b"}]}"#),
            ["/one_or_many/0/y"]
        );
        assert_eq!(unknown(r#"{"data": {"z": 1}}"#), ["/data/z"]);
    }

    #[test]
    fn a_trace_shows_the_value_of_a_field_the_shape_does_not_name_as_its_kind() {
        // Issue #37 row 5: fields no spec lists, an open object's extras and
        // free-form JSON show only their kind.
        let text = r#"{"data": [{"city_id": 1, "name": "Bandung", "kontak_penerima": "siti@contoh.id",
            "hp_penerima": "0813-9998-8877", "x": {"y": [1]}, "z": null}],
            "fees": {"k1": {"fee": 1, "nama": "Siti"}, "siti@contoh.id": {"fee": 2}},
            "free": {"any": "Siti", "3273010101900001": 5}, "one_or_many": [{"name": "a", "t": true}]}"#;
        let shown = mask_unnamed(text, &ENVELOPE);
        for gone in ["siti@contoh.id", "0813", "Siti", "[1]", "32730101"] {
            assert!(!shown.contains(gone), "{gone} in {shown}");
        }
        for kept in [
            r#""city_id": 1"#,
            r#""name": "Bandung""#,
            r#""kontak_penerima": "[text]""#,
            r#""x": "[an object]""#,
            r#""z": null"#,
            r#""fee": 1"#,
            r#""t": "[a boolean]""#,
            r#""*": {"fee": 2}"#,
            r#""*": "[a number]""#,
        ] {
            assert!(shown.contains(kept), "{kept} not in {shown}");
        }
        assert!(crate::json_text::is_json(&shown), "{shown}");
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(mask_unnamed(&deep, &ENVELOPE).contains("[a list]"));
    }

    #[test]
    fn values_of_another_kind_and_the_limit_end_the_look_there() {
        assert!(unknown(r#"{"data": "text", "fees": [1], "one_or_many": 3}"#).is_empty());
        let mut found = Vec::new();
        unknown_fields(r#"{"a":1,"b":2,"c":3}"#, &ENVELOPE, 2, &mut |p| {
            found.push(p)
        });
        assert_eq!(found, ["/a", "/b"]);
    }
}
