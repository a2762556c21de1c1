//! What the generated code knows of each operation of a spec.

/// One operation of a vendor's spec; generated as `operations::*` in each
/// vendor crate, and attached to its method by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template (`/user/{nik}`): logged instead of the real path,
    /// which may carry personal data.
    pub path: &'static str,
    /// Whether sending it twice is harmless (`x-mitra-retry-safe` in the
    /// spec, or a GET). Calls that are not are retried only when they
    /// certainly never reached the vendor.
    pub retry_safe: bool,
    /// The spec's summary.
    pub summary: &'static str,
    /// The inputs the caller gives: parameters, then the top-level fields of
    /// the request body.
    pub fields: &'static [Field],
    /// A valid input, as one JSON object keyed by field name (the spec's
    /// `x-mitra-example`, else its parameter and request body examples).
    pub example: Option<&'static str>,
}

/// One input of an [`Operation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The name in the spec.
    pub name: &'static str,
    /// `path`, `query`, `header` or `body`.
    pub location: &'static str,
    /// Whether the operation needs it.
    pub required: bool,
    /// Its JSON type: `string`, `integer`, `number`, `boolean`, `array`,
    /// `object`, or `any`.
    pub kind: &'static str,
    /// The spec's description.
    pub help: &'static str,
    /// The spec's `default`, as JSON text: what a tool sends when the
    /// caller gives nothing.
    pub default: Option<&'static str>,
    /// A secret (`format: password` or `x-mitra-secret` in the spec): tools
    /// never take it where others can see it (a command-line flag shows in
    /// `ps` and shell history), and scrub it from what they print.
    pub secret: bool,
}
