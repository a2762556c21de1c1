//! Typed client for the PAFI API (Persatuan Ahli Farmasi Indonesia): a
//! pharmacist's SKP sufficiency by NIK.
//!
//! ```no_run
//! # async fn demo() -> mitra_pafi::Result<()> {
//! // MITRA_PAFI_CLIENT_ID, MITRA_PAFI_CLIENT_SECRET (MITRA_PAFI_SCOPE, MITRA_PAFI_BASE_URL)
//! let client = mitra_pafi::Client::from_env()?;
//! let skp = client.get_kecukupan_skp_by_nik(&mitra_pafi::Nik::new("3206021201960046")?).await?;
//! println!("{:?} SKP, recommendation: {:?}", skp.total_skp, skp.status_rekom);
//! # Ok(()) }
//! ```
//!
//! - OAuth2 client credentials with a JSON body and a scope (default
//!   `read-kecukupan-skp`); the token (its `expires_in` arrives as a string)
//!   is fetched lazily, cached, refreshed early, shared by concurrent calls,
//!   and replaced once on a 401.
//! - Errors from PAFI's table: 401 [`Error::Unauthorized`], 403
//!   [`Error::Forbidden`], 404 [`Error::NotFound`], 422 [`Error::Rejected`]
//!   (with the vendor's `errors`), 429 [`Error::RateLimited`] (retried), 503
//!   [`Error::Vendor`] (retried); a 200 that says `"error": true` is an error.
//! - Personal data (UU 27/2022): the NIK, name, birth date, STR and letter
//!   numbers are types whose `Debug` shows nothing ([`Nik`] shows its last 4
//!   digits); logs show the path template, never the NIK; error excerpts of
//!   PAFI bodies are withheld.
//! - Dates `dd-mm-yyyy` are dates; [`types::KecukupanSkp::str_valid_on`]
//!   says whether the STR is valid on a day.
//!
//! Layout: `generated.rs` is produced by progenitor from `specs/pafi.yaml`,
//! checked against PAFI's own JSON Schemas in `specs/pafi/`; `client`,
//! `decoder`, `personal` and `skp` are the hand-written layer.

// docs.rs: a badge on each item naming the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod decoder;
mod personal;
mod skp;

#[doc(hidden)]
pub mod fuzzing;
#[allow(missing_docs, clippy::all)]
mod generated;
/// Typed mocks of every operation of the spec, for your own tests (feature
/// `mock`): `MockServer::start_async().await`, then `server.pafi()` has one
/// method per operation with typed request matchers and typed responses. Generated
/// from the spec with the client.
#[cfg(feature = "mock")]
// progenitor's generated docs link `MockServer` twice over.
#[allow(missing_docs, clippy::all, rustdoc::redundant_explicit_links)]
pub mod mock;

pub use client::{Client, ClientBuilder, DEFAULT_SCOPE, PRODUCTION_URL};
#[cfg(feature = "schema")]
pub use generated::operation_schema;
pub use generated::{operations, types};
// Every type the API mentions, the stream traits, and `fleet` (feature
// `redis`): one dependency is enough.
mitra_core::vendor_reexports!();
pub use personal::{BirthDate, Gender, Nik, Personal};
