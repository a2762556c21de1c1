//! Reading a member's SKP sufficiency.

use chrono::NaiveDate;

use crate::types::KecukupanSkp;

impl KecukupanSkp {
    /// The validity period of the member's registration certificate (STR):
    /// `tgl_mulai_str` to `tgl_berakhir_str`, both included, if both are
    /// given as dates (a value that is not one is kept, as sent, in the field).
    pub fn str_period(&self) -> Option<(NaiveDate, NaiveDate)> {
        let start = self.tgl_mulai_str.as_ref()?.value()?.date();
        let end = self.tgl_berakhir_str.as_ref()?.value()?.date();
        Some((start, end))
    }

    /// Whether the STR is valid on `date` (start and end days included).
    /// `false` when the period is unknown.
    ///
    /// ```
    /// let skp: mitra_pafi::types::KecukupanSkp = serde_json::from_str(
    ///     r#"{"tgl_mulai_str": "02-03-2023", "tgl_berakhir_str": "03-03-2024"}"#,
    /// ).unwrap();
    /// let day = |y, m, d| mitra_pafi::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert!(skp.str_valid_on(day(2024, 3, 3)));
    /// assert!(!skp.str_valid_on(day(2024, 3, 4)));
    /// assert!(!skp.str_valid_on(day(2023, 3, 1)));
    /// // A blank date does not sink the answer; the period is then unknown.
    /// let odd: mitra_pafi::types::KecukupanSkp =
    ///     serde_json::from_str(r#"{"tgl_mulai_str": "", "tgl_berakhir_str": "03-03-2024"}"#).unwrap();
    /// assert!(!odd.str_valid_on(day(2024, 1, 1)));
    /// ```
    pub fn str_valid_on(&self, date: NaiveDate) -> bool {
        self.str_period()
            .is_some_and(|(start, end)| start <= date && date <= end)
    }
}
