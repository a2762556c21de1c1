//! Typed client for the Fastrac courier API (B2B V2): regions, courier
//! services, tariffs, orders, cancellation, tracking and balance history.
//!
//! ```no_run
//! # async fn demo() -> mitra_fastrac::Result<()> {
//! // MITRA_FASTRAC_BASE_URL, MITRA_FASTRAC_ACCESS_KEY, MITRA_FASTRAC_SECRET_KEY
//! let client = mitra_fastrac::Client::from_env()?;
//! let cities = client.get_city(31).await?;
//! let tracking = client
//!     .track_order(&mitra_fastrac::types::TrackOrderRequest::new(
//!         "paxel",
//!         "CO.FASTRAC-20241205-1-R10BPJ",
//!     ))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! - Envelope `{success, message, data, timestamp}`: `success: false` is an
//!   error whatever the HTTP status; "Data not found" is
//!   [`Error::NotFound`]; business errors (400) are [`Error::Rejected`].
//! - Auth: by default both V2 HTTP Basic and V1 `access-key`/`secret-key`
//!   headers go out (every generation of the API accepts one of them); one
//!   of the two by configuration ([`AuthStyle`]); never logged.
//! - Rate limits: a 429 is [`Error::RateLimited`] with its `Retry-After`,
//!   retried for calls that are safe to repeat; an optional client-side
//!   limit ([`ClientBuilder::requests_per_second`]) keeps you under
//!   Fastrac's.
//! - Every request and response is a tracing event (operation, path
//!   template, status, latency, attempt, vendor message), credentials
//!   redacted.
//! - Orders and cancellations are never retried once they may have reached
//!   Fastrac.
//! - The express tariff answers one list of options per service type
//!   ([`types::ExpressTariffs`]): `all()` lists them, `cheapest()` picks one;
//!   place the express order with its `courier_code` and `code_service`, the
//!   parties' `region_id` and one item.
//! - Known bodies are typed; bodies Fastrac never published are raw
//!   [`serde_json::Value`]s rather than invented fields. Webhook payloads and
//!   the status list are not public and not covered.
//!
//! Layout: `generated.rs` is produced by progenitor from `specs/fastrac.yaml`;
//! `client`, `decoder`, `shape`, `tariff` and `validation` are the
//! hand-written layer.

// docs.rs: a badge on each item naming the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod decoder;
mod shape;
mod tariff;
mod validation;

#[doc(hidden)]
pub mod fuzzing;
#[allow(missing_docs, clippy::all)]
mod generated;
/// Typed mocks of every operation of the spec, for your own tests (feature
/// `mock`): `MockServer::start_async().await`, then `server.fastrac()` has one
/// method per operation with typed request matchers and typed responses. Generated
/// from the spec with the client.
#[cfg(feature = "mock")]
// progenitor's generated docs link `MockServer` twice over.
#[allow(missing_docs, clippy::all, rustdoc::redundant_explicit_links)]
pub mod mock;

pub use client::{AuthStyle, Client, ClientBuilder, TARIFF_ID_LIFETIME};

/// The item categories of Fastrac's Order Instant page (`item.category`), as
/// far as its stored copy goes: the list goes on past "Dokumen Berharga"
/// (a name beginning "Pec"), so `category` is text and these are the known
/// values, not all of them.
pub const ITEM_CATEGORIES: &[&str] = &[
    "Perlengkapan Mobil & Motor",
    "Peralatan Olahraga & Hiburan",
    "Peralatan Kesehatan & Kecantikan",
    "Peralatan Rumah Tangga",
    "Peralatan Elektronik & Gadget",
    "Dokumen",
    "Dokumen Berharga",
];
#[cfg(feature = "schema")]
pub use generated::operation_schema;
pub use generated::{operations, types};
// Every type the API mentions, the stream traits, and `fleet` (feature
// `redis`): one dependency is enough.
mitra_core::vendor_reexports!();
