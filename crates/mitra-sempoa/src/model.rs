//! Responses with fields named for what they hold: in Sempoa's responses
//! `akun` is an account *name*, while requests take account *codes*.

use chrono::NaiveDate;
use serde::Serialize;

use crate::types;

/// An account of the chart of accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Account {
    /// Account code (`kode`), e.g. `10000`: what journals refer to.
    pub code: String,
    /// Account name (`akun`), e.g. `Asset`.
    pub name: String,
    /// Account type (`tipe`), e.g. `Aset`, `Modal`.
    pub kind: Option<String>,
    /// Depth in the chart (`level`), 1 for top-level accounts.
    pub level: Option<i64>,
    /// Normal balance (`balance`): `Debit` or `Credit`.
    pub normal_balance: Option<String>,
    /// Name of the parent account (`akun_induk`); `None` where Sempoa says `-`.
    pub parent_name: Option<String>,
}

impl From<types::Akun> for Account {
    fn from(a: types::Akun) -> Self {
        Self {
            code: a.kode,
            name: a.akun,
            kind: a.tipe,
            level: a.level,
            normal_balance: a.balance,
            parent_name: a
                .akun_induk
                .filter(|p| p.trim() != "-" && !p.trim().is_empty()),
        }
    }
}

/// A line of a posted journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PostedLine {
    /// Account *name* (`akun` in responses), e.g. `BANK BCA`.
    pub account_name: String,
    /// Debit in whole Rupiah.
    pub debit: i64,
    /// Credit in whole Rupiah.
    pub credit: i64,
}

/// A journal as Sempoa lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JournalEntry {
    /// Sempoa's id, when the response gives it.
    pub id: Option<String>,
    /// Journal date (`tanggal`, sent as `DD-MM-YYYY`).
    pub date: NaiveDate,
    /// Reference number (`referensi`).
    pub reference: String,
    /// Description (`deskripsi`).
    pub description: Option<String>,
    /// Total debit = total credit (`nominal`).
    pub total: Option<i64>,
    /// Posting status, e.g. `Post`.
    pub status: Option<String>,
    /// The lines (`transaksi`).
    pub lines: Vec<PostedLine>,
}

impl From<types::Jurnal> for JournalEntry {
    fn from(j: types::Jurnal) -> Self {
        Self {
            id: j.id,
            date: j.tanggal.date(),
            reference: j.referensi,
            description: j.deskripsi,
            total: j.nominal,
            status: j.status,
            lines: j
                .transaksi
                .into_iter()
                .map(|t| PostedLine {
                    account_name: t.akun,
                    debit: t.debit,
                    credit: t.kredit,
                })
                .collect(),
        }
    }
}

/// What `createJurnal` answered, from either of its two documented shapes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PostedJournal {
    /// Sempoa's id of the journal.
    pub id: Option<String>,
    /// The reference number as Sempoa stored it.
    pub reference: Option<String>,
    /// Total debit of the posted journal, as Sempoa computed it.
    pub total: Option<i64>,
    /// The response body's `data`, as sent.
    pub raw: types::JurnalCreated,
}

impl From<types::JurnalCreated> for PostedJournal {
    fn from(raw: types::JurnalCreated) -> Self {
        let (id, reference, total) = match &raw {
            types::JurnalCreated::Jurnal(j) => (j.id.clone(), Some(j.referensi.clone()), j.nominal),
            types::JurnalCreated::LegacyJurnalCreated(l) => (
                Some(l.transaction.id.clone()),
                l.transaction.reference_number.clone(),
                l.transaction.checking_balance_debit,
            ),
        };
        Self {
            id,
            reference,
            total,
            raw,
        }
    }
}
