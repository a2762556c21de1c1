//! WSO2 API Manager gateway faults, in all the forms Pos Indonesia's gateway
//! may send them: XML (`<ams:fault>`, the default), JSON `{"fault": {...}}`
//! (when the request says exactly `Accept: application/json`), and the flat
//! JSON of API Manager 4.x with the code as a string.

use mitra_core::Error;
use mitra_core::decode::{ErrorBody, bounded, error_from_response, read_error_body};
use mitra_core::plumbing::ErrorDecoder;
use std::time::Duration;

use chrono::TimeZone;
use quick_xml::events::Event;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::types::GatewayFaultBody;

/// A gateway fault, read structurally: its code, message and description.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GatewayFault {
    /// The WSO2 error code, as text: `900901` (security), `900802`
    /// (throttling), `404`/`405` (resource and method), `101503`/`303001`
    /// (backend).
    pub code: String,
    /// The gateway's message, e.g. `Invalid Credentials` (trailing spaces
    /// trimmed).
    pub message: String,
    /// The gateway's description, e.g. `No matching resource found for
    /// given API Request` (trimmed).
    pub description: String,
    /// When a throttled client may call again, as the gateway wrote it.
    pub next_access_time: Option<String>,
}

/// Codes that mean the access token is bad, missing or expired: the client
/// fetches a new token and retries once.
const TOKEN_CODES: &[&str] = &["900901", "900902", "900903", "900904", "900905"];
/// Codes that mean the token is fine but may not call this API.
// 900907 ("API blocked") and 900909 ("subscription inactive") are here:
// they come as 401, but a new token does not cure them, so they never start
// a refresh.
const FORBIDDEN_CODES: &[&str] = &["900906", "900907", "900908", "900909", "900910"];
/// Throttling codes.
const THROTTLED_CODES: &[&str] = &[
    "900800", "900801", "900802", "900803", "900804", "900805", "900806", "900807",
];

/// Reads a gateway fault from a body in any of its forms; `None` if the body
/// is not one.
///
/// ```
/// let xml = br#"<ams:fault xmlns:ams="http://wso2.org/apimanager/security"><ams:code>900901</ams:code><ams:message>Invalid Credentials</ams:message></ams:fault>"#;
/// let fault = mitra_pos_indonesia::parse_gateway_fault(xml).unwrap();
/// assert_eq!(fault.code, "900901");
/// let json = br#"{"code":"900902","message":"Missing Credentials"}"#;
/// assert_eq!(mitra_pos_indonesia::parse_gateway_fault(json).unwrap().code, "900902");
/// let missing = br#"<am:fault xmlns:am="http://wso2.org/apimanager"><am:code>404</am:code><am:type>Status report</am:type><am:message>Runtime Error</am:message><am:description>No matching resource found for given API Request</am:description></am:fault>"#;
/// let fault = mitra_pos_indonesia::parse_gateway_fault(missing).unwrap();
/// assert_eq!((fault.code.as_str(), fault.description.as_str()), ("404", "No matching resource found for given API Request"));
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

/// A fault's parts, each trimmed (WSO2 leaves trailing spaces: `"Resource
/// forbidden "`); a fault only if its code is one WSO2 uses (digits) and it
/// says something.
fn fault(
    code: Option<String>,
    message: Option<String>,
    description: Option<String>,
    next_access_time: Option<String>,
) -> Option<GatewayFault> {
    let trim = |s: Option<String>| s.map(|s| s.trim().to_owned()).unwrap_or_default();
    let code = code?.trim().to_owned();
    let (message, description) = (trim(message), trim(description));
    let digits = !code.is_empty() && code.len() <= 6 && code.bytes().all(|b| b.is_ascii_digit());
    (digits && !(message.is_empty() && description.is_empty())).then(|| GatewayFault {
        code,
        message,
        description,
        next_access_time: next_access_time.map(|t| t.trim().to_owned()),
    })
}

fn from_json(body: &[u8]) -> Option<GatewayFault> {
    let parsed: GatewayFaultBody = mitra_core::decode::json_from_bytes(body).ok()?;
    match parsed.fault {
        Some(f) => fault(
            f.code.map(mitra_core::Code::into_string),
            f.message,
            f.description,
            f.next_access_time,
        ),
        None => fault(
            parsed.code.map(mitra_core::Code::into_string),
            parsed.message,
            parsed.description,
            parsed.next_access_time,
        ),
    }
}

fn from_xml(body: &[u8]) -> Option<GatewayFault> {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut current: Vec<u8> = Vec::new();
    let mut in_fault = false;
    let (mut code, mut message, mut description, mut next) = (None, None, None, None);
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
                let text = String::from_utf8_lossy(t.as_ref()).into_owned();
                let slot = match current.as_slice() {
                    b"code" => &mut code,
                    b"message" => &mut message,
                    b"description" => &mut description,
                    b"nextAccessTime" => &mut next,
                    _ => &mut None,
                };
                slot.get_or_insert(text);
            }
            Event::End(_) => current.clear(),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    fault(code, message, description, next)
}

/// The wait a throttling fault's `nextAccessTime` asks for, in WSO2's own
/// format (`2026-Sep-09 00:00:00+0000 UTC`, not ISO-8601); `None` when it
/// is not one, zero when it is past.
pub(crate) fn next_access_wait(text: &str, now: std::time::SystemTime) -> Option<Duration> {
    let text = text.trim().trim_end_matches("UTC").trim_end();
    let (date, time) = text.split_once(' ')?;
    let mut parts = date.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month_name = parts.next()?;
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month_name))?;
    let day: u32 = parts.next()?.parse().ok()?;
    // `05:51:00+0000`: the clock, then the offset from UTC.
    let (clock, offset) = time.split_at(time.find(['+', '-'])?);
    let mut hms = clock.splitn(3, ':').map(str::parse::<u32>);
    let (h, m, sec) = (hms.next()?.ok()?, hms.next()?.ok()?, hms.next()?.ok()?);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits = offset.get(1..5)?;
    let offset_secs = sign
        * (digits.get(..2)?.parse::<i32>().ok()? * 3600
            + digits.get(2..)?.parse::<i32>().ok()? * 60);
    let local =
        chrono::NaiveDate::from_ymd_opt(year, month as u32 + 1, day)?.and_hms_opt(h, m, sec)?;
    let at = chrono::FixedOffset::east_opt(offset_secs)?
        .from_local_datetime(&local)
        .single()?;
    let at = std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(at.timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The error for a gateway fault: the code decides the variant, whatever the
/// HTTP status (faults have been seen under 401, 403, 429, 500 and 503).
fn fault_error(status: StatusCode, headers: &HeaderMap, fault: GatewayFault) -> Error {
    let status_num = Some(status.as_u16());
    let code_is = |list: &[&str]| list.contains(&fault.code.as_str());
    // The message, but the description where the message says nothing of
    // use: a throttle ("Message throttled out" / "You have exceeded your
    // quota") and the resource, method and backend faults ("Runtime
    // Error" / "No matching resource found for given API Request").
    // Security faults keep only the message: their descriptions may quote
    // the API key ("with key: ...").
    let telling = code_is(THROTTLED_CODES) || !fault.code.starts_with("900");
    let message = if telling && !fault.description.is_empty() {
        bounded(&fault.description)
    } else if fault.message.is_empty() {
        format!("gateway fault {}", fault.code)
    } else {
        bounded(&fault.message)
    };
    let code = Some(fault.code.clone());
    if code_is(TOKEN_CODES) {
        Error::Unauthorized {
            request_id: None,
            status: status_num,
            code,
            message,
        }
    } else if code_is(FORBIDDEN_CODES) {
        Error::Forbidden {
            request_id: None,
            status: status_num,
            code,
            message,
        }
    } else if code_is(THROTTLED_CODES) {
        let error = error_from_response(
            StatusCode::TOO_MANY_REQUESTS,
            headers,
            ErrorBody { code, message },
        )
        .with_status(status_num);
        // No `Retry-After`: the fault's own `nextAccessTime` is the wait
        // (bounded by the retry policy like any other).
        match error {
            Error::RateLimited {
                status,
                retry_after: None,
                message,
                request_id,
            } => Error::RateLimited {
                request_id,
                status,
                retry_after: fault
                    .next_access_time
                    .as_deref()
                    .and_then(|t| next_access_wait(t, std::time::SystemTime::now())),
                message,
            },
            other => other,
        }
    } else {
        // `404`/`405` as the code: the gateway's own HTTP status; a backend
        // fault (101503, 303001): the status it came with.
        let as_status = fault
            .code
            .parse::<u16>()
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok())
            .filter(|c| c.is_client_error() || c.is_server_error())
            .unwrap_or(status);
        error_from_response(as_status, headers, ErrorBody { code, message }).with_status(status_num)
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
            description: String::new(),
            next_access_time: None,
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

    #[test]
    fn next_access_time_reads_in_wso2s_own_format() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_788_912_000 - 90); // 2026-09-08 23:58:30 UTC
        assert_eq!(
            next_access_wait("2026-Sep-09 00:00:00+0000 UTC", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            next_access_wait("2026-Sep-09 07:00:00+0700 UTC", now),
            Some(Duration::from_secs(90)),
            "an offset is honoured"
        );
        assert_eq!(
            next_access_wait("2021-Mar-30 05:51:00+0000 UTC", now),
            Some(Duration::ZERO),
            "a past time means now"
        );
        for odd in [
            "",
            "soon",
            "2026-09-09T00:00:00Z",
            "2026-Foo-09 00:00:00+0000 UTC",
        ] {
            assert_eq!(next_access_wait(odd, now), None, "{odd}");
        }
    }
}
