use std::time::Duration;

/// Every way a mitra call can fail, for every vendor.
///
/// Match on the variant to decide what to do; the `Display` text is for humans.
/// No variant ever holds a credential, a URL (URLs can carry keys in their query
/// string) or a full request body. Vendor messages are kept as the vendor sent
/// them, bounded in length.
///
/// ```
/// # async fn demo(result: mitra_core::Result<()>) {
/// use mitra_core::Error;
/// match result {
///     Ok(()) => {}
///     Err(Error::Validation { field, message }) => eprintln!("fix {field}: {message}"),
///     Err(Error::RateLimited { retry_after, .. }) => eprintln!("slow down: {retry_after:?}"),
///     Err(e) if e.is_retryable() => eprintln!("try again later: {e}"),
///     Err(e) => eprintln!("failed: {e}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The input was rejected before anything was sent.
    Validation {
        /// The parameter or field at fault.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },

    /// The client is misconfigured (missing credentials, bad base URL, ...);
    /// nothing was sent.
    Config {
        /// What is missing or wrong.
        message: String,
    },

    /// The vendor rejected the credentials or the access token (HTTP 401, or a
    /// gateway fault that means the same). OAuth2 clients have already fetched a
    /// fresh token and retried once before returning this.
    Unauthorized {
        /// HTTP status, when a response was received.
        status: Option<u16>,
        /// The vendor's or gateway's error code (e.g. WSO2 `900901`).
        code: Option<String>,
        /// The vendor's message.
        message: String,
        /// The vendor's id for the request, when its answer carried one
        /// (`X-Request-Id`, WSO2's `activityid`, ...): see [`Error::request_id`].
        request_id: Option<String>,
    },

    /// The credentials are valid but may not do this (HTTP 403): a missing
    /// subscription or scope. Retrying does not help.
    Forbidden {
        /// HTTP status, when a response was received.
        status: Option<u16>,
        /// The vendor's error code.
        code: Option<String>,
        /// The vendor's message.
        message: String,
        /// The vendor's id for the request, when its answer carried one
        /// (`X-Request-Id`, WSO2's `activityid`, ...): see [`Error::request_id`].
        request_id: Option<String>,
    },

    /// The vendor has no such thing (HTTP 404, or a "not found" inside a 200).
    NotFound {
        /// HTTP status, when a response was received.
        status: Option<u16>,
        /// The vendor's error code.
        code: Option<String>,
        /// The vendor's message.
        message: String,
        /// The vendor's id for the request, when its answer carried one
        /// (`X-Request-Id`, WSO2's `activityid`, ...): see [`Error::request_id`].
        request_id: Option<String>,
    },

    /// The vendor refused the request's content as invalid (e.g. HTTP 422),
    /// listing what was wrong when it said.
    Rejected {
        /// HTTP status, when a response was received.
        status: Option<u16>,
        /// The vendor's message.
        message: String,
        /// The vendor's list of problems (bounded, masked), possibly empty.
        errors: Vec<String>,
        /// The vendor's id for the request, when its answer carried one
        /// (`X-Request-Id`, WSO2's `activityid`, ...): see [`Error::request_id`].
        request_id: Option<String>,
    },

    /// The vendor refused one value of the request, and its message said
    /// which (a message the spec documents, `x-mitra-errors`): e.g. a
    /// journal line whose account code Sempoa does not know.
    InvalidValue {
        /// HTTP status, when a response was received.
        status: Option<u16>,
        /// The request field, as the spec names it (`transaksi[].akun`).
        field: String,
        /// The value the vendor named, bounded and masked, when it named one.
        value: Option<String>,
        /// The vendor's message.
        message: String,
        /// The vendor's id for the request, when its answer carried one
        /// (`X-Request-Id`, WSO2's `activityid`, ...): see [`Error::request_id`].
        request_id: Option<String>,
    },

    /// The vendor already has what this call would create (e.g. a journal with
    /// the same reference number). After a timeout, this tells "already
    /// done" apart from a real failure.
    Conflict {
        /// HTTP status, when a response was received.
        status: Option<u16>,
        /// The vendor's error code.
        code: Option<String>,
        /// The vendor's message.
        message: String,
        /// The vendor's id for the request, when its answer carried one
        /// (`X-Request-Id`, WSO2's `activityid`, ...): see [`Error::request_id`].
        request_id: Option<String>,
    },

    /// The vendor is throttling this client (HTTP 429). Idempotent calls were
    /// already retried within the [`RetryPolicy`](crate::RetryPolicy).
    RateLimited {
        /// HTTP status, when a response was received.
        status: Option<u16>,
        /// How long the vendor asked to wait (`Retry-After`), if it said.
        retry_after: Option<Duration>,
        /// The vendor's message.
        message: String,
        /// The vendor's id for the request, when its answer carried one
        /// (`X-Request-Id`, WSO2's `activityid`, ...): see [`Error::request_id`].
        request_id: Option<String>,
    },

    /// The vendor refused the request for a reason of its own: any other HTTP
    /// error status, or an error reported inside an HTTP 200 body.
    Vendor {
        /// HTTP status of the response (200 when the error came inside a 200).
        status: Option<u16>,
        /// The vendor's error code, if it gave one.
        code: Option<String>,
        /// The vendor's message, or a description of an unreadable error page.
        message: String,
        /// `Retry-After` of a 503 or similar, if the vendor sent one.
        retry_after: Option<Duration>,
        /// The vendor's id for the request, when its answer carried one
        /// (`X-Request-Id`, WSO2's `activityid`, ...): see [`Error::request_id`].
        request_id: Option<String>,
    },

    /// A response arrived but its body is not what the spec describes.
    ///
    /// The message says where and what (`/data/0/city_id: expected an
    /// integer, found an object`), never any of the body's text: it may be
    /// personal data. (`mitra -v` shows bodies, masked.)
    Decode {
        /// HTTP status of the response, when known.
        status: Option<u16>,
        /// What the decoder could not accept: a JSON pointer and the
        /// expected and found kinds.
        message: String,
        /// The vendor's id for the request, when its answer carried one
        /// (`X-Request-Id`, WSO2's `activityid`, ...): see [`Error::request_id`].
        request_id: Option<String>,
    },

    /// No response within the configured timeout. The request may or may not
    /// have reached the vendor.
    Timeout {
        /// What timed out.
        message: String,
    },

    /// A response body was larger than the client's limit; it was not read
    /// further (the limit is set per client, 16 MiB by default).
    BodyTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },

    /// In a test: the typed mock server had no mock for this request (see a
    /// vendor crate's `mock` module and its `explain_unmatched`). Never
    /// returned by a vendor; kept apart from [`Error::NotFound`] so that a
    /// test of the vendor's "not found" cannot pass without its mock.
    UnmatchedMock {
        /// Which operation of the spec the request was closest to, and how
        /// it differed.
        message: String,
    },

    /// The connection failed or broke.
    Transport {
        /// True when the connection was never made, so the request certainly
        /// did not reach the vendor.
        connect: bool,
        /// What failed (never a URL).
        message: String,
    },
}

// By hand rather than derived (thiserror): one proc-macro crate less in every
// user's build, for one `Display`.
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.fmt_without_request_id(f)?;
        match self.request_id() {
            Some(id) => write!(f, " [request id {id}]"),
            None => Ok(()),
        }
    }
}

impl Error {
    fn fmt_without_request_id(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Validation { field, message } => write!(f, "invalid {field}: {message}"),
            Self::Config { message } => write!(f, "configuration error: {message}"),
            Self::UnmatchedMock { message } => f.write_str(message),
            Self::Unauthorized {
                status,
                code,
                message,
                ..
            } => write!(
                f,
                "unauthorized{}: {message}",
                describe(*status, code.as_deref())
            ),
            Self::Forbidden {
                status,
                code,
                message,
                ..
            } => write!(
                f,
                "forbidden{}: {message}",
                describe(*status, code.as_deref())
            ),
            Self::NotFound {
                status,
                code,
                message,
                ..
            } => write!(
                f,
                "not found{}: {message}",
                describe(*status, code.as_deref())
            ),
            Self::Rejected {
                status,
                message,
                errors,
                ..
            } => write!(
                f,
                "rejected as invalid{}: {message}{}",
                describe(*status, None),
                list(errors)
            ),
            Self::InvalidValue {
                status,
                field,
                value,
                message,
                ..
            } => write!(
                f,
                "invalid {field}{}{}: {message}",
                value
                    .as_deref()
                    .map(|v| format!(" {v:?}"))
                    .unwrap_or_default(),
                describe(*status, None)
            ),
            Self::Conflict {
                status,
                code,
                message,
                ..
            } => write!(
                f,
                "conflict{}: {message}",
                describe(*status, code.as_deref())
            ),
            Self::RateLimited {
                status,
                retry_after,
                message,
                ..
            } => write!(
                f,
                "rate limited{}{}: {message}",
                describe(*status, None),
                after(*retry_after)
            ),
            Self::Vendor {
                status,
                code,
                message,
                ..
            } => write!(
                f,
                "vendor error{}: {message}",
                describe(*status, code.as_deref())
            ),
            Self::Decode {
                status, message, ..
            } => write!(
                f,
                "cannot decode the response{}: {message}",
                describe(*status, None)
            ),
            Self::Timeout { message } => write!(f, "timed out: {message}"),
            Self::BodyTooLarge { limit } => write!(
                f,
                "the response body is larger than the limit of {limit} bytes"
            ),
            Self::Transport { message, .. } => write!(f, "transport error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

fn describe(status: Option<u16>, code: Option<&str>) -> String {
    match (status, code) {
        (Some(s), Some(c)) => format!(" (HTTP {s}, code {c})"),
        (Some(s), None) => format!(" (HTTP {s})"),
        (None, Some(c)) => format!(" (code {c})"),
        (None, None) => String::new(),
    }
}

fn list(errors: &[String]) -> String {
    if errors.is_empty() {
        String::new()
    } else {
        format!(" ({})", errors.join("; "))
    }
}

fn after(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(", retry after {}s", d.as_secs()))
        .unwrap_or_default()
}

impl Error {
    /// A [`Error::Validation`] for `field`.
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            message: message.into(),
        }
    }

    /// A [`Error::Config`].
    pub fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
        }
    }

    /// The same error with its HTTP status replaced (for vendors whose body
    /// decides the variant but whose status is still worth reporting).
    pub fn with_status(mut self, new_status: Option<u16>) -> Self {
        match &mut self {
            Self::Unauthorized { status, .. }
            | Self::Forbidden { status, .. }
            | Self::NotFound { status, .. }
            | Self::Conflict { status, .. }
            | Self::InvalidValue { status, .. }
            | Self::Rejected { status, .. }
            | Self::RateLimited { status, .. }
            | Self::Vendor { status, .. }
            | Self::Decode { status, .. } => *status = new_status,
            _ => {}
        }
        self
    }

    /// The same error, saying that it came from the OAuth2 token endpoint
    /// (its message starts with `token endpoint: `): a call that failed
    /// for want of a token is told apart from one the API refused.
    pub fn at_token_endpoint(mut self) -> Self {
        match &mut self {
            Self::Unauthorized { message, .. }
            | Self::Forbidden { message, .. }
            | Self::NotFound { message, .. }
            | Self::Conflict { message, .. }
            | Self::InvalidValue { message, .. }
            | Self::Rejected { message, .. }
            | Self::RateLimited { message, .. }
            | Self::Vendor { message, .. }
            | Self::Decode { message, .. }
            | Self::Timeout { message }
            | Self::UnmatchedMock { message }
            | Self::Transport { message, .. } => {
                if !message.starts_with("token endpoint: ") {
                    message.insert_str(0, "token endpoint: ");
                }
            }
            Self::Validation { .. } | Self::Config { .. } | Self::BodyTooLarge { .. } => {}
        }
        self
    }

    /// Whether the call failed at the OAuth2 token endpoint (no token could be
    /// had), not at the operation itself: see [`Error::at_token_endpoint`].
    /// Concurrent callers share one token refresh, so they share its failure
    /// too; a caller that counts failures per operation can set these apart.
    pub fn is_from_token_endpoint(&self) -> bool {
        match self {
            Self::Unauthorized { message, .. }
            | Self::Forbidden { message, .. }
            | Self::NotFound { message, .. }
            | Self::Conflict { message, .. }
            | Self::InvalidValue { message, .. }
            | Self::Rejected { message, .. }
            | Self::RateLimited { message, .. }
            | Self::Vendor { message, .. }
            | Self::Decode { message, .. }
            | Self::Timeout { message }
            | Self::UnmatchedMock { message }
            | Self::Transport { message, .. } => message.starts_with("token endpoint: "),
            Self::Validation { .. } | Self::Config { .. } | Self::BodyTooLarge { .. } => false,
        }
    }

    /// A short, stable name of the variant (`"validation"`, `"rate_limited"`,
    /// ...), for logs and command-line output.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "validation",
            Self::Config { .. } => "config",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Forbidden { .. } => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::Rejected { .. } => "rejected",
            Self::Conflict { .. } => "conflict",
            Self::InvalidValue { .. } => "invalid_value",
            Self::RateLimited { .. } => "rate_limited",
            Self::Vendor { .. } => "vendor",
            Self::Decode { .. } => "decode",
            Self::Timeout { .. } => "timeout",
            Self::Transport { .. } => "transport",
            Self::BodyTooLarge { .. } => "body_too_large",
            Self::UnmatchedMock { .. } => "unmatched_mock",
        }
    }

    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized { status, .. }
            | Self::Forbidden { status, .. }
            | Self::NotFound { status, .. }
            | Self::Conflict { status, .. }
            | Self::InvalidValue { status, .. }
            | Self::Rejected { status, .. }
            | Self::RateLimited { status, .. }
            | Self::Vendor { status, .. }
            | Self::Decode { status, .. } => *status,
            _ => None,
        }
    }

    /// The vendor's own error code, if it gave one.
    pub fn vendor_code(&self) -> Option<&str> {
        match self {
            Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::NotFound { code, .. }
            | Self::Conflict { code, .. }
            | Self::Vendor { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The vendor's id for the request, when its answer carried one
    /// (`X-Request-Id`, `X-Correlation-Id`, WSO2's `activityid`, ...): what
    /// the vendor's support desk asks for. `Display` ends with it.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Unauthorized { request_id, .. }
            | Self::Forbidden { request_id, .. }
            | Self::NotFound { request_id, .. }
            | Self::Conflict { request_id, .. }
            | Self::InvalidValue { request_id, .. }
            | Self::Rejected { request_id, .. }
            | Self::RateLimited { request_id, .. }
            | Self::Vendor { request_id, .. }
            | Self::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The same error with the request id `id` (kept when `id` is `None`):
    /// the runtime sets it from the answer's headers.
    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        if let Some(id) = id {
            match &mut self {
                Self::Unauthorized { request_id, .. }
                | Self::Forbidden { request_id, .. }
                | Self::NotFound { request_id, .. }
                | Self::Conflict { request_id, .. }
                | Self::InvalidValue { request_id, .. }
                | Self::Rejected { request_id, .. }
                | Self::RateLimited { request_id, .. }
                | Self::Vendor { request_id, .. }
                | Self::Decode { request_id, .. } => *request_id = Some(id),
                _ => {}
            }
        }
        self
    }

    /// How long the vendor asked to wait before trying again, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } | Self::Vendor { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// True when the same call may succeed later: rate limiting, a gateway or
    /// availability error (502, 503, 504), a timeout or a transport failure.
    ///
    /// Whether the client *does* retry also depends on the operation: a call
    /// that changes state is retried only when it certainly did not reach the
    /// vendor (see [`RetryPolicy`](crate::RetryPolicy)).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Timeout { .. } | Self::Transport { .. } => true,
            Self::Vendor { status, .. } => matches!(status, Some(502..=504)),
            _ => false,
        }
    }

    /// True when the request certainly never reached the vendor, so even a
    /// call that changes state can be sent again.
    pub fn certainly_not_sent(&self) -> bool {
        matches!(
            self,
            Self::Validation { .. } | Self::Config { .. } | Self::Transport { connect: true, .. }
        )
    }
}

// Conversions of the libraries' errors, one place for each.

/// A reqwest error as an [`Error`], without its URL (which may carry keys).
pub(crate) fn from_reqwest(error: reqwest::Error) -> Error {
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    let message = crate::text::bounded(&message);
    if error.is_connect() {
        Error::Transport {
            connect: true,
            message,
        }
    } else if error.is_timeout() {
        Error::Timeout { message }
    } else {
        Error::Transport {
            connect: false,
            message,
        }
    }
}

/// A serde error's text without the values it quotes (they come from the
/// vendor's body and may be personal data).
pub(crate) fn scrub_serde(error: &serde_json::Error) -> String {
    crate::text::bounded(&crate::text::unquoted(&error.to_string()))
}

/// Whether `error` is a body that grew past the limit set in
/// `Attempt::execute`.
pub(crate) fn exceeded_limit(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = cause.source();
    }
    false
}
