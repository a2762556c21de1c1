//! Journals as users write them: lines of (account code, debit, credit) in
//! whole Rupiah, checked to balance before anything is sent, and turned into
//! whichever wire format the client is configured for.

use std::fmt;

use chrono::NaiveDate;
use mitra_core::Error;

use crate::types;

/// Which of Sempoa's two documented request bodies `createJurnal` sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum JournalFormat {
    /// The partner document's format (June 2023): parallel arrays `akun`,
    /// `debit`, `kredit`, amounts as decimal strings. The default.
    #[default]
    ParallelArrays,
    /// The current public docs' format (July 2023): `transaksi` objects
    /// `{akun, debit, kredit}` with integer amounts.
    Transaksi,
}

/// One line of a journal: an account code and a debit *or* a credit, in whole
/// Rupiah.
///
/// ```
/// use mitra_sempoa::JournalLine;
/// let cash_out = JournalLine::credit("1002", 90_000);
/// assert_eq!((cash_out.debit, cash_out.credit), (0, 90_000));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalLine {
    /// Account code from the chart of accounts (e.g. `1000`); not its name.
    pub account_code: String,
    /// Debit in whole Rupiah (0 on a credit line).
    pub debit: u64,
    /// Credit in whole Rupiah (0 on a debit line).
    pub credit: u64,
}

impl JournalLine {
    /// A debit of `amount` Rupiah to `account_code`.
    pub fn debit(account_code: impl Into<String>, amount: u64) -> Self {
        Self {
            account_code: account_code.into(),
            debit: amount,
            credit: 0,
        }
    }

    /// A credit of `amount` Rupiah to `account_code`.
    pub fn credit(account_code: impl Into<String>, amount: u64) -> Self {
        Self {
            account_code: account_code.into(),
            debit: 0,
            credit: amount,
        }
    }
}

/// A general journal (jurnal umum) to post.
///
/// ```
/// use mitra_sempoa::{Journal, JournalLine};
/// let journal = Journal::new("2023-12-30", "PB/2023/VI/0001", "Pembelian ruko di Citra Raya")
///     .line(JournalLine::debit("1000", 15_000))
///     .line(JournalLine::debit("1001", 75_000))
///     .line(JournalLine::credit("1002", 90_000));
/// assert!(journal.validate().is_ok());
/// assert_eq!(journal.total(), 90_000);
///
/// let unbalanced = Journal::new("2023-12-30", "PB/2023/VI/0002", "Salah")
///     .line(JournalLine::debit("1000", 15_000))
///     .line(JournalLine::credit("1002", 10_000));
/// assert!(unbalanced.validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    tanggal: String,
    referensi: String,
    deskripsi: String,
    lines: Vec<JournalLine>,
}

impl Journal {
    /// A journal dated `tanggal` (a [`NaiveDate`] or `YYYY-MM-DD` text), with
    /// a unique reference number and a description. Add lines with
    /// [`line`](Self::line).
    pub fn new(
        tanggal: impl fmt::Display,
        referensi: impl Into<String>,
        deskripsi: impl Into<String>,
    ) -> Self {
        Self {
            tanggal: tanggal.to_string(),
            referensi: referensi.into(),
            deskripsi: deskripsi.into(),
            lines: Vec::new(),
        }
    }

    /// Adds a line.
    pub fn line(mut self, line: JournalLine) -> Self {
        self.lines.push(line);
        self
    }

    /// The lines, in order.
    pub fn lines(&self) -> &[JournalLine] {
        &self.lines
    }

    /// The reference number.
    pub fn referensi(&self) -> &str {
        &self.referensi
    }

    /// The total of the debits (saturating).
    pub fn total(&self) -> u64 {
        self.lines
            .iter()
            .fold(0u64, |sum, l| sum.saturating_add(l.debit))
    }

    /// Checks every rule; the first broken one is the error. Called by
    /// [`Client::create_jurnal`](crate::Client::create_jurnal) before sending.
    ///
    /// 1. `tanggal` is a real calendar date written `YYYY-MM-DD`;
    /// 2. `referensi` and `deskripsi` are not blank;
    /// 3. at least two lines;
    /// 4. each line has an account code, and a debit or a credit, not both
    ///    and not neither;
    /// 5. amounts fit Sempoa's integers (at most `i64::MAX` Rupiah, also in total);
    /// 6. total debit equals total credit.
    pub fn validate(&self) -> Result<NaiveDate, Error> {
        // chrono's own `YYYY-MM-DD` reader and writer (not a format string:
        // its interpreter is some 15 KB of every program), the text as written.
        let date = self
            .tanggal
            .parse::<NaiveDate>()
            .ok()
            .filter(|d| d.to_string() == self.tanggal)
            .ok_or_else(|| {
                Error::validation(
                    "tanggal",
                    format!("{:?} is not a real date written YYYY-MM-DD", self.tanggal),
                )
            })?;
        if self.referensi.trim().is_empty() {
            return Err(Error::validation("referensi", "must not be empty"));
        }
        if self.deskripsi.trim().is_empty() {
            return Err(Error::validation("deskripsi", "must not be empty"));
        }
        if self.lines.len() < 2 {
            return Err(Error::validation(
                "lines",
                format!(
                    "a journal needs at least two lines, not {}",
                    self.lines.len()
                ),
            ));
        }
        let (mut debit, mut credit) = (0i64, 0i64);
        for (i, line) in self.lines.iter().enumerate() {
            let n = i + 1;
            if line.account_code.trim().is_empty() {
                return Err(Error::validation(
                    "akun",
                    format!("line {n} has no account code"),
                ));
            }
            match (line.debit, line.credit) {
                (0, 0) => {
                    return Err(Error::validation(
                        "lines",
                        format!("line {n} has neither a debit nor a credit"),
                    ));
                }
                (d, c) if d > 0 && c > 0 => {
                    return Err(Error::validation(
                        "lines",
                        format!("line {n} has both a debit and a credit"),
                    ));
                }
                _ => {}
            }
            let too_big = || {
                Error::validation(
                    "lines",
                    format!("the amounts from line {n} on are too large"),
                )
            };
            debit = debit
                .checked_add(i64::try_from(line.debit).map_err(|_| too_big())?)
                .ok_or_else(too_big)?;
            credit = credit
                .checked_add(i64::try_from(line.credit).map_err(|_| too_big())?)
                .ok_or_else(too_big)?;
        }
        if debit != credit {
            return Err(Error::validation(
                "lines",
                format!("unbalanced: total debit {debit} is not total credit {credit}"),
            ));
        }
        Ok(date)
    }

    /// The request body in `format`, after [`validate`](Self::validate).
    pub(crate) fn to_request(&self, format: JournalFormat) -> Result<types::JurnalRequest, Error> {
        let tanggal = self.validate()?;
        let invalid = |field: &'static str| {
            move |e: types::error::ConversionError| Error::validation(field, e.to_string())
        };
        Ok(match format {
            JournalFormat::ParallelArrays => {
                types::JurnalRequest::Arrays(types::JurnalRequestArrays {
                    akun: self.lines.iter().map(|l| l.account_code.clone()).collect(),
                    debit: self
                        .lines
                        .iter()
                        .map(|l| l.debit.to_string().try_into())
                        .collect::<Result<_, _>>()
                        .map_err(invalid("debit"))?,
                    kredit: self
                        .lines
                        .iter()
                        .map(|l| l.credit.to_string().try_into())
                        .collect::<Result<_, _>>()
                        .map_err(invalid("kredit"))?,
                    deskripsi: self
                        .deskripsi
                        .clone()
                        .try_into()
                        .map_err(invalid("deskripsi"))?,
                    referensi: self
                        .referensi
                        .clone()
                        .try_into()
                        .map_err(invalid("referensi"))?,
                    tanggal,
                })
            }
            JournalFormat::Transaksi => types::JurnalRequest::Lines(types::JurnalRequestLines {
                transaksi: self
                    .lines
                    .iter()
                    .map(|l| types::TransaksiRequest {
                        akun: l.account_code.clone(),
                        // validate() checked that every amount fits an i64.
                        debit: l.debit as i64,
                        kredit: l.credit as i64,
                    })
                    .collect(),
                deskripsi: self
                    .deskripsi
                    .clone()
                    .try_into()
                    .map_err(invalid("deskripsi"))?,
                referensi: self
                    .referensi
                    .clone()
                    .try_into()
                    .map_err(invalid("referensi"))?,
                tanggal,
            }),
        })
    }
}

impl crate::PostedJournal {
    /// What Sempoa answers when it posts `journal` as `id` (its lines name
    /// their accounts by code): for a test's typed mock of `createJurnal`.
    /// [`Error::Validation`] when `journal` would not be sent.
    ///
    /// ```
    /// use mitra_sempoa::{Journal, JournalLine, PostedJournal};
    /// let journal = Journal::new("2026-11-25", "INV-1", "Sale")
    ///     .line(JournalLine::debit("10000", 150_000))
    ///     .line(JournalLine::credit("40000", 150_000));
    /// let posted = PostedJournal::posted(&journal, "J-1")?;
    /// assert_eq!(posted.total, Some(150_000));
    /// # Ok::<(), mitra_sempoa::Error>(())
    /// ```
    pub fn posted(journal: &Journal, id: impl Into<String>) -> Result<Self, Error> {
        let date = journal.validate()?;
        let amount = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let total = amount(journal.total());
        let mut jurnal = types::Jurnal::new(date, journal.referensi.as_str());
        jurnal.id = Some(id.into());
        jurnal.deskripsi = Some(journal.deskripsi.clone());
        jurnal.nominal = Some(total);
        jurnal.status = Some("Post".into());
        jurnal.transaksi = journal
            .lines
            .iter()
            .map(|l| {
                types::Transaksi::new(l.account_code.as_str(), amount(l.debit), amount(l.credit))
            })
            .collect();
        Ok(types::JurnalCreated::Jurnal(jurnal).into())
    }
}
