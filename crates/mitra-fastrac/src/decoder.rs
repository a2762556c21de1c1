//! Fastrac's envelope errors: `success: false` whatever the HTTP status.

use mitra_core::Error;
use mitra_core::decode::{
    ErrorBody, bounded, error_from_response, peek_value, read_error_body, top_level,
};
use mitra_core::plumbing::ErrorDecoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Fastrac's envelope: `success` and `message`.
struct Envelope {
    success: Option<bool>,
    message: Option<String>,
}

impl Envelope {
    fn read(body: &[u8]) -> Option<Self> {
        let [success, message] = top_level(body, ["success", "message"])?;
        Some(Self {
            success: success.bool(),
            message: message.text(),
        })
    }
}

/// "Data not found" is not found, 400 a rejected request, the rest by status.
fn refused(status: StatusCode, headers: &HeaderMap, message: Option<String>) -> Error {
    let message = bounded(message.as_deref().unwrap_or("success false"));
    let http = Some(status.as_u16());
    if message.to_ascii_lowercase().contains("not found") {
        return Error::NotFound {
            status: http,
            code: None,
            message,
        };
    }
    match status.as_u16() {
        200..=299 | 400 | 422 => Error::Rejected {
            status: http,
            message,
            errors: Vec::new(),
        },
        _ => error_from_response(
            status,
            headers,
            ErrorBody {
                code: None,
                message,
            },
        ),
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FastracDecoder;

impl ErrorDecoder for FastracDecoder {
    fn error_response(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        match Envelope::read(body) {
            Some(env) if env.success.is_some() => refused(status, headers, env.message),
            _ => error_from_response(status, headers, read_error_body(headers, body)),
        }
    }

    fn error_in_success(&self, status: StatusCode, body: &[u8]) -> Option<Error> {
        if peek_value(body, "success") != Some(b"false") {
            return None;
        }
        let env = Envelope::read(body)?;
        (env.success == Some(false)).then(|| refused(status, &HeaderMap::new(), env.message))
    }

    // `{"success": false, "message": "Data not found"}` decodes as an
    // envelope with no data; look first.
    fn inspects_success(&self) -> bool {
        true
    }
}
