//! Small wire types for values vendors send loosely.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An integer that a vendor sends as a JSON number or as a numeric string
/// (`"9"`); serialised back as a number.
///
/// ```
/// let a: mitra_core::LenientInt = serde_json::from_str("\"9\"").unwrap();
/// let b: mitra_core::LenientInt = serde_json::from_str("9").unwrap();
/// assert_eq!(a, b);
/// assert_eq!(a.get(), 9);
/// assert_eq!(serde_json::from_str::<mitra_core::LenientInt>("\"15000.00\"").unwrap().get(), 15000);
/// assert!(serde_json::from_str::<mitra_core::LenientInt>("\"nine\"").is_err());
/// assert!(serde_json::from_str::<mitra_core::LenientInt>("\"15000.50\"").is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LenientInt(pub i64);

impl LenientInt {
    /// The value.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for LenientInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<i64> for LenientInt {
    fn from(v: i64) -> Self {
        Self(v)
    }
}

impl Serialize for LenientInt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

/// Read by the tolerant reader (`crate::tolerant`): a whole number in any
/// form (`"15000.00"`, `15000.0`) is read, and reported where the spec does
/// not allow it.
impl<'de> Deserialize<'de> for LenientInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <Self as crate::tolerant::Tolerant>::read(d, crate::tolerant::LENIENT_INT_SITE)
    }
}

/// A secret sent as a request parameter (a query or form field), such as an
/// API key. Serialises to its value, for the wire; `Debug` prints
/// `[REDACTED]`; it has no `Display`.
///
/// ```
/// let key = mitra_core::SecretText::from("s3cret");
/// assert_eq!(format!("{key:?}"), "[REDACTED]");
/// assert_eq!(serde_json::to_string(&key).unwrap(), "\"s3cret\"");
/// ```
#[derive(Clone)]
pub struct SecretText(SecretString);

impl SecretText {
    /// The secret's value.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<&str> for SecretText {
    fn from(s: &str) -> Self {
        Self(SecretString::from(s.to_owned()))
    }
}

impl From<String> for SecretText {
    fn from(s: String) -> Self {
        Self(SecretString::from(s))
    }
}

impl From<SecretString> for SecretText {
    fn from(s: SecretString) -> Self {
        Self(s)
    }
}

impl PartialEq for SecretText {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose_secret())
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::from)
    }
}

/// A local date-time in Western Indonesian Time (WIB, UTC+7), as vendors
/// write it with no zone: `YYYY-MM-DD HH:MM:SS`.
///
/// ```
/// let t: mitra_core::WibDateTime = serde_json::from_str("\"2016-03-18 22:08:02\"").unwrap();
/// assert_eq!(t.to_string(), "2016-03-18 22:08:02");
/// assert_eq!(t.to_fixed_offset().unwrap().to_rfc3339(), "2016-03-18T22:08:02+07:00");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WibDateTime(pub NaiveDateTime);

impl WibDateTime {
    /// The wire format.
    pub const FORMAT: &'static str = "%Y-%m-%d %H:%M:%S";

    /// The wall-clock time, with no zone.
    pub fn naive(&self) -> NaiveDateTime {
        self.0
    }

    /// The same instant with its +07:00 offset; `None` at the very edge of
    /// the representable range (a vendor's `0000-...` or far-future date).
    pub fn to_fixed_offset(&self) -> Option<DateTime<FixedOffset>> {
        FixedOffset::east_opt(7 * 3600)?
            .from_local_datetime(&self.0)
            .single()
    }
}

impl fmt::Display for WibDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::{Datelike, Timelike};
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl WibDateTime {
    /// Parses `YYYY-MM-DD HH:MM:SS` (the numbers after the year may be one
    /// digit).
    pub fn parse(text: &str) -> Option<Self> {
        let [year, month, day, hour, minute, second] =
            crate::date::numbers(text.trim(), "yyyy-mm-dd HH:MM:SS")?;
        chrono::NaiveDate::from_ymd_opt(year as i32, month, day)?
            .and_hms_opt(hour, minute, second)
            .map(Self)
    }
}

impl Serialize for WibDateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WibDateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Self::parse(&text)
            .ok_or_else(|| de::Error::custom("expected a date-time as YYYY-MM-DD HH:MM:SS"))
    }
}

/// A yes/no flag that a vendor sends as the string `"0"` or `"1"`; also
/// accepts `0`/`1` and `true`/`false`. Serialises as `"0"` / `"1"`.
///
/// ```
/// let yes: mitra_core::Flag = serde_json::from_str("\"1\"").unwrap();
/// assert!(yes.get());
/// assert_eq!(serde_json::to_string(&mitra_core::Flag::from(false)).unwrap(), "\"0\"");
/// assert!(serde_json::from_str::<mitra_core::Flag>("\"2\"").is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flag(pub bool);

impl Flag {
    /// The flag as a `bool`.
    pub fn get(self) -> bool {
        self.0
    }
}

impl From<bool> for Flag {
    fn from(b: bool) -> Self {
        Self(b)
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "1" } else { "0" })
    }
}

impl Serialize for Flag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.0 { "1" } else { "0" })
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"0\" or \"1\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
                match v {
                    0 => Ok(Flag(false)),
                    1 => Ok(Flag(true)),
                    _ => Err(E::custom("expected 0 or 1")),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom("expected 0 or 1"))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                match v.trim() {
                    "0" => Ok(Flag(false)),
                    "1" => Ok(Flag(true)),
                    _ => Err(E::custom("expected \"0\" or \"1\"")),
                }
            }
        }
        d.deserialize_any(V)
    }
}
