//! Fastrac's envelope errors: `success: false` whatever the HTTP status.

use mitra_core::Error;
use mitra_core::decode::{ErrorBody, bounded, error_from_response, read_error_body};
use mitra_core::plumbing::ErrorDecoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::operations::ENVELOPE;

/// "Data not found" is not found, 400 a rejected request, the rest by status.
fn refused(status: StatusCode, headers: &HeaderMap, message: Option<String>) -> Error {
    let message = bounded(message.as_deref().unwrap_or("success false"));
    let http = Some(status.as_u16());
    if message.to_ascii_lowercase().contains("not found") {
        return Error::NotFound {
            request_id: None,
            status: http,
            code: None,
            message,
        };
    }
    match status.as_u16() {
        200..=299 | 400 | 422 => Error::Rejected {
            request_id: None,
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
        // The envelope (the spec's `x-mitra-envelope`) with a flag and a
        // text message; an object of field errors goes to the generic reader.
        match ENVELOPE.read(body) {
            Some(env) if env.verdict.is_some() && env.message_is_text => {
                refused(status, headers, env.message)
            }
            _ => error_from_response(status, headers, read_error_body(headers, body)),
        }
    }

    // Every success body is judged by its top-level `success` flag, read
    // fail-safe: `false`, `"false"`, `0`, `"0"` are refusals, and a flag
    // that is neither a success nor a refusal (or absent) is never a success.
    // Every success body is judged by its top-level `success` flag, read
    // fail-safe (mitra_core::envelope): `false`, `"false"`, `0`, `"0"` are
    // refusals, and a flag that is neither is never a success.
    fn error_in_success(&self, status: StatusCode, body: &[u8]) -> Option<Error> {
        ENVELOPE.error_in_success(status.as_u16(), body, |_, message| {
            refused(status, &HeaderMap::new(), message)
        })
    }

    // `{"success": false, "message": "Data not found"}` decodes as an
    // envelope with no data; look first.
    fn inspects_success(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_false_with_an_object_message_falls_back_to_the_generic_reader() {
        let decoder = FastracDecoder;
        let headers = HeaderMap::new();
        let body = br#"{"success":false,"message":{"weight":["must be a number"]}}"#;
        let error = decoder.error_response(StatusCode::INTERNAL_SERVER_ERROR, &headers, body);
        assert!(!error.to_string().contains("success false"), "{error}");
        // Inside a 200, `success: false` is an error whatever the message is.
        let error = decoder.error_in_success(StatusCode::OK, body);
        assert!(error.is_some());
    }
}
