//! WSO2 API Manager gateway faults, in all the forms Pos Indonesia's gateway
//! may send them: XML (`<ams:fault>`, the default), JSON `{"fault": {...}}`
//! (when the request says exactly `Accept: application/json`), and the flat
//! JSON of API Manager 4.x with the code as a string.

use mitra_core::Error;
use mitra_core::decode::{ErrorBody, bounded, error_from_response, read_error_body};
use mitra_core::plumbing::ErrorDecoder;
use quick_xml::events::Event;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::types::GatewayFaultBody;

/// A gateway fault: a numeric code (e.g. `900901`) and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayFault {
    /// The WSO2 error code, as text.
    pub code: String,
    /// The gateway's message, e.g. `Invalid Credentials`.
    pub message: String,
}

/// Codes that mean the access token is bad, missing or expired: the client
/// fetches a new token and retries once.
const TOKEN_CODES: &[&str] = &["900901", "900902", "900903", "900904", "900905"];
/// Codes that mean the token is fine but may not call this API.
// 900907 ("API blocked") is here: a new token would not help.
const FORBIDDEN_CODES: &[&str] = &["900906", "900907", "900908", "900909", "900910"];
/// Throttling codes.
const THROTTLED_CODES: &[&str] = &["900800", "900801", "900802", "900803", "900804"];

/// Reads a gateway fault from a body in any of its forms; `None` if the body
/// is not one.
///
/// ```
/// let xml = br#"<ams:fault xmlns:ams="http://wso2.org/apimanager/security"><ams:code>900901</ams:code><ams:message>Invalid Credentials</ams:message></ams:fault>"#;
/// let fault = mitra_pos_indonesia::parse_gateway_fault(xml).unwrap();
/// assert_eq!(fault.code, "900901");
/// let json = br#"{"code":"900902","message":"Missing Credentials"}"#;
/// assert_eq!(mitra_pos_indonesia::parse_gateway_fault(json).unwrap().code, "900902");
/// ```
pub fn parse_gateway_fault(body: &[u8]) -> Option<GatewayFault> {
    let trimmed = body.trim_ascii();
    match trimmed.first()? {
        // Cheap test first: this runs on every success body.
        b'{' if !looks_like_fault(trimmed) => None,
        b'{' => from_json(trimmed),
        b'<' => from_xml(trimmed),
        _ => None,
    }
}

/// A JSON fault starts with `"fault"` or `"code"` as its first key.
fn looks_like_fault(json: &[u8]) -> bool {
    let after_brace = json[1..].trim_ascii_start();
    after_brace.starts_with(b"\"fault\"") || after_brace.starts_with(b"\"code\"")
}

fn from_json(body: &[u8]) -> Option<GatewayFault> {
    let parsed: GatewayFaultBody = mitra_core::decode::json_from_bytes(body).ok()?;
    let (code, message) = match parsed.fault {
        Some(fault) => (fault.code, fault.message),
        None => (parsed.code, parsed.message),
    };
    let code = code?.into_string();
    code.starts_with("900").then(|| GatewayFault {
        code,
        message: message.unwrap_or_default(),
    })
}

fn from_xml(body: &[u8]) -> Option<GatewayFault> {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut current: Vec<u8> = Vec::new();
    let (mut in_fault, mut code, mut message) = (false, None, None);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) => {
                current = e.local_name().as_ref().to_vec();
                if current == b"fault" || current == b"Fault" {
                    in_fault = true;
                }
            }
            Event::Text(t) if in_fault => {
                let text = String::from_utf8_lossy(t.as_ref()).trim().to_owned();
                match current.as_slice() {
                    b"code" if code.is_none() => code = Some(text),
                    b"message" if message.is_none() => message = Some(text),
                    _ => {}
                }
            }
            Event::End(_) => current.clear(),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let code: String = code?;
    code.starts_with("900").then(|| GatewayFault {
        code,
        message: message.unwrap_or_default(),
    })
}

/// The error for a gateway fault: the code decides the variant, whatever the
/// HTTP status (faults have been seen under 401, 403, 429, 500 and 503).
fn fault_error(status: StatusCode, headers: &HeaderMap, fault: GatewayFault) -> Error {
    let code = Some(fault.code.clone());
    // Only the message: WSO2 descriptions may quote the API key ("with key: ...").
    let message = bounded(&fault.message);
    let status_num = Some(status.as_u16());
    let code_is = |list: &[&str]| list.contains(&fault.code.as_str());
    if code_is(TOKEN_CODES) {
        Error::Unauthorized {
            status: status_num,
            code,
            message,
        }
    } else if code_is(FORBIDDEN_CODES) {
        Error::Forbidden {
            status: status_num,
            code,
            message,
        }
    } else if code_is(THROTTLED_CODES) {
        error_from_response(
            StatusCode::TOO_MANY_REQUESTS,
            headers,
            ErrorBody { code, message },
        )
        .with_status(status_num)
    } else {
        error_from_response(status, headers, ErrorBody { code, message })
    }
}

/// Decodes Pos Indonesia's error responses: gateway faults first, then any
/// other body (HTML pages, JSON, text).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PosDecoder;

impl ErrorDecoder for PosDecoder {
    fn error_response(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        match parse_gateway_fault(body) {
            Some(fault) => fault_error(status, headers, fault),
            None => error_from_response(status, headers, read_error_body(headers, body)),
        }
    }

    fn error_in_success(&self, status: StatusCode, body: &[u8]) -> Option<Error> {
        parse_gateway_fault(body).map(|fault| fault_error(status, &HeaderMap::new(), fault))
    }

    // A fault object would decode as an empty lookup result (every field of
    // the response types is optional), so faults are looked for first.
    fn inspects_success(&self) -> bool {
        true
    }

    // The gateway refused the token itself: the request never reached the
    // backend, so it may be sent again with a new token.
    fn rejected_before_backend(&self, error: &Error) -> bool {
        matches!(error, Error::Unauthorized { .. })
            && error
                .vendor_code()
                .is_some_and(|c| TOKEN_CODES.contains(&c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocked_api_is_forbidden_not_a_token_problem() {
        let fault = |code: &str| GatewayFault {
            code: code.into(),
            message: "m".into(),
        };
        let blocked = fault_error(
            StatusCode::SERVICE_UNAVAILABLE,
            &HeaderMap::new(),
            fault("900907"),
        );
        assert!(matches!(blocked, Error::Forbidden { .. }), "{blocked:?}");
        assert!(!PosDecoder.rejected_before_backend(&blocked));
        let expired = fault_error(StatusCode::UNAUTHORIZED, &HeaderMap::new(), fault("900901"));
        assert!(matches!(expired, Error::Unauthorized { .. }));
        assert!(PosDecoder.rejected_before_backend(&expired));
    }
}
