//! PAFI's errors: `{message, status_code}` bodies (with `errors` on a 422),
//! and `"error": true` inside an HTTP 200.

use mitra_core::Error;
use mitra_core::decode::{ErrorBody, bounded, error_from_response, read_error_body};
use mitra_core::plumbing::ErrorDecoder;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;

use crate::operations::ENVELOPE;

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    errors: Option<serde_json::Value>,
}

/// The problems of a 422 as lines: a list of strings, or an object of field
/// -> message(s) as Laravel writes it.
fn problem_lines(errors: &serde_json::Value) -> Vec<String> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let lines: Vec<String> = match errors {
        serde_json::Value::Array(items) => items.iter().map(text).collect(),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", text(v)))
            .collect(),
        _ => Vec::new(),
    };
    lines.iter().take(20).map(|l| bounded(l)).collect()
}

fn to_error(status: StatusCode, headers: &HeaderMap, body: Body) -> Error {
    let message = bounded(body.message.as_deref().unwrap_or_default());
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        return Error::Rejected {
            request_id: None,
            status: Some(status.as_u16()),
            message,
            errors: body.errors.as_ref().map(problem_lines).unwrap_or_default(),
        };
    }
    error_from_response(
        status,
        headers,
        ErrorBody {
            code: None,
            message,
        },
    )
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PafiDecoder;

impl ErrorDecoder for PafiDecoder {
    fn error_response(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        match mitra_core::decode::json_from_bytes::<Body>(body) {
            Ok(parsed) if parsed.message.is_some() => to_error(status, headers, parsed),
            _ => error_from_response(status, headers, read_error_body(headers, body)),
        }
    }

    // Judged by `error` (`false` is the success) and `status_code`, read
    // fail-safe (the spec's `x-mitra-envelope`, mitra_core::envelope):
    // `"true"`, `1`, a `status_code` of 400 or more are refusals, and a flag
    // that is neither is never a success.
    fn error_in_success(&self, status: StatusCode, body: &[u8]) -> Option<Error> {
        ENVELOPE.error_in_success(status.as_u16(), body, |inner, message| {
            // The body's status_code says which error; 400 when it says none.
            let inner = inner
                .and_then(|c| StatusCode::from_u16(c).ok())
                .unwrap_or(StatusCode::BAD_REQUEST);
            // The whole body again for a 422's `errors` (a refusal is rare).
            let parsed = mitra_core::decode::json_from_bytes::<Body>(body).unwrap_or(Body {
                message,
                errors: None,
            });
            to_error(inner, &HeaderMap::new(), parsed).with_status(Some(status.as_u16()))
        })
    }

    fn inspects_success(&self) -> bool {
        true
    }

    fn excerpt(&self, _body: &[u8]) -> String {
        "[withheld: the body may hold personal data]".to_owned()
    }
}
