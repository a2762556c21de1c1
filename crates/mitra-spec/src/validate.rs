//! One value against one schema, every disagreement at its JSON pointer.

use std::fmt;

use serde_json::Value;

use crate::{escape, resolve_at};

/// What kind of disagreement a [`Mismatch`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A property the schema does not name (and no `additionalProperties`).
    UnknownField,
    /// A required property is absent.
    MissingField,
    /// A number sent as a JSON string where the schema wants a number.
    NumberAsString,
    /// A number where the schema wants a string.
    StringAsNumber,
    /// Any other wrong JSON type; the JSON type seen.
    WrongType(&'static str),
    /// `null` where the schema is not `nullable`.
    Null,
    /// A value outside the schema's `enum`.
    Enum,
    /// A string that is not of the schema's `format` (`date`, `date-time`, `email`).
    Format(String),
    /// A string that does not match the schema's `pattern`.
    Pattern,
    /// A value that matches more than one `oneOf` alternative.
    Ambiguous,
}

/// One disagreement between a value and its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// JSON pointer of the value (`/data/0/name`), `""` for the whole value.
    pub pointer: String,
    /// JSON pointer into the spec of the schema that refused it (after
    /// `$ref`s), e.g. `/components/schemas/City`; for an unknown or missing
    /// field, the object's schema.
    pub schema: String,
    /// What kind of disagreement.
    pub kind: Kind,
    /// What the schema expects, in words.
    pub expected: String,
    /// What was seen (the value, shortened), empty for a missing field.
    pub found: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        match self.kind {
            Kind::UnknownField => write!(f, "{at}: field not in the spec ({})", self.found),
            Kind::MissingField => write!(f, "{at}: required field missing"),
            _ => write!(
                f,
                "{at}: {} where the spec wants {}",
                self.found, self.expected
            ),
        }
    }
}

/// Every disagreement of `value` with `schema` (an OpenAPI 3.0 schema object
/// of `spec`, or a `$ref` into it); empty when the value conforms.
pub fn validate(spec: &Value, schema: &Value, value: &Value) -> Vec<Mismatch> {
    validate_at(spec, schema, "", value)
}

/// [`validate`], with `schema_at` the spec location of `schema` (used in
/// [`Mismatch::schema`] until a `$ref` is followed).
pub fn validate_at(spec: &Value, schema: &Value, schema_at: &str, value: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    walk(spec, schema, schema_at, value, "", &mut out);
    out
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn walk(spec: &Value, schema: &Value, at: &str, value: &Value, ptr: &str, out: &mut Vec<Mismatch>) {
    let (schema, at) = resolve_at(spec, schema, at);
    let at = at.as_str();
    let mismatch = |kind: Kind, pointer: String, expected: String, found: String| Mismatch {
        pointer,
        schema: at.to_owned(),
        kind,
        expected,
        found,
    };
    let empty = schema.as_object().is_none_or(|o| o.is_empty());
    if value.is_null() {
        if schema["nullable"] == true || empty {
            return;
        }
        if schema.get("oneOf").is_none() && schema.get("anyOf").is_none() {
            let expected = schema["type"].as_str().unwrap_or("a value").to_owned();
            out.push(mismatch(
                Kind::Null,
                ptr.to_owned(),
                expected,
                "null".into(),
            ));
            return;
        }
    }
    if let Some(all) = schema["allOf"].as_array() {
        for (i, s) in all.iter().enumerate() {
            walk(spec, s, &format!("{at}/allOf/{i}"), value, ptr, out);
        }
    }
    for key in ["oneOf", "anyOf"] {
        let Some(alternatives) = schema[key].as_array() else {
            continue;
        };
        let results: Vec<Vec<Mismatch>> = alternatives
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut found = Vec::new();
                walk(spec, s, &format!("{at}/{key}/{i}"), value, ptr, &mut found);
                found
            })
            .collect();
        let matching = results.iter().filter(|r| r.is_empty()).count();
        if matching == 0 {
            // The closest alternative says best what differs: one of the
            // value's own JSON type first, then the one with fewest problems.
            // An alternative that is only `null` (`enum: [null]`) is not of a
            // non-null value's type.
            let only_null = |m: &Mismatch| {
                m.kind == Kind::Enum
                    && !value.is_null()
                    && spec.pointer(&m.schema).is_some_and(|s| {
                        s["enum"]
                            .as_array()
                            .is_some_and(|e| e.iter().all(Value::is_null))
                    })
            };
            let refuses_type = |found: &[Mismatch]| {
                found.iter().any(|m| {
                    m.pointer == ptr
                        && (matches!(
                            m.kind,
                            Kind::WrongType(_)
                                | Kind::NumberAsString
                                | Kind::StringAsNumber
                                | Kind::Null
                        ) || only_null(m))
                })
            };
            if let Some(closest) = results
                .into_iter()
                .min_by_key(|found| (refuses_type(found), found.len()))
            {
                out.extend(closest);
            }
        } else if matching > 1 && key == "oneOf" {
            out.push(Mismatch {
                pointer: ptr.to_owned(),
                schema: at.to_owned(),
                kind: Kind::Ambiguous,
                expected: "exactly one of the oneOf alternatives".into(),
                found: format!("{} matching {matching}", shown(value)),
            });
        }
    }
    if let Some(wanted) = schema["type"].as_str() {
        let seen = json_type(value);
        let ok = match wanted {
            "number" => value.is_number(),
            other => other == seen,
        };
        if !ok {
            let numeric_text = value
                .as_str()
                .is_some_and(|s| s.trim().parse::<f64>().is_ok());
            let kind = match (wanted, seen) {
                ("integer" | "number", "string") if numeric_text => Kind::NumberAsString,
                ("string", "integer" | "number") => Kind::StringAsNumber,
                _ => Kind::WrongType(seen),
            };
            out.push(mismatch(
                kind,
                ptr.to_owned(),
                wanted.to_owned(),
                shown(value),
            ));
            return;
        }
    }
    // The type first: a number sent as a string says more than "not one of".
    if let Some(options) = schema["enum"].as_array()
        && !options.contains(value)
    {
        let list: Vec<String> = options.iter().map(Value::to_string).collect();
        out.push(mismatch(
            Kind::Enum,
            ptr.to_owned(),
            format!("one of {}", list.join(", ")),
            shown(value),
        ));
        return;
    }
    if let Some(text) = value.as_str() {
        if let Some(format) = schema["format"].as_str()
            && !format_ok(format, text)
        {
            out.push(mismatch(
                Kind::Format(format.to_owned()),
                ptr.to_owned(),
                format!("a {format}"),
                shown(value),
            ));
        }
        if let Some(pattern) = schema["pattern"].as_str()
            && regex::Regex::new(pattern).is_ok_and(|re| !re.is_match(text))
        {
            out.push(mismatch(
                Kind::Pattern,
                ptr.to_owned(),
                format!("text matching {pattern}"),
                shown(value),
            ));
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, item) in list.iter().enumerate() {
            walk(
                spec,
                items,
                &format!("{at}/items"),
                item,
                &format!("{ptr}/{i}"),
                out,
            );
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema["properties"].as_object();
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                out.push(Mismatch {
                    pointer: format!("{ptr}/{}", escape(name)),
                    schema: at.to_owned(),
                    kind: Kind::MissingField,
                    expected: "a required field".into(),
                    found: String::new(),
                });
            }
        }
        for (key, v) in object {
            let child = format!("{ptr}/{}", escape(key));
            match properties.and_then(|p| p.get(key)) {
                Some(s) => walk(
                    spec,
                    s,
                    &format!("{at}/properties/{}", escape(key)),
                    v,
                    &child,
                    out,
                ),
                None => match schema.get("additionalProperties") {
                    // An object's fields are what the spec names, unless it
                    // says others may come.
                    None if properties.is_some() => out.push(Mismatch {
                        pointer: child,
                        schema: at.to_owned(),
                        kind: Kind::UnknownField,
                        expected: "no such field".into(),
                        found: shown(v),
                    }),
                    Some(extra) if extra.is_object() => walk(
                        spec,
                        extra,
                        &format!("{at}/additionalProperties"),
                        v,
                        &child,
                        out,
                    ),
                    Some(Value::Bool(false)) => out.push(Mismatch {
                        pointer: child,
                        schema: at.to_owned(),
                        kind: Kind::UnknownField,
                        expected: "no such field".into(),
                        found: shown(v),
                    }),
                    _ => {}
                },
            }
        }
    }
}

fn format_ok(format: &str, text: &str) -> bool {
    match format {
        "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        "email" => {
            let mut parts = text.split('@');
            matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(user), Some(domain), None)
                    if !user.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace)
            )
        }
        // Other formats (int64, password, ...) say nothing a JSON type does not.
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "City": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "kind": {"type": "string", "enum": ["kota", "kabupaten"]},
                "since": {"type": "string", "format": "date"},
                "code": {"type": "string", "pattern": "^\\d{5}$"},
                "note": {"type": "string", "nullable": true},
                "tags": {"type": "array", "items": {"type": "string"}},
                "either": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
            }},
            "Free": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {}}
        }}})
    }

    fn check(value: Value) -> Vec<Mismatch> {
        validate(
            &spec(),
            &json!({"$ref": "#/components/schemas/City"}),
            &value,
        )
    }

    #[test]
    fn an_object_is_reported_against_its_object_alternative_not_a_null_one() {
        // Pos Indonesia's `response`: null, one object or a list of them.
        let spec = json!({"components": {"schemas": {
            "None": {"type": "object", "nullable": true, "enum": [null]},
            "A": {"type": "object", "properties": {"a": {"type": "string"}}},
        }}});
        let schema = json!({"oneOf": [
            {"$ref": "#/components/schemas/None"},
            {"$ref": "#/components/schemas/A"},
        ]});
        let found = validate(&spec, &schema, &json!({"a": "x", "b": 1}));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].pointer.as_str(), &found[0].kind),
            ("/b", &Kind::UnknownField)
        );
    }

    #[test]
    fn a_conforming_value_has_no_mismatch() {
        let ok = json!({"id": 1, "name": "Bandung", "kind": "kota", "since": "2024-02-29",
            "code": "40111", "note": null, "tags": ["a"], "either": ["x"]});
        assert_eq!(check(ok), vec![]);
    }

    #[test]
    fn each_kind_of_drift_at_its_pointer() {
        let cases = [
            (json!({"id": 1}), "/name", Kind::MissingField),
            (
                json!({"id": 1, "name": "B", "extra": 1}),
                "/extra",
                Kind::UnknownField,
            ),
            (json!({"id": "1", "name": "B"}), "/id", Kind::NumberAsString),
            (json!({"id": 1, "name": 7}), "/name", Kind::StringAsNumber),
            (
                json!({"id": 1, "name": "B", "kind": "desa"}),
                "/kind",
                Kind::Enum,
            ),
            (
                json!({"id": 1, "name": "B", "since": "2024-02-30"}),
                "/since",
                Kind::Format("date".into()),
            ),
            (
                json!({"id": 1, "name": "B", "code": "4011"}),
                "/code",
                Kind::Pattern,
            ),
            (json!({"id": 1, "name": null}), "/name", Kind::Null),
            (
                json!({"id": 1, "name": "B", "tags": ["a", 2]}),
                "/tags/1",
                Kind::StringAsNumber,
            ),
            (
                json!({"id": true, "name": "B"}),
                "/id",
                Kind::WrongType("boolean"),
            ),
            (
                json!({"id": 1, "name": "B", "either": [3]}),
                "/either/0",
                Kind::StringAsNumber,
            ),
        ];
        for (value, pointer, kind) in cases {
            let found = check(value.clone());
            assert_eq!(found.len(), 1, "{value}: {found:?}");
            assert_eq!(found[0].pointer, pointer, "{value}");
            assert_eq!(found[0].kind, kind, "{value}");
        }
        let renamed = check(json!({"id": 1, "city_name": "B"}));
        assert_eq!(renamed.len(), 2, "{renamed:?}");
        assert_eq!(renamed[1].pointer, "/city_name");
        assert_eq!(renamed[1].schema, "/components/schemas/City");
    }

    #[test]
    fn additional_properties_let_other_fields_in() {
        let free = json!({"$ref": "#/components/schemas/Free"});
        assert_eq!(validate(&spec(), &free, &json!({"a": "x", "b": 1})), vec![]);
    }

    #[test]
    fn the_schema_location_follows_refs_and_properties() {
        let found = check(json!({"id": 1, "name": "B", "kind": "desa"}));
        assert_eq!(found[0].schema, "/components/schemas/City/properties/kind");
        assert_eq!(
            found[0].to_string(),
            "/kind: \"desa\" where the spec wants one of \"kota\", \"kabupaten\""
        );
    }
}
