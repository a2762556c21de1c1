//! ELKASSA's envelope errors: `status: false`, whatever the HTTP status, with
//! `messages` as a string or a list.

use mitra_core::Error;
use mitra_core::decode::{ErrorBody, bounded, error_from_response, read_error_body};
use mitra_core::plumbing::ErrorDecoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::operations::ENVELOPE;

/// The error for a `status: false` envelope. The wording of ELKASSA's
/// messages is not documented: a message about the key or token is taken for
/// an auth failure, "tidak ditemukan"/"not found" for not found, and anything
/// else is a vendor error.
fn refused(status: StatusCode, headers: &HeaderMap, message: String) -> Error {
    let lower = message.to_ascii_lowercase();
    let message = if message.is_empty() {
        "status false".to_owned()
    } else {
        bounded(&message)
    };
    let http = Some(status.as_u16());
    let about_credentials = lower.contains("key") || lower.contains("token");
    let refusal = [
        "invalid",
        "salah",
        "tidak valid",
        "tidak sesuai",
        "unauthori",
        "not authori",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if about_credentials && refusal {
        Error::Unauthorized {
            request_id: None,
            status: http,
            code: None,
            message,
        }
    } else if lower.contains("tidak ditemukan") || lower.contains("not found") {
        Error::NotFound {
            request_id: None,
            status: http,
            code: None,
            message,
        }
    } else if status.is_success() {
        Error::Vendor {
            request_id: None,
            status: http,
            code: None,
            message,
            retry_after: None,
        }
    } else {
        error_from_response(
            status,
            headers,
            ErrorBody {
                code: None,
                message,
            },
        )
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ElkassaDecoder;

impl ErrorDecoder for ElkassaDecoder {
    fn error_response(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        // The envelope (the spec's `x-mitra-envelope`) with a flag and a
        // text message; an object of field errors goes to the generic reader.
        match ENVELOPE.read(body) {
            Some(env) if env.verdict.is_some() && env.message_is_text => {
                refused(status, headers, env.message.unwrap_or_default())
            }
            _ => error_from_response(status, headers, read_error_body(headers, body)),
        }
    }

    // Every success body is judged by its top-level `status` flag, read
    // fail-safe (mitra_core::envelope): `false`, `"false"`, `0`, `"0"` are
    // refusals, and a flag that is neither is never a success.
    // Every success body is judged by its top-level `status` flag, read
    // fail-safe (mitra_core::envelope): `false`, `"false"`, `0`, `"0"` are
    // refusals, and a flag that is neither is never a success.
    fn error_in_success(&self, status: StatusCode, body: &[u8]) -> Option<Error> {
        ENVELOPE.error_in_success(status.as_u16(), body, |_, message| {
            refused(status, &HeaderMap::new(), message.unwrap_or_default())
        })
    }

    // `{"status": false, "data": null}` would decode as a success envelope.
    fn inspects_success(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_whose_messages_are_field_errors_is_read_by_the_generic_reader() {
        let decoder = ElkassaDecoder;
        let headers = HeaderMap::new();
        // Text messages: the envelope's own rules.
        let plain = br#"{"status":false,"messages":["Email sudah terdaftar"]}"#;
        let error = decoder.error_response(StatusCode::BAD_REQUEST, &headers, plain);
        assert!(
            error.to_string().contains("Email sudah terdaftar"),
            "{error}"
        );
        // An object of field errors: the generic reader keeps the body's text.
        let fields = br#"{"status":false,"messages":{"email":["sudah terdaftar"]}}"#;
        let error = decoder.error_response(StatusCode::BAD_REQUEST, &headers, fields);
        assert!(!error.to_string().ends_with("status false"), "{error}");
        assert_eq!(error.status(), Some(400));
    }
}
