//! One operation of a spec as the generator's passes know it (collected
//! once by `generate`, read by the public methods, the mocks and the
//! operation table).

/// One operation of a spec, as the hand-written layer needs to know it.
pub struct OperationMeta {
    /// The spec's operationId.
    pub id: String,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template.
    pub path: String,
    /// The spec's summary.
    pub summary: String,
    /// The spec's description.
    pub description: String,
    /// `x-mitra-retry-safe`, or a safe HTTP method.
    pub retry_safe: bool,
    /// Its parameters, as the caller gives them (those supplied by the
    /// client's configuration are left out).
    pub params: Vec<ParamMeta>,
    /// `x-mitra-validate`: the body implements `mitra_core::plumbing::Validate`.
    pub validate: bool,
    /// `x-mitra-returns`: the Rust type the public method returns, made with
    /// `mitra_core::plumbing::FromWire` from the decoded body.
    pub returns: Option<String>,
    /// `x-mitra-input`: the Rust type the public method takes instead of the
    /// body, made into the body with `mitra_core::plumbing::ToWire`.
    pub input: Option<String>,
    /// `x-mitra-token-endpoint`: the OAuth2 token endpoint, called by the
    /// token source and never as an operation of the client.
    pub token_endpoint: bool,
    /// What the operation rests on (`x-mitra-source`).
    pub source: Source,
    /// The inputs a caller gives.
    pub fields: Vec<crate::inputs::FieldMeta>,
    /// A valid input as a JSON object.
    pub example: Option<String>,
    /// `x-mitra-errors`: the vendor messages the spec documents, as
    /// (message, kind, field).
    pub errors: Vec<(String, String, String)>,
}

/// What an operation rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// The vendor's partner document.
    Seed,
    /// Public documentation or public client code.
    Public,
    /// Nothing: an assumption, said why in the spec.
    Assumption,
}

/// One parameter of an operation.
pub struct ParamMeta {
    /// The name in the spec.
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: &'static str,
    /// The spec's `minimum`, for integers.
    pub minimum: Option<i64>,
    /// The spec's `minLength`, for strings.
    pub min_length: Option<usize>,
    /// `x-mitra-validate`: its type implements `mitra_core::plumbing::Validate`.
    pub validate: bool,
    /// `x-mitra-may-contain-slash: true` (path parameters): its value may
    /// hold `/` (Sempoa's references, `PB/2023/VI/0001`), sent
    /// percent-encoded (`%2F`) instead of refused.
    pub may_contain_slash: bool,
}
