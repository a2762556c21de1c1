//! Personal data (UU 27/2022): types whose `Debug` never shows the value, so
//! that a response logged with `{:?}` leaks nothing.

use std::fmt;

use chrono::NaiveDate;
use mitra_core::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What `Debug` prints instead of personal data.
const WITHHELD: &str = "[personal data]";

/// A NIK (Nomor Induk Kependudukan): 16 digits.
///
/// `Debug` shows only the last 4 digits; `Display` and [`as_str`](Self::as_str)
/// give the whole number, for the caller's own use.
///
/// ```
/// let nik = mitra_pafi::Nik::new("3206021201960046").unwrap();
/// assert_eq!(format!("{nik:?}"), "Nik(************0046)");
/// assert!(mitra_pafi::Nik::new("32060212019600").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik(String);

impl Nik {
    /// A NIK, if `text` is exactly 16 digits.
    pub fn new(text: &str) -> Result<Self, Error> {
        if text.len() == 16 && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(Error::validation("nik", "a NIK is exactly 16 digits"))
        }
    }

    /// The whole NIK.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The NIK with all but its last 4 characters masked.
    pub fn masked(&self) -> String {
        let keep = self.0.chars().count().saturating_sub(4);
        self.0
            .chars()
            .enumerate()
            .map(|(i, c)| if i < keep { '*' } else { c })
            .collect()
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Nik {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Nik {
    /// Any string: a response is kept even if the vendor's NIK is malformed.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        mitra_core::tolerant::read::<_, String, { site::NIK }>(d).map(Self)
    }
}

/// The tolerant reader's names for these types' values (any distinct numbers).
mod site {
    pub const NIK: u32 = 0x5041_0001;
    pub const PERSONAL: u32 = 0x5041_0002;
    pub const BIRTH_DATE: u32 = 0x5041_0003;
    pub const GENDER: u32 = 0x5041_0004;
}

/// Text that identifies a person: a name, a licence (STR) number, a letter
/// number that holds a birth date. `Debug` prints `[personal data]`.
///
/// ```
/// let name: mitra_pafi::Personal = serde_json::from_str("\"Dummy Data S.Farm\"").unwrap();
/// assert_eq!(name.as_str(), "Dummy Data S.Farm");
/// assert_eq!(format!("{name:?}"), "[personal data]");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Personal(String);

impl Personal {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Personal {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl fmt::Debug for Personal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(WITHHELD)
    }
}

impl Serialize for Personal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Personal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        mitra_core::tolerant::read::<_, String, { site::PERSONAL }>(d).map(Self)
    }
}

/// A birth date, sent as `dd-mm-yyyy`. PAFI's own schema types it a plain
/// string, so a value that is not such a date is kept as sent rather than
/// failing the whole answer. `Debug` prints `[personal data]`.
///
/// ```
/// let born: mitra_pafi::BirthDate = serde_json::from_str("\"19-02-1998\"").unwrap();
/// assert_eq!(born.date().unwrap().to_string(), "1998-02-19");
/// assert_eq!(format!("{born:?}"), "[personal data]");
/// let odd: mitra_pafi::BirthDate = serde_json::from_str("\"\"").unwrap();
/// assert_eq!(odd.date(), None);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BirthDate {
    date: Option<NaiveDate>,
    raw: String,
}

impl BirthDate {
    /// The date, when PAFI sent one as `dd-mm-yyyy`.
    pub fn date(&self) -> Option<NaiveDate> {
        self.date
    }

    /// The text as PAFI sent it.
    pub fn as_sent(&self) -> &str {
        &self.raw
    }
}

impl fmt::Debug for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(WITHHELD)
    }
}

impl Serialize for BirthDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for BirthDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Deliberately no value in any message.
        let raw: String = mitra_core::tolerant::read::<_, _, { site::BIRTH_DATE }>(d)?;
        let date = mitra_core::DateDmy::parse(&raw).map(|d| d.date());
        Ok(Self { date, raw })
    }
}

/// A member's gender as PAFI writes it; values it does not know are kept.
///
/// ```
/// use mitra_pafi::Gender;
/// assert_eq!(serde_json::from_str::<Gender>("\"pria\"").unwrap(), Gender::Male);
/// assert_eq!(serde_json::from_str::<Gender>("\"Perempuan\"").unwrap(), Gender::Female);
/// assert_eq!(serde_json::from_str::<Gender>("\"x\"").unwrap(), Gender::Other("x".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Gender {
    /// `pria` (also `laki-laki`, `L`).
    Male,
    /// `wanita` (also `perempuan`, `P`).
    Female,
    /// Any other value, as sent.
    Other(String),
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Male => "pria",
            Self::Female => "wanita",
            Self::Other(s) => s,
        })
    }
}

impl Serialize for Gender {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Gender {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text: String = mitra_core::tolerant::read::<_, _, { site::GENDER }>(d)?;
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "pria" | "laki-laki" | "laki laki" | "l" => Self::Male,
            "wanita" | "perempuan" | "p" => Self::Female,
            _ => {
                // Reported (never its value): the spec may want the new one.
                mitra_core::tolerant::tolerated::<D::Error>(
                    site::GENDER,
                    "one of the spec's values",
                    "another value",
                )?;
                Self::Other(text)
            }
        })
    }
}

#[cfg(feature = "schema")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    macro_rules! string_schema {
        ($ty:ty, $name:literal, $schema:tt) => {
            impl JsonSchema for $ty {
                fn schema_name() -> Cow<'static, str> {
                    Cow::Borrowed($name)
                }
                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    json_schema!($schema)
                }
            }
        };
    }

    string_schema!(super::Nik, "Nik", {"type": "string", "pattern": "^[0-9]{16}$", "description": "NIK, 16 digits. Personal data."});
    string_schema!(super::Personal, "Personal", {"type": "string", "description": "Personal data."});
    string_schema!(super::BirthDate, "BirthDate", {"type": "string", "description": "dd-mm-yyyy as a rule; kept as sent otherwise. Personal data."});
    string_schema!(super::Gender, "Gender", {"type": "string", "description": "pria, wanita, or another value as sent."});
}

/// A NIK that came from elsewhere than [`Nik::new`] (a deserialized input)
/// is checked again before it is sent (`x-mitra-validate` in the spec).
impl mitra_core::plumbing::Validate for Nik {
    fn validate(&self) -> Result<(), Error> {
        Nik::new(&self.0).map(drop)
    }
}

// Each is one scalar on the wire: no field of an answer lies under it (the
// look for unknown fields, `mitra_core::tolerant::Known`).
macro_rules! scalar_on_the_wire {
    ($($ty:ty),*) => {
        $(impl mitra_core::tolerant::Known for $ty {
            const SHAPE: &'static mitra_core::tolerant::Shape = &mitra_core::tolerant::Shape::Any;
        })*
    };
}
scalar_on_the_wire!(Nik, Personal, BirthDate, Gender);
