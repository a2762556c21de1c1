//! The rules the spec names for Sempoa's operations: what each returns
//! (`x-mitra-returns`), the journal a caller writes (`x-mitra-input`), and
//! the checks a journal passes before it is sent (`x-mitra-validate`).

use mitra_core::Error;
use mitra_core::plumbing::{FromWire, MockInput, ResponseWire, ToWire, Validate};

use crate::journal::{Journal, JournalLine};
use crate::model::{Account, JournalEntry, PostedJournal};
use crate::{Client, types};

impl FromWire<types::AkunListEnvelope> for Vec<Account> {
    fn from_wire(envelope: types::AkunListEnvelope) -> Result<Self, Error> {
        Ok(envelope
            .data
            .unwrap_or_default()
            .into_iter()
            .map(Account::from)
            .collect())
    }
}

impl FromWire<types::AkunEnvelope> for Account {
    fn from_wire(envelope: types::AkunEnvelope) -> Result<Self, Error> {
        Ok(envelope.data.into())
    }
}

impl FromWire<types::JurnalListEnvelope> for Vec<JournalEntry> {
    fn from_wire(envelope: types::JurnalListEnvelope) -> Result<Self, Error> {
        Ok(envelope
            .data
            .unwrap_or_default()
            .into_iter()
            .map(JournalEntry::from)
            .collect())
    }
}

impl FromWire<types::JurnalCreatedEnvelope> for PostedJournal {
    fn from_wire(envelope: types::JurnalCreatedEnvelope) -> Result<Self, Error> {
        Ok(envelope.data.into())
    }
}

/// A journal goes out in the format the client is configured for.
impl ToWire<Client, types::JurnalRequest> for Journal {
    fn to_wire(&self, client: &Client) -> Result<types::JurnalRequest, Error> {
        self.to_request(client.journal_format())
    }
}

/// A mocked `createJurnal` matches the journal in either format, so a test
/// does not depend on the client's [`JournalFormat`](crate::JournalFormat).
impl MockInput<types::JurnalRequest> for Journal {
    fn wire_bodies(&self) -> Vec<types::JurnalRequest> {
        [
            crate::JournalFormat::ParallelArrays,
            crate::JournalFormat::Transaksi,
        ]
        .into_iter()
        .filter_map(|format| self.to_request(format).ok())
        .collect()
    }
}

/// A body given in either wire format passes the same checks as a
/// [`Journal`]: balanced, a real date, two lines at least, ...
impl Validate for types::JurnalRequest {
    fn validate(&self) -> Result<(), Error> {
        journal_of(self)?.validate().map(drop)
    }
}

fn journal_of(body: &types::JurnalRequest) -> Result<Journal, Error> {
    let amount = |field: &'static str, text: &str| -> Result<u64, Error> {
        text.parse()
            .map_err(|_| Error::validation(field, "must be whole Rupiah"))
    };
    let non_negative = |field: &'static str, value: i64| -> Result<u64, Error> {
        u64::try_from(value).map_err(|_| Error::validation(field, "must not be negative"))
    };
    Ok(match body {
        types::JurnalRequest::Arrays(a) => {
            if a.debit.len() != a.akun.len() || a.kredit.len() != a.akun.len() {
                return Err(Error::validation(
                    "akun",
                    "akun, debit and kredit must have as many entries",
                ));
            }
            let mut journal = Journal::new(a.tanggal, a.referensi.as_str(), a.deskripsi.as_str());
            for ((akun, debit), kredit) in a.akun.iter().zip(&a.debit).zip(&a.kredit) {
                journal = journal.line(JournalLine {
                    account_code: akun.clone(),
                    debit: amount("debit", debit)?,
                    credit: amount("kredit", kredit)?,
                });
            }
            journal
        }
        types::JurnalRequest::Lines(l) => {
            let mut journal = Journal::new(l.tanggal, l.referensi.as_str(), l.deskripsi.as_str());
            for t in &l.transaksi {
                journal = journal.line(JournalLine {
                    account_code: t.akun.clone(),
                    debit: non_negative("debit", t.debit)?,
                    credit: non_negative("kredit", t.kredit)?,
                });
            }
            journal
        }
    })
}

// The inverses, for typed mocks (`then.ok(&account)`): the envelope Sempoa
// sends around a value, so that `FromWire` gives the value back.

fn success() -> types::SuccessStatus {
    types::SuccessStatus::try_from(200_i64).expect("200 is a success status")
}

fn akun(account: &Account) -> types::Akun {
    types::Akun {
        kode: account.code.clone(),
        akun: account.name.clone(),
        tipe: account.kind.clone(),
        level: account.level,
        balance: account.normal_balance.clone(),
        akun_induk: account.parent_name.clone(),
    }
}

fn jurnal(entry: &JournalEntry) -> types::Jurnal {
    types::Jurnal {
        id: entry.id.clone(),
        tanggal: entry.date.into(),
        referensi: entry.reference.clone(),
        deskripsi: entry.description.clone(),
        nominal: entry.total,
        status: entry.status.clone(),
        transaksi: entry
            .lines
            .iter()
            .map(|l| types::Transaksi::new(l.account_name.as_str(), l.debit, l.credit))
            .collect(),
    }
}

impl ResponseWire<types::AkunListEnvelope> for [Account] {
    fn response_wire(&self) -> types::AkunListEnvelope {
        types::AkunListEnvelope {
            status: success(),
            message: "Success".into(),
            data: Some(self.iter().map(akun).collect()),
        }
    }
}

impl ResponseWire<types::AkunEnvelope> for Account {
    fn response_wire(&self) -> types::AkunEnvelope {
        types::AkunEnvelope::new(success(), "Success", akun(self))
    }
}

impl ResponseWire<types::JurnalListEnvelope> for [JournalEntry] {
    fn response_wire(&self) -> types::JurnalListEnvelope {
        types::JurnalListEnvelope {
            status: success(),
            message: "Success".into(),
            data: Some(self.iter().map(jurnal).collect()),
        }
    }
}

impl ResponseWire<types::JurnalCreatedEnvelope> for PostedJournal {
    fn response_wire(&self) -> types::JurnalCreatedEnvelope {
        types::JurnalCreatedEnvelope::new(success(), "Success", self.raw.clone())
    }
}
