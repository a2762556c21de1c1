//! Sempoa's errors: an envelope `{status, message}` whose message decides
//! more than the HTTP status does.

use mitra_core::Error;
use mitra_core::decode::{ErrorBody, bounded, error_from_response, read_error_body};
use mitra_core::plumbing::ErrorDecoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::operations::ENVELOPE;

/// The message Sempoa gives for a missing or invalid token, with 400 or 401.
const NOT_AUTHORIZED: &str = "not authorized";

fn classify(status: StatusCode, headers: &HeaderMap, message: String) -> Error {
    let lower = message.to_ascii_lowercase();
    let message = bounded(&message);
    let status_num = Some(status.as_u16());
    if lower.contains(NOT_AUTHORIZED) {
        Error::Unauthorized {
            request_id: None,
            status: status_num,
            code: None,
            message,
        }
    } else {
        // Messages that say what was wrong (a duplicate reference, an
        // unknown account) are typed by the spec's `x-mitra-errors`.
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
pub(crate) struct SempoaDecoder;

impl ErrorDecoder for SempoaDecoder {
    fn error_response(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        match ENVELOPE.read(body) {
            Some(envelope) if envelope.message.as_deref().is_some_and(|m| !m.is_empty()) => {
                classify(status, headers, envelope.message.unwrap_or_default())
            }
            _ => error_from_response(status, headers, read_error_body(headers, body)),
        }
    }

    // The body's `status` repeats the HTTP status, read fail-safe
    // (mitra_core::envelope): `400` or `"400"` is a refusal whatever the HTTP
    // status said, and a status that is neither is never a success.
    fn error_in_success(&self, status: StatusCode, body: &[u8]) -> Option<Error> {
        ENVELOPE.error_in_success(status.as_u16(), body, |inner, message| {
            let inner = inner
                .and_then(|code| StatusCode::from_u16(code).ok())
                .unwrap_or(StatusCode::BAD_REQUEST);
            classify(inner, &HeaderMap::new(), message.unwrap_or_default())
        })
    }

    // No need to look at every success body: success envelopes require
    // `status: 200` (spec: SuccessStatus), so an error body sent with HTTP
    // 200 fails to decode and comes to `error_in_success` that way.
    fn inspects_success(&self) -> bool {
        false
    }
}
