//! Turning a vendor's error responses (and errors inside success bodies)
//! into [`Error`]s.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::Error;
use crate::decode::{error_from_response, excerpt, read_error_body};

/// Turns a vendor's error responses into [`Error`]s.
///
/// The default methods read any body (JSON, HTML, XML, text) and pick the
/// variant from the status; a vendor overrides them to recognise its own
/// error codes first.
pub trait ErrorDecoder: Send + Sync + 'static {
    /// The error for a response whose status is not a success.
    fn error_response(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        error_from_response(status, headers, read_error_body(headers, body))
    }

    /// For a response with a success status: the vendor error its body
    /// carries, if it is one (a fault or `"status": false` inside a 200).
    ///
    /// Called for bodies that do not match the spec, and for every success
    /// body when [`inspects_success`](Self::inspects_success) is true.
    fn error_in_success(&self, _status: StatusCode, _body: &[u8]) -> Option<Error> {
        None
    }

    /// Whether every success body is shown to
    /// [`error_in_success`](Self::error_in_success) before it is decoded.
    /// Needed when an error body would also decode as a (lenient) success
    /// type; costs one look at the buffered body.
    fn inspects_success(&self) -> bool {
        false
    }

    /// Whether `error` (an [`Error::Unauthorized`]) proves that the request
    /// never reached the vendor's backend, e.g. an API gateway that refused
    /// the access token. Then even a call that changes state is sent again
    /// with a new token; otherwise only calls safe to repeat are.
    fn rejected_before_backend(&self, _error: &Error) -> bool {
        false
    }

    /// A bounded excerpt of a body that failed to decode. Vendors whose
    /// bodies carry personal data override it to mask them.
    fn excerpt(&self, body: &[u8]) -> String {
        excerpt(body)
    }
}

/// The [`ErrorDecoder`] with only the default behaviour.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenericDecoder;

impl ErrorDecoder for GenericDecoder {}
