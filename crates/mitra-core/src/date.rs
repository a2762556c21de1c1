use std::fmt;
use std::ops::Deref;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date that the vendor writes as `DD-MM-YYYY` (e.g. `30-12-2023`),
/// as Indonesian APIs often do.
///
/// Derefs to [`chrono::NaiveDate`]; serialises back as `DD-MM-YYYY`.
///
/// ```
/// let d: mitra_core::DateDmy = serde_json::from_str("\"30-12-2023\"").unwrap();
/// assert_eq!(d.to_string(), "30-12-2023");
/// assert_eq!(*d, chrono::NaiveDate::from_ymd_opt(2023, 12, 30).unwrap());
/// assert!(serde_json::from_str::<mitra_core::DateDmy>("\"31-02-2023\"").is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateDmy(pub NaiveDate);

impl DateDmy {
    /// The wire format.
    pub const FORMAT: &'static str = "%d-%m-%Y";

    /// Parses `DD-MM-YYYY`.
    pub fn parse(text: &str) -> Option<Self> {
        NaiveDate::parse_from_str(text.trim(), Self::FORMAT)
            .ok()
            .map(Self)
    }

    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.0
    }
}

/// Why a text is not a `DD-MM-YYYY` date (the text is not repeated).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseDateDmyError;

impl std::fmt::Display for ParseDateDmyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a real date written DD-MM-YYYY (e.g. 30-12-2023)")
    }
}

impl std::error::Error for ParseDateDmyError {}

/// `"30-12-2023".parse::<DateDmy>()`.
///
/// ```
/// let d: mitra_core::DateDmy = "30-12-2023".parse().unwrap();
/// assert_eq!(d.to_string(), "30-12-2023");
/// assert!("2023-12-30".parse::<mitra_core::DateDmy>().is_err());
/// assert!("31-02-2023".parse::<mitra_core::DateDmy>().is_err());
/// ```
impl std::str::FromStr for DateDmy {
    type Err = ParseDateDmyError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text).ok_or(ParseDateDmyError)
    }
}

impl Deref for DateDmy {
    type Target = NaiveDate;
    fn deref(&self) -> &NaiveDate {
        &self.0
    }
}

impl From<NaiveDate> for DateDmy {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

impl fmt::Display for DateDmy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(Self::FORMAT))
    }
}

impl fmt::Debug for DateDmy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateDmy({self})")
    }
}

impl Serialize for DateDmy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateDmy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("expected a date as DD-MM-YYYY"))
    }
}
