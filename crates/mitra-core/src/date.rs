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

    /// Parses `DD-MM-YYYY` (day and month may be one digit).
    pub fn parse(text: &str) -> Option<Self> {
        let [day, month, year] = numbers(text.trim(), "dd-mm-yyyy")?;
        NaiveDate::from_ymd_opt(year as i32, month, day).map(Self)
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
        use chrono::Datelike;
        let d = self.0;
        write!(f, "{:02}-{:02}-{:04}", d.day(), d.month(), d.year())
    }
}

/// The numbers of `text` laid out as `layout` says: each run of one letter
/// is a number of at most that many digits (a run of four, a year, exactly
/// four), a space is one or more spaces, anything else itself. `None` for
/// any other text. Fixed layouts parsed directly rather than through
/// chrono's format-string interpreter (`parse_from_str`, `format`): the
/// same dates, and some 15 KB less in every program that reads one.
pub(crate) fn numbers<const N: usize>(text: &str, layout: &str) -> Option<[u32; N]> {
    let mut out = [0u32; N];
    let mut field = 0;
    let (mut text, mut layout) = (text.as_bytes(), layout.as_bytes());
    while let Some(&first) = layout.first() {
        if first.is_ascii_alphabetic() {
            let width = layout.iter().take_while(|b| **b == first).count();
            let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 || digits > width || (width == 4 && digits != 4) {
                return None;
            }
            *out.get_mut(field)? = text[..digits]
                .iter()
                .fold(0, |n, b| n * 10 + u32::from(b - b'0'));
            field += 1;
            (text, layout) = (&text[digits..], &layout[width..]);
        } else if first == b' ' {
            let spaces = text.iter().take_while(|b| **b == b' ').count();
            if spaces == 0 {
                return None;
            }
            (text, layout) = (&text[spaces..], &layout[1..]);
        } else {
            (text, layout) = (text.strip_prefix(&[first])?, &layout[1..]);
        }
    }
    (text.is_empty() && field == N).then_some(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WibDateTime;

    #[test]
    fn dates_are_read_as_written_and_nothing_else() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            DateDmy::parse("30-12-2023").map(|d| d.0),
            Some(day(2023, 12, 30))
        );
        assert_eq!(
            DateDmy::parse(" 1-2-2024 ").map(|d| d.0),
            Some(day(2024, 2, 1))
        );
        assert_eq!(
            DateDmy::parse("29-02-2024").map(|d| d.0),
            Some(day(2024, 2, 29))
        );
        assert_eq!(
            DateDmy::parse("01-02-2024").unwrap().to_string(),
            "01-02-2024"
        );
        for wrong in [
            "",
            "29-02-2023",
            "31-04-2024",
            "00-01-2024",
            "2024-12-30",
            "30-12-24",
            "30-12-20245",
            "30-123-2024",
            "30/12/2024",
            "30-12-2024x",
            "30-12-",
            "-12-2024",
            "30--12-2024",
            "+1-12-2024",
        ] {
            assert_eq!(DateDmy::parse(wrong), None, "{wrong:?}");
        }
    }

    #[test]
    fn date_times_are_read_as_written_and_nothing_else() {
        let t = WibDateTime::parse("2016-03-18 22:08:02").unwrap();
        assert_eq!(t.to_string(), "2016-03-18 22:08:02");
        assert_eq!(
            WibDateTime::parse("2016-3-8  2:08:02").unwrap().to_string(),
            "2016-03-08 02:08:02"
        );
        for wrong in [
            "0000-00-00 00:00:00",
            "2016-03-18T22:08:02",
            "2016-03-18 24:00:00",
            "2016-03-18 22:60:00",
            "2016-03-18",
            "2016-03-18 22:08",
            "2016-03-18 22:08:02.5",
            "16-03-18 22:08:02",
        ] {
            assert_eq!(WibDateTime::parse(wrong), None, "{wrong:?}");
        }
    }
}
