//! Sempoa's errors: an envelope `{status, message}` whose message decides
//! more than the HTTP status does.

use mitra_core::Error;
use mitra_core::decode::{
    ErrorBody, Scalar, bounded, error_from_response, read_error_body, top_level,
};
use mitra_core::envelope::{self, FlagRule, Verdict, verdict};
use mitra_core::plumbing::ErrorDecoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// The message Sempoa gives for a missing or invalid token, with 400 or 401.
const NOT_AUTHORIZED: &str = "not authorized";

/// Sempoa's envelope: `status` (the HTTP status again) and `message`.
struct Envelope {
    status: Scalar,
    message: String,
}

impl Envelope {
    fn read(body: &[u8]) -> Option<Self> {
        let [status, message] = top_level(body, ["status", "message"])?;
        Some(Self {
            status,
            message: message.text().unwrap_or_default(),
        })
    }

    fn verdict(&self) -> Option<Verdict> {
        verdict(&[(FlagRule::HttpStatus, &self.status)])
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

    // The body's `status` repeats the HTTP status, read fail-safe
    // (mitra_core::envelope): `400` or `"400"` is a refusal whatever the HTTP
    // status said, and a status that is neither is never a success.
    fn error_in_success(&self, status: StatusCode, body: &[u8]) -> Option<Error> {
        let envelope = Envelope::read(body)?;
        envelope::error_in_success(
            envelope.verdict(),
            status.as_u16(),
            "status",
            Some(&envelope.message),
            |inner| {
                let inner = inner
                    .and_then(|code| StatusCode::from_u16(code).ok())
                    .unwrap_or(StatusCode::BAD_REQUEST);
                classify(inner, &HeaderMap::new(), envelope.message.clone())
            },
        )
    }

    // No need to look at every success body: success envelopes require
    // `status: 200` (spec: SuccessStatus), so an error body sent with HTTP
    // 200 fails to decode and comes to `error_in_success` that way.
    fn inspects_success(&self) -> bool {
        false
    }
}
