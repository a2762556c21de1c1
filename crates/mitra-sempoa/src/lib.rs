//! Typed client for the Sempoa accounting API (sempoa.id): check the token,
//! read the chart of accounts, post and list general journals.
//!
//! ```no_run
//! # async fn demo() -> mitra_sempoa::Result<()> {
//! use mitra_sempoa::{Client, Journal, JournalLine};
//!
//! let client = Client::from_env()?; // MITRA_SEMPOA_TOKEN
//! let journal = Journal::new("2023-12-30", "PB/2023/VI/0001", "Pembelian ruko di Citra Raya")
//!     .line(JournalLine::debit("1000", 15_000))
//!     .line(JournalLine::debit("1001", 75_000))
//!     .line(JournalLine::credit("1002", 90_000));
//! let posted = client.create_jurnal(&journal).await?;
//! println!("posted as {:?}", posted.id);
//! # Ok(()) }
//! ```
//!
//! Posting a journal moves money in a company's books, so:
//! - a journal is checked before it is sent (two lines at least, each a debit
//!   or a credit, whole Rupiah, balanced, a real date, a reference and a
//!   description): an unbalanced journal is never sent;
//! - `createJurnal` is never retried once it may have reached Sempoa, and a
//!   duplicate reference is its own error, [`Error::Conflict`], so that a
//!   caller who retries after a timeout can tell "already posted" from a
//!   failure (see [`Client::create_jurnal`]);
//! - both documented request formats are supported ([`JournalFormat`]; the
//!   partner document's parallel arrays by default), and both response shapes
//!   decode.
//!
//! Layout: `generated.rs` is produced from `specs/sempoa.yaml` (the
//! [`types`], the [`operations`], and every method of [`Client`]);
//! `client`, `journal`, `model`, `shape` and `decoder` are the hand-written
//! layer.

// docs.rs: a badge on each item naming the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod decoder;
mod journal;
mod model;

#[doc(hidden)]
pub mod fuzzing;
#[allow(missing_docs, clippy::all)]
mod generated;
/// Typed mocks of every operation of the spec, for your own tests (feature
/// `mock`): `MockServer::start_async().await`, then `server.sempoa()` has one
/// method per operation with typed request matchers and typed responses. Generated
/// from the spec with the client.
#[cfg(feature = "mock")]
// progenitor's generated docs link `MockServer` twice over.
#[allow(missing_docs, clippy::all, rustdoc::redundant_explicit_links)]
pub mod mock;
mod shape;

pub use client::{Client, ClientBuilder, PAGE_SIZE, PRODUCTION_URL};
#[cfg(feature = "schema")]
pub use generated::operation_schema;
pub use generated::{operations, types};
pub use journal::{Journal, JournalFormat, JournalLine};
// Every type the API mentions, the stream traits, and `fleet` (feature
// `redis`): one dependency is enough.
mitra_core::vendor_reexports!();
pub use model::{Account, JournalEntry, PostedJournal, PostedLine};
