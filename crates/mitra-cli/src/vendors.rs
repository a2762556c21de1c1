//! What the CLI knows of a vendor. The table itself, `registry::VENDORS`, is
//! generated from the vendor registry (`cargo xtask generate`); each
//! vendor's operations come from its crate's generated operation table.

use mitra_core::config::Vars;
use mitra_core::dynamic::DynamicClient;
use mitra_core::{Error, Operation};
use serde_json::Value;

/// A vendor as the CLI shows it.
pub struct VendorCli {
    /// The subcommand (`pos`, ...).
    pub name: &'static str,
    /// One line of help.
    pub about: &'static str,
    /// Prefix of the environment variables its client reads.
    pub env_prefix: &'static str,
    /// Its crate (`mitra-fastrac`); its review snapshots live in
    /// `crates/<krate>/snapshots/`.
    pub krate: &'static str,
    /// Its OpenAPI spec (`specs/<name>.yaml`), embedded: `mitra verify`
    /// checks answers against it.
    pub spec: &'static str,
    /// Every operation, from the vendor crate's spec.
    pub operations: &'static [Operation],
    /// The fields its spec marks personal and secret: masked in verify's
    /// reports, suggestions and fixtures.
    pub marked: mitra_core::redact::Marked,
    /// The JSON Schemas of an operation's input and result.
    pub schema: fn(&str) -> Option<Value>,
    /// The client, configured from these variables.
    pub client: fn(&Vars) -> Result<Box<dyn DynamicClient>, Error>,
}
