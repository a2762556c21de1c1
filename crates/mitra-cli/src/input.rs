//! Operation inputs: `--field value` flags and `--json-body`, as one JSON
//! object keyed by the vendor's field names.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::CliError;

/// How a flag's text becomes JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Kept as a string.
    Text,
    /// A whole number.
    Int,
    /// Any JSON (objects and lists of a body).
    Json,
}

/// One input field of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The vendor's name of the field (`provinceCode`); the flag is its
    /// kebab-case (`--province-code`).
    pub name: &'static str,
    /// One line of help.
    pub help: &'static str,
    /// How to read the flag.
    pub kind: Kind,
    /// Whether the operation needs it (from a flag or the JSON body).
    pub required: bool,
    /// The value sent when it is not given.
    pub default: Option<&'static str>,
}

/// Shorthands for field tables.
pub const fn text(name: &'static str, help: &'static str) -> Field {
    Field {
        name,
        help,
        kind: Kind::Text,
        required: true,
        default: None,
    }
}

/// A text field that defaults to the empty string.
pub const fn text_or_empty(name: &'static str, help: &'static str) -> Field {
    Field {
        name,
        help,
        kind: Kind::Text,
        required: false,
        default: Some(""),
    }
}

/// An optional text field.
pub const fn opt_text(name: &'static str, help: &'static str) -> Field {
    Field {
        name,
        help,
        kind: Kind::Text,
        required: false,
        default: None,
    }
}

/// A required whole number.
pub const fn int(name: &'static str, help: &'static str) -> Field {
    Field {
        name,
        help,
        kind: Kind::Int,
        required: true,
        default: None,
    }
}

/// An optional whole number.
pub const fn opt_int(name: &'static str, help: &'static str) -> Field {
    Field {
        name,
        help,
        kind: Kind::Int,
        required: false,
        default: None,
    }
}

/// A required JSON value.
pub const fn json(name: &'static str, help: &'static str) -> Field {
    Field {
        name,
        help,
        kind: Kind::Json,
        required: true,
        default: None,
    }
}

/// An optional JSON value.
pub const fn opt_json(name: &'static str, help: &'static str) -> Field {
    Field {
        name,
        help,
        kind: Kind::Json,
        required: false,
        default: None,
    }
}

/// The flag of a field: `provinceCode` and `province_code` give `province-code`.
pub fn flag_name(field: &str) -> String {
    let mut out = String::new();
    for (i, c) in field.chars().enumerate() {
        if c == '_' {
            out.push('-');
        } else if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The input of one call.
#[derive(Debug, Default)]
pub struct Input {
    fields: Map<String, Value>,
}

impl Input {
    /// Builds the input: the JSON body first, flags over it, then defaults;
    /// fails (invalid input) when a value does not parse or a required field
    /// is missing.
    pub fn build(
        fields: &[Field],
        body: Option<Value>,
        flags: &[(&'static str, String)],
    ) -> Result<Self, CliError> {
        let mut map = match body {
            None => Map::new(),
            Some(Value::Object(map)) => map,
            Some(_) => return Err(CliError::invalid("--json-body must hold a JSON object")),
        };
        for (name, raw) in flags {
            let field = fields
                .iter()
                .find(|f| f.name == *name)
                .expect("flags come from the field table");
            let value = match field.kind {
                Kind::Text => Value::String(raw.clone()),
                Kind::Int => raw.trim().parse::<i64>().map(Value::from).map_err(|_| {
                    CliError::invalid(format!("--{} must be a whole number", flag_name(name)))
                })?,
                Kind::Json => serde_json::from_str(raw).map_err(|e| {
                    CliError::invalid(format!("--{} is not JSON: {e}", flag_name(name)))
                })?,
            };
            map.insert((*name).to_owned(), value);
        }
        for field in fields {
            if !map.contains_key(field.name) {
                if let Some(default) = field.default {
                    map.insert(field.name.to_owned(), Value::String(default.to_owned()));
                } else if field.required {
                    return Err(CliError::invalid(format!(
                        "--{} is required",
                        flag_name(field.name)
                    )));
                }
            }
        }
        Ok(Self { fields: map })
    }

    /// A field as text ("" when absent).
    pub fn text(&self, name: &str) -> String {
        match self.fields.get(name) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }
    }

    /// A field as a whole number.
    pub fn int(&self, name: &str) -> Result<i64, CliError> {
        match self.fields.get(name) {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| CliError::invalid(format!("--{} must be a whole number", flag_name(name))))
    }

    /// An optional whole number.
    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, CliError> {
        if self.fields.contains_key(name) {
            self.int(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The whole input as a request type of the vendor.
    pub fn to<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        serde_json::from_value(Value::Object(self.fields.clone()))
            .map_err(|e| CliError::invalid(format!("the input does not fit the request: {e}")))
    }

    /// One field as a type.
    pub fn field<T: DeserializeOwned>(&self, name: &str) -> Result<T, CliError> {
        serde_json::from_value(self.fields.get(name).cloned().unwrap_or(Value::Null))
            .map_err(|e| CliError::invalid(format!("--{}: {e}", flag_name(name))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names() {
        assert_eq!(flag_name("provinceCode"), "province-code");
        assert_eq!(flag_name("toko_name"), "toko-name");
        assert_eq!(flag_name("resi"), "resi");
    }

    #[test]
    fn flags_override_the_body_and_defaults_fill_gaps() {
        let fields = [text("a", ""), text_or_empty("b", ""), opt_int("n", "")];
        let body = serde_json::json!({"a": "from body", "n": 1});
        let input = Input::build(&fields, Some(body), &[("a", "from flag".into())]).unwrap();
        assert_eq!(input.text("a"), "from flag");
        assert_eq!(input.text("b"), "");
        assert_eq!(input.int("n").unwrap(), 1);
        assert!(Input::build(&fields, None, &[]).is_err(), "a is required");
        assert!(Input::build(&fields, None, &[("a", "x".into()), ("n", "one".into())]).is_err());
    }
}
