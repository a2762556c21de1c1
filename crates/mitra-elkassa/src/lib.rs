//! Typed client for the ELKASSA point-of-sale API: registration, activation
//! and users.
//!
//! ```no_run
//! # async fn demo() -> mitra_elkassa::Result<()> {
//! let client = mitra_elkassa::Client::from_env()?; // MITRA_ELKASSA_KEY, MITRA_ELKASSA_TOKEN
//! for user in client.get_all_users(1).await? {
//!     println!("{} {:?} {:?}", user.registration_id, user.user_type, user.account_status);
//! }
//! # Ok(()) }
//! ```
//!
//! The vendor's quirks, tolerated:
//! - `status: false` is an error even with HTTP 200, its `messages` (a
//!   string or a list) in the error;
//! - the user object repeats `user_type_desc` ("Retail", then "ACTIVE"):
//!   both are kept, as [`User::user_type_desc`] and [`User::account_status`];
//! - numbers sent as strings are numbers, the user type an enum
//!   ([`UserType`]), dates `YYYY-MM-DD HH:MM:SS` (WIB) date-times
//!   ([`WibDateTime`]);
//! - `data` null or absent is an empty result.
//!
//! `key` and `token` travel as form fields on POST and query parameters on
//! GET; they never reach a log, an error or a `Debug` string (logs show path
//! templates, never URLs). POST bodies are form-encoded by default, JSON with
//! [`BodyEncoding::Json`]. `registration` and `activation` change state and
//! are never retried once they may have reached ELKASSA.
//!
//! Layout: `generated.rs` is produced by progenitor from `specs/elkassa.yaml`;
//! `client`, `decoder`, `user` and `validation` are the hand-written layer.

// docs.rs: a badge on each item naming the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod decoder;
mod envelope;
mod shape;
mod user;
mod validation;

#[doc(hidden)]
pub mod fuzzing;
#[allow(missing_docs, clippy::all)]
mod generated;
/// Typed mocks of every operation of the spec, for your own tests (feature
/// `mock`): `MockServer::start_async().await`, then `server.elkassa()` has one
/// method per operation with typed request matchers and typed responses. Generated
/// from the spec with the client.
#[cfg(feature = "mock")]
// progenitor's generated docs link `MockServer` twice over.
#[allow(missing_docs, clippy::all, rustdoc::redundant_explicit_links)]
pub mod mock;

pub use client::{
    Activation, BodyEncoding, Client, ClientBuilder, NewUser, PRODUCTION_URL, USERS_PER_PAGE,
};
#[cfg(feature = "schema")]
pub use generated::operation_schema;
pub use generated::{operations, types};
// Every type the API mentions, the stream traits, and `fleet` (feature
// `redis`): one dependency is enough.
mitra_core::vendor_reexports!();
pub use user::{User, UserType};
