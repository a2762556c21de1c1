//! A vendor value that is typed when it parses and kept as sent when it
//! does not: one odd date (`""`, `0000-00-00 00:00:00`) must not sink a
//! whole response.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The typed value, or the text the vendor sent when it did not parse.
///
/// ```
/// use mitra_core::{Lenient, WibDateTime};
/// let ok: Lenient<WibDateTime> = serde_json::from_str("\"2016-03-18 22:08:02\"").unwrap();
/// assert!(ok.value().is_some());
/// let odd: Lenient<WibDateTime> = serde_json::from_str("\"0000-00-00 00:00:00\"").unwrap();
/// assert_eq!(odd.value(), None);
/// assert_eq!(odd.raw(), Some("0000-00-00 00:00:00"));
/// assert_eq!(serde_json::to_string(&odd).unwrap(), "\"0000-00-00 00:00:00\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lenient<T> {
    /// The value parsed.
    Value(T),
    /// It did not; the text as sent (a non-string value as its JSON).
    Raw(String),
}

impl<T> Lenient<T> {
    /// The parsed value, if it parsed.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Raw(_) => None,
        }
    }

    /// The text as sent, if it did not parse.
    pub fn raw(&self) -> Option<&str> {
        match self {
            Self::Value(_) => None,
            Self::Raw(s) => Some(s),
        }
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: fmt::Display> fmt::Display for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(v) => v.fmt(f),
            Self::Raw(s) => f.write_str(s),
        }
    }
}

impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => v.serialize(s),
            Self::Raw(raw) => s.serialize_str(raw),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Ok(match T::deserialize(&value) {
            Ok(parsed) => Self::Value(parsed),
            Err(_) => Self::Raw(match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            }),
        })
    }
}

#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Lenient<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Lenient{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = T::json_schema(generator);
        schema.insert(
            "description".into(),
            "The vendor's value; kept as sent when it does not parse.".into(),
        );
        schema.remove("pattern");
        schema
    }
}
