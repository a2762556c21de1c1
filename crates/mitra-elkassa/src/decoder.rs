//! ELKASSA's envelope errors: `status: false`, whatever the HTTP status, with
//! `messages` as a string or a list.

use mitra_core::Error;
use mitra_core::decode::{ErrorBody, bounded, error_from_response, peek_value, read_error_body};
use mitra_core::plumbing::ErrorDecoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;

use crate::types::Messages;

#[derive(Deserialize)]
struct Envelope {
    status: Option<bool>,
    #[serde(default)]
    messages: Option<Messages>,
}

/// The message(s) as one line.
pub(crate) fn message_text(messages: Option<&Messages>) -> String {
    match messages {
        Some(Messages::String(s)) => s.clone(),
        Some(Messages::Array(list)) => list.join("; "),
        None => String::new(),
    }
}

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
            status: http,
            code: None,
            message,
        }
    } else if lower.contains("tidak ditemukan") || lower.contains("not found") {
        Error::NotFound {
            status: http,
            code: None,
            message,
        }
    } else if status.is_success() {
        Error::Vendor {
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
        match mitra_core::decode::json_from_bytes::<Envelope>(body) {
            Ok(env) if env.status.is_some() => {
                refused(status, headers, message_text(env.messages.as_ref()))
            }
            _ => error_from_response(status, headers, read_error_body(headers, body)),
        }
    }

    fn error_in_success(&self, status: StatusCode, body: &[u8]) -> Option<Error> {
        if peek_value(body, "status") != Some(b"false") {
            return None;
        }
        let env: Envelope = mitra_core::decode::json_from_bytes(body).ok()?;
        (env.status == Some(false)).then(|| {
            refused(
                status,
                &HeaderMap::new(),
                message_text(env.messages.as_ref()),
            )
        })
    }

    // `{"status": false, "data": null}` would decode as a success envelope.
    fn inspects_success(&self) -> bool {
        true
    }
}
