use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A code or amount that a vendor sends as a JSON string or as a JSON number,
/// kept as its text.
///
/// Gateways that convert XML to JSON turn `"0812"` into `812` and `"15000"` into
/// `15000` at will; `Code` accepts both and always hands back text, so callers
/// never branch on the wire type. A number keeps its decimal text (`15000`,
/// `1.5`); leading zeros lost by the vendor cannot be restored.
///
/// ```
/// let a: mitra_core::Code = serde_json::from_str("\"32\"").unwrap();
/// let b: mitra_core::Code = serde_json::from_str("32").unwrap();
/// assert_eq!(a, b);
/// assert_eq!(a.as_str(), "32");
/// assert_eq!(b.parse::<u32>().unwrap(), 32);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(String);

impl Code {
    /// Wraps text as a code.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Code {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for Code {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Read by the tolerant reader (`crate::tolerant`), so that a value the
/// spec does not allow (a fraction) is reported like any other drift.
impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <Self as crate::tolerant::Tolerant>::read(deserializer, crate::tolerant::CODE_SITE)
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn accepts_strings_and_numbers_and_rejects_the_rest() {
        let parse = |s: &str| serde_json::from_str::<Code>(s).map(Code::into_string);
        assert_eq!(parse("\"0812\"").unwrap(), "0812");
        assert_eq!(parse("900901").unwrap(), "900901");
        assert_eq!(parse("-3").unwrap(), "-3");
        assert_eq!(parse("1.5").unwrap(), "1.5");
        assert!(parse("null").is_err());
        assert!(parse("{}").is_err());
        assert!(parse("[1]").is_err());
    }

    #[test]
    fn serializes_as_a_string() {
        let code: Code = serde_json::from_str("40623").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"40623\"");
    }
}
