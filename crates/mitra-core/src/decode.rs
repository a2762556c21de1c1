//! Turning error responses into [`Error`]s, and bounded, masked body excerpts.
//!
//! Vendors put their message in different places and gateways answer with HTML
//! or XML pages; [`error_from_response`] reads what it can from any of them and
//! picks the variant from the HTTP status. Vendor crates call it after looking
//! for their own codes.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};

use crate::Error;

pub use crate::text::{
    MAX_CODE_CHARS, MAX_MESSAGE_CHARS, bounded, bounded_code, mask_digit_runs, zero_digit_runs,
};
/// The longest body excerpt kept in a decode error, in bytes.
pub const MAX_EXCERPT_BYTES: usize = 200;

/// Reads a JSON body, as `serde_json::from_slice` would, through
/// `serde_json::from_str`: every body a client reads goes through one JSON
/// reader, so a program carries serde_json's parser once rather than once
/// for `&[u8]` and again for `&str` (about 20 KB). A body that is not UTF-8
/// is not JSON, and is refused before it is parsed.
pub fn json_from_bytes<T: serde::de::DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => Err(<serde_json::Error as serde::de::Error>::custom(
            "the body is not UTF-8",
        )),
    }
}

/// What an error body said, as far as it could be read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ErrorBody {
    /// The vendor's error code, if any.
    pub code: Option<String>,
    /// The vendor's message, bounded and masked.
    pub message: String,
}

/// Builds the error for a non-success response from its status, headers and
/// body, with `code`/`message` found by the vendor if it found them.
///
/// 401 is [`Error::Unauthorized`], 403 [`Error::Forbidden`], 404
/// [`Error::NotFound`], 429 [`Error::RateLimited`], anything else
/// [`Error::Vendor`]; `Retry-After` is kept.
pub fn error_from_response(status: StatusCode, headers: &HeaderMap, body: ErrorBody) -> Error {
    let status_num = Some(status.as_u16());
    let ErrorBody { code, message } = body;
    match status.as_u16() {
        401 => Error::Unauthorized {
            request_id: None,
            status: status_num,
            code,
            message,
        },
        403 => Error::Forbidden {
            request_id: None,
            status: status_num,
            code,
            message,
        },
        404 => Error::NotFound {
            request_id: None,
            status: status_num,
            code,
            message,
        },
        429 => Error::RateLimited {
            request_id: None,
            status: status_num,
            retry_after: crate::retry::retry_after(headers),
            message,
        },
        _ => Error::Vendor {
            request_id: None,
            status: status_num,
            code,
            message,
            retry_after: crate::retry::retry_after(headers),
        },
    }
}

/// Reads a message (and a code) from an error body of any kind: JSON with one
/// of the usual keys, an HTML page (its title), XML or plain text.
pub fn read_error_body(headers: &HeaderMap, body: &[u8]) -> ErrorBody {
    let trimmed = body.trim_ascii();
    if trimmed.is_empty() {
        return ErrorBody {
            code: None,
            message: "empty body".into(),
        };
    }
    if let Some(found) = from_json(trimmed) {
        return found;
    }
    let text = String::from_utf8_lossy(trimmed);
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lower_start: String = text
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if content_type.contains("html")
        || lower_start.contains("<html")
        || lower_start.contains("<!doctype html")
    {
        let title = between(&text, "<title>", "</title>")
            .map(|t| t.trim().to_owned())
            .unwrap_or_default();
        let message = if title.is_empty() {
            "an HTML error page".to_owned()
        } else {
            format!("an HTML error page: {}", bounded(&title))
        };
        return ErrorBody {
            code: None,
            message,
        };
    }
    ErrorBody {
        code: None,
        message: bounded(&strip_tags(&text)),
    }
}

/// The keys of a JSON error body that may hold its message, in the order
/// they are tried.
const MESSAGE_KEYS: [&str; 6] = [
    "message",
    "messages",
    "error_description",
    "error",
    "msg",
    "detail",
];
/// The keys that may hold its code, in the order they are tried.
const CODE_KEYS: [&str; 3] = ["code", "error_code", "error"];
/// Every key read: the message keys, then the code keys not among them.
const KEYS: [&str; 8] = [
    "message",
    "messages",
    "error_description",
    "error",
    "msg",
    "detail",
    "code",
    "error_code",
];

/// A top-level value of a JSON object, as a vendor's error decoder reads
/// it ([`top_level`]).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum Scalar {
    /// The key is not there.
    #[default]
    Absent,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits an `i64`.
    Int(i64),
    /// Any other number, as Rust writes it.
    Number(String),
    /// A string.
    Str(String),
    /// The strings of an array (its other items skipped).
    Strs(Vec<String>),
    /// An object.
    Object,
}

impl Scalar {
    /// The boolean, if it is one.
    pub fn bool(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if it is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            Scalar::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether it is text (a string or a list of them) or nothing (absent,
    /// `null`): what an envelope's message field may be for the envelope to
    /// be read as one.
    pub fn is_text_or_nothing(&self) -> bool {
        matches!(
            self,
            Scalar::Absent | Scalar::Null | Scalar::Str(_) | Scalar::Strs(_)
        )
    }

    /// The string, or the non-empty strings of an array joined with `; `.
    pub fn text(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.clone()),
            Scalar::Strs(list) => {
                let parts: Vec<&str> = list
                    .iter()
                    .map(String::as_str)
                    .filter(|s| !s.is_empty())
                    .collect();
                Some(parts.join("; "))
            }
            _ => None,
        }
    }
}

/// The values of `keys` in the JSON object `body`, in their order (when a
/// vendor repeats a key, the last one counts); `None` if `body` is not a
/// JSON object. What a vendor's error decoder needs of an envelope, read
/// here rather than by a serde derive in each vendor crate: a program then
/// carries serde_json's parser once for its error bodies, not once more in
/// every vendor crate it uses.
///
/// ```
/// use mitra_core::decode::{Scalar, top_level};
/// let body = br#"{"status": 401, "message": "not authorized", "data": {"x": 1}}"#;
/// let [status, message, data, other] = top_level(body, ["status", "message", "data", "x"]).unwrap();
/// assert_eq!(status, Scalar::Int(401));
/// assert_eq!(message.text().as_deref(), Some("not authorized"));
/// assert_eq!((data, other), (Scalar::Object, Scalar::Absent));
/// assert!(top_level(b"<html>", ["status"]).is_none());
/// ```
pub fn top_level<const N: usize>(body: &[u8], keys: [&str; N]) -> Option<[Scalar; N]> {
    let mut found: [Scalar; N] = std::array::from_fn(|_| Scalar::Absent);
    read_top_level(body, &keys, &mut found).then_some(found)
}

/// [`top_level`] for keys known only at run time (an envelope the spec
/// declares): the values of `keys`, in their order.
pub fn top_level_of(body: &[u8], keys: &[&str]) -> Option<Vec<Scalar>> {
    let mut found = vec![Scalar::Absent; keys.len()];
    read_top_level(body, keys, &mut found).then_some(found)
}

fn read_top_level(body: &[u8], keys: &[&str], found: &mut [Scalar]) -> bool {
    struct Fields<'k, 'f> {
        keys: &'k [&'k str],
        found: &'f mut [Scalar],
    }
    impl<'de> serde::de::DeserializeSeed<'de> for Fields<'_, '_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> serde::de::Visitor<'de> for Fields<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match self.keys.iter().position(|k| *k == key) {
                    Some(i) => self.found[i] = map.next_value::<Scalar>()?,
                    None => {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
            }
            Ok(())
        }
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let mut reader = serde_json::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(Fields { keys, found }, &mut reader).is_ok()
        && reader.end().is_ok()
}

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl<'de> serde::de::Visitor<'de> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_owned()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(i64::try_from(v).map_or_else(|_| Scalar::Number(v.to_string()), Scalar::Int))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Scalar, A::Error> {
                let mut strings = Vec::new();
                while let Some(item) = seq.next_element::<Scalar>()? {
                    if let Scalar::Str(s) = item {
                        strings.push(s);
                    }
                }
                Ok(Scalar::Strs(strings))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Scalar, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Object)
            }
        }
        d.deserialize_any(ScalarVisitor)
    }
}

/// The message and code of a JSON error object, read straight from the body
/// (no `serde_json::Value` tree: a smaller binary, and no allocation for the
/// keys and values it skips).
fn from_json(body: &[u8]) -> Option<ErrorBody> {
    let found = top_level(body, KEYS)?;
    let by_key = |key: &str| found.get(KEYS.iter().position(|k| *k == key)?);
    let message = MESSAGE_KEYS
        .iter()
        .find_map(|k| by_key(k)?.text().filter(|t| !t.is_empty()))?;
    let code = CODE_KEYS.iter().find_map(|k| match by_key(k)? {
        Scalar::Str(s) if !s.is_empty() && *s != message => Some(s.clone()),
        Scalar::Int(n) => Some(n.to_string()),
        Scalar::Number(n) => Some(n.clone()),
        _ => None,
    });
    Some(ErrorBody {
        code: code.as_deref().map(bounded_code),
        message: bounded(&message),
    })
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find(open)? + open.len();
    let end = start + lower[start..].find(close)?;
    text.get(start..end)
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let mut words = String::with_capacity(out.len());
    for word in out.split_whitespace() {
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(word);
    }
    words
}

/// The start of a body for a decode error: at most [`MAX_EXCERPT_BYTES`],
/// cut on a character boundary, with long digit runs masked.
pub fn excerpt(body: &[u8]) -> String {
    // Mask a little past the cut first, so that a number the cut splits is
    // masked as a whole (its visible last digits lie beyond the cut).
    let window = body.len().min(MAX_EXCERPT_BYTES + 64);
    let masked = mask_digit_runs(&String::from_utf8_lossy(&body[..window]));
    // Invalid bytes become U+FFFD (3 bytes each): bound the text, not the input.
    let mut end = masked.len().min(MAX_EXCERPT_BYTES);
    while !masked.is_char_boundary(end) {
        end -= 1;
    }
    let truncated = end < masked.len() || window < body.len();
    let mut text = masked[..end].to_owned();
    if text.ends_with('\u{FFFD}') && truncated {
        text.pop();
    }
    if truncated {
        text.push('…');
    }
    text
}

/// The raw JSON value that follows the first `"key":` in `body`, if any
/// (at most 16 bytes of it). A cheap look before a full parse: a caller that
/// finds nothing suspicious skips the parse, one that does parses the body to
/// be sure (the key may belong to a nested object).
///
/// ```
/// let body = br#"{"success": false, "message": "Data not found"}"#;
/// assert_eq!(mitra_core::decode::peek_value(body, "success"), Some(&b"false"[..]));
/// assert_eq!(mitra_core::decode::peek_value(body, "data"), None);
/// ```
pub fn peek_value<'a>(body: &'a [u8], key: &str) -> Option<&'a [u8]> {
    let needle = format!("\"{key}\"");
    let start = body
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())?
        + needle.len();
    let rest = body[start..]
        .trim_ascii_start()
        .strip_prefix(b":")?
        .trim_ascii_start();
    let end = rest
        .iter()
        .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
        .unwrap_or(rest.len())
        .min(16);
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn read(body: &str) -> ErrorBody {
        read_error_body(&HeaderMap::new(), body.as_bytes())
    }

    #[test]
    fn top_level_values_survive_a_repeated_key_and_odd_types() {
        let body =
            br#"{"message":"first","status":"400","message":["a","",3,"b"],"ok":true,"n":1.5}"#;
        let [message, status, ok, n, none] =
            top_level(body, ["message", "status", "ok", "n", "none"]).unwrap();
        assert_eq!(message.text().as_deref(), Some("a; b"));
        assert_eq!(
            (status.int(), status.text().as_deref()),
            (None, Some("400"))
        );
        assert_eq!(
            (ok.bool(), n, none),
            (Some(true), Scalar::Number("1.5".into()), Scalar::Absent)
        );
        assert!(top_level(br#"{"message":"x"} trailing"#, ["message"]).is_none());
        assert!(top_level(br#"["message"]"#, ["message"]).is_none());
    }

    #[test]
    fn reads_json_messages_under_the_usual_keys() {
        assert_eq!(
            read(r#"{"message":"Unauthenticated.","status_code":401}"#).message,
            "Unauthenticated."
        );
        let oauth = read(
            r#"{"error":"invalid_client","error_description":"Client Authentication failed."}"#,
        );
        assert_eq!(oauth.message, "Client Authentication failed.");
        assert_eq!(oauth.code.as_deref(), Some("invalid_client"));
        assert_eq!(
            read(r#"{"status":false,"messages":["a","b"]}"#).message,
            "a; b"
        );
    }

    #[test]
    fn every_key_tried_is_a_key_read() {
        // A key missing from KEYS would be skipped while reading, silently.
        for key in MESSAGE_KEYS.iter().chain(&CODE_KEYS) {
            assert!(KEYS.contains(key), "{key} is tried but never read");
        }
    }

    #[test]
    fn reads_json_bodies_with_repeated_keys_nested_values_and_numeric_codes() {
        // A repeated key: the last one counts, as in any JSON reader.
        let repeated = read(r#"{"message":"first","code":1,"message":"second"}"#);
        assert_eq!(repeated.message, "second");
        assert_eq!(repeated.code.as_deref(), Some("1"));
        // Values of other keys, however nested, are skipped; an empty
        // message falls through to the next key.
        let nested = read(
            r#"{"data":{"message":"not this","x":[1,{"y":null}]},"message":"","msg":"this","error_code":"E7"}"#,
        );
        assert_eq!(nested.message, "this");
        assert_eq!(nested.code.as_deref(), Some("E7"));
        assert_eq!(read(r#"{"messages":["", "a", 3, ["b"]]}"#).message, "a");
        // Not an object, or no message: read as text.
        assert_eq!(read(r#"["message"]"#).message, r#"["message"]"#);
        assert_eq!(read(r#"{"code":5}"#).message, r#"{"code":5}"#);
    }

    #[test]
    fn reads_html_titles_and_never_panics_on_junk() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
        assert_eq!(
            read_error_body(&h, page.as_bytes()).message,
            "an HTML error page: 502 Bad Gateway"
        );
        assert_eq!(read("").message, "empty body");
        assert_eq!(read("<a><b>plain</b> xml</a>").message, "plain xml");
        let _ = read_error_body(&h, &[0xff, 0xfe, b'<', 0x80]);
    }

    #[test]
    fn excerpts_are_bounded_and_masked() {
        let long = "x".repeat(1000);
        assert!(excerpt(long.as_bytes()).len() <= MAX_EXCERPT_BYTES + '…'.len_utf8());
        assert_eq!(
            excerpt(b"{\"nik\":\"3206021201960046\"}"),
            "{\"nik\":\"************0046\"}"
        );
        // A multi-byte character cut in half is dropped, not garbled.
        let s = format!("{}é", "a".repeat(MAX_EXCERPT_BYTES - 1));
        assert!(!excerpt(s.as_bytes()).contains('\u{FFFD}'));
    }

    #[test]
    fn statuses_map_to_variants() {
        let h = HeaderMap::new();
        let body = || ErrorBody::default();
        assert!(matches!(
            error_from_response(StatusCode::UNAUTHORIZED, &h, body()),
            Error::Unauthorized { .. }
        ));
        assert!(matches!(
            error_from_response(StatusCode::FORBIDDEN, &h, body()),
            Error::Forbidden { .. }
        ));
        assert!(matches!(
            error_from_response(StatusCode::NOT_FOUND, &h, body()),
            Error::NotFound { .. }
        ));
        assert!(matches!(
            error_from_response(StatusCode::TOO_MANY_REQUESTS, &h, body()),
            Error::RateLimited { .. }
        ));
        assert!(matches!(
            error_from_response(StatusCode::BAD_GATEWAY, &h, body()),
            Error::Vendor {
                status: Some(502),
                ..
            }
        ));
    }
}
