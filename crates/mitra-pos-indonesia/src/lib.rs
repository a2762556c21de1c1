//! Typed client for the Pos Indonesia `utilitas/1.0.1` API: postal codes,
//! provinces, cities, sub-districts, villages, post offices and parcel
//! tracking, behind Pos Indonesia's WSO2 API gateway.
//!
//! ```no_run
//! # async fn demo() -> mitra_pos_indonesia::Result<()> {
//! use mitra_pos_indonesia::{Client, types::CityRequest};
//!
//! // MITRA_POS_CONSUMER_KEY, MITRA_POS_CONSUMER_SECRET (and optionally
//! // MITRA_POS_USER, MITRA_POS_PASSWORD, MITRA_POS_BASE_URL).
//! let client = Client::from_env()?;
//! let cities = client
//!     .get_city(&CityRequest::new("32", "bandung"))
//!     .await?;
//! for city in cities {
//!     println!("{} {}", city.city_code, city.city_name);
//! }
//! # Ok(()) }
//! ```
//!
//! What the client does for you:
//! - fetches the OAuth2 token on first use, caches it, refreshes it before it
//!   expires, shares one fetch between concurrent calls, and on a gateway
//!   fault for a bad token (900901/900903/900904) fetches a new one and
//!   retries once;
//! - returns every list as a `Vec`, whether the gateway sent a list, a single
//!   object (one match) or `null` (no match), and codes as text whether they
//!   came as strings or numbers ([`Code`]);
//! - turns WSO2 faults (XML, JSON, flat 4.x JSON), HTML error pages and
//!   throttling into [`Error`] variants;
//! - checks input before sending, retries the read-only lookups on 429 and
//!   502/503/504 with backoff, and never logs credentials.
//!
//! Layout: `generated.rs` is produced from `specs/pos-indonesia.yaml` (never
//! edited by hand): the [`types`], the [`operations`] and every method of
//! [`Client`]; `client`, `fault`, `items` and `validation` are the
//! hand-written layer.

// docs.rs: a badge on each item naming the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod fault;
mod items;
mod validation;

#[doc(hidden)]
pub mod fuzzing;
#[allow(missing_docs, clippy::all)]
mod generated;
/// Typed mocks of every operation of the spec, for your own tests (feature
/// `mock`): `MockServer::start_async().await`, then `server.pos_indonesia()` has one
/// method per operation with typed request matchers and typed responses. Generated
/// from the spec with the client.
#[cfg(feature = "mock")]
// progenitor's generated docs link `MockServer` twice over.
#[allow(missing_docs, clippy::all, rustdoc::redundant_explicit_links)]
pub mod mock;

pub use client::{Client, ClientBuilder, PRODUCTION_URL, VENDOR_SANDBOX_URL};
#[doc(hidden)]
pub use fault::{GatewayFault, parse_gateway_fault};
#[cfg(feature = "schema")]
pub use generated::operation_schema;
pub use generated::{operations, types};
pub use items::TrackEventExt;
// Every type the API mentions, the stream traits, and `fleet` (feature
// `redis`): one dependency is enough.
mitra_core::vendor_reexports!();
