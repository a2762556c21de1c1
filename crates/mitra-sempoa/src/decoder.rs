//! Sempoa's errors: an envelope `{status, message}` whose message decides
//! more than the HTTP status does.

use mitra_core::Error;
use mitra_core::decode::{
    ErrorBody, bounded, error_from_response, peek_value, read_error_body, top_level,
};
use mitra_core::plumbing::ErrorDecoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// The message Sempoa gives for a missing or invalid token, with 400 or 401.
const NOT_AUTHORIZED: &str = "not authorized";

/// Sempoa's envelope: `status` (the HTTP status again) and `message`.
struct Envelope {
    status: Option<i64>,
    message: String,
}

impl Envelope {
    fn read(body: &[u8]) -> Option<Self> {
        let [status, message] = top_level(body, ["status", "message"])?;
        Some(Self {
            status: status.int(),
            message: message.text().unwrap_or_default(),
        })
    }
}

fn classify(status: StatusCode, headers: &HeaderMap, message: String) -> Error {
    let lower = message.to_ascii_lowercase();
    let message = bounded(&message);
    let status_num = Some(status.as_u16());
    if lower.contains(NOT_AUTHORIZED) {
        Error::Unauthorized {
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
        match Envelope::read(body) {
            Some(envelope) if !envelope.message.is_empty() => {
                classify(status, headers, envelope.message)
            }
            _ => error_from_response(status, headers, read_error_body(headers, body)),
        }
    }

    fn error_in_success(&self, _status: StatusCode, body: &[u8]) -> Option<Error> {
        // The body's `status` repeats the HTTP status; trust it when it says
        // error. A look at it first spares the parse of every success body.
        if peek_value(body, "status").is_none_or(|v| v.starts_with(b"2")) {
            return None;
        }
        let envelope = Envelope::read(body)?;
        let status = StatusCode::from_u16(u16::try_from(envelope.status?).ok()?).ok()?;
        (status.is_client_error() || status.is_server_error())
            .then(|| classify(status, &HeaderMap::new(), envelope.message))
    }

    // No need to look at every success body: success envelopes require
    // `status: 200` (spec: SuccessStatus), so an error body sent with HTTP
    // 200 fails to decode and comes to `error_in_success` that way.
    fn inspects_success(&self) -> bool {
        false
    }
}
