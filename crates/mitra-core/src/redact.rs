//! Credentials scrubbed from vendor text: a vendor that echoes a client id,
//! a key or a token back in an error page must not put it in an [`Error`],
//! a log line or the CLI's output.
//!
//! Vendor text is scrubbed *first*, as it arrives, before anything cuts it,
//! masks its digits or takes an excerpt: a credential is then found whole.
//! Each credential is looked for as written, percent-encoded (form and URL
//! styles), JSON-escaped and in base64, and the pairs sent as HTTP Basic
//! (`base64(id:secret)`) as a whole. Every occurrence of every form is found
//! in the text as it came (overlapping ones too), and overlapping or nested
//! occurrences are redacted as one: a secret that is a prefix of another, or
//! whose end begins another, leaves no piece of either.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use base64::Engine;

use secrecy::{ExposeSecret, SecretString};

use crate::Error;

/// Shorter values are not scrubbed: they are not secret enough to matter
/// (PAFI's client id is `1`) and scrubbing them would garble every message.
const MIN_SCRUBBED_CHARS: usize = 4;

/// What replaces a credential in vendor text.
pub const REDACTED: &str = "[REDACTED]";

/// The credential values a client is configured with, in every form a
/// vendor may echo them (sorted, each once). Cheap to clone.
#[derive(Clone, Default)]
pub struct Secrets(Arc<[SecretString]>);

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} forms)", self.0.len())
    }
}

/// The forms of `value` a vendor may echo: as written, percent-encoded
/// (form style, and every byte but the unreserved ones), JSON-escaped, and
/// in base64 (standard and URL-safe).
fn forms(value: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(value);
    let mut out = vec![
        value.to_owned(),
        url::form_urlencoded::byte_serialize(value.as_bytes()).collect(),
        percent_encode_all(value),
        b64.trim_end_matches('=').to_owned(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value),
    ];
    if let Ok(json) = serde_json::to_string(value) {
        let json = &json[1..json.len() - 1];
        // PHP's json_encode also escapes `/` and writes non-ASCII as \uXXXX.
        let mut php = String::with_capacity(json.len());
        for c in json.chars() {
            match c {
                '/' => php.push_str("\\/"),
                c if !c.is_ascii() => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        php.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                c => php.push(c),
            }
        }
        out.push(json.to_owned());
        out.push(php);
    }
    // An HTML or XML page quotes it with entities.
    let mut named = String::with_capacity(value.len());
    let mut numeric = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' | '<' | '>' | '"' | '\'' | '/' => {
                named.push_str(match c {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "&quot;",
                    '\'' => "&#39;",
                    _ => "/",
                });
                numeric.push_str(&format!("&#{};", c as u32));
            }
            c => {
                named.push(c);
                numeric.push(c);
            }
        }
    }
    out.push(named);
    out.push(numeric);
    out
}

/// `text` with HTML entities (`&#039;`, `&#x27;`, `&amp;`, ...) and JSON
/// `\uXXXX` escapes decoded, and for each byte of the result the offset
/// in `text` of the escape or character it came from (one more entry: the
/// end).
fn decode_escapes(text: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len() + 1);
    let mut i = 0;
    let push = |c: char, at: usize, out: &mut Vec<u8>, from: &mut Vec<usize>| {
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            out.push(b);
            from.push(at);
        }
    };
    while i < text.len() {
        let rest = &text[i..];
        if rest[0] == b'&'
            && let Some(end) = rest.iter().take(12).position(|b| *b == b';')
        {
            let entity = &rest[1..end];
            let decoded = match entity {
                b"amp" => Some('&'),
                b"lt" => Some('<'),
                b"gt" => Some('>'),
                b"quot" => Some('"'),
                b"apos" => Some('\''),
                _ if entity.first() == Some(&b'#') => {
                    let digits = std::str::from_utf8(&entity[1..]).unwrap_or("");
                    let code = match digits.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => digits.parse::<u32>().ok(),
                    };
                    code.and_then(char::from_u32)
                }
                _ => None,
            };
            if let Some(c) = decoded {
                push(c, i, &mut out, &mut from);
                i += end + 1;
                continue;
            }
        }
        if rest.starts_with(b"\\u") && rest.len() >= 6 {
            let unit = |s: &[u8]| {
                std::str::from_utf8(s)
                    .ok()
                    .and_then(|h| u16::from_str_radix(h, 16).ok())
            };
            if let Some(high) = unit(&rest[2..6]) {
                let pair = (rest.len() >= 12 && rest[6..8] == *b"\\u")
                    .then(|| unit(&rest[8..12]))
                    .flatten();
                let (c, used) = match pair {
                    Some(low) if (0xD800..0xDC00).contains(&high) => (
                        char::decode_utf16([high, low]).next().and_then(Result::ok),
                        12,
                    ),
                    _ => (char::decode_utf16([high]).next().and_then(Result::ok), 6),
                };
                if let Some(c) = c {
                    push(c, i, &mut out, &mut from);
                    i += used;
                    continue;
                }
            }
        }
        out.push(rest[0]);
        from.push(i);
        i += 1;
    }
    from.push(text.len());
    (out, from)
}

/// `text` with each of `values` that occurs in its decoded form (HTML
/// entities, JSON `\u` escapes) replaced, where it stands in `text`, by
/// [`REDACTED`]; `None` when none occurs.
fn scrub_escaped(text: &[u8], values: &[&str]) -> Option<Vec<u8>> {
    let (decoded, from) = decode_escapes(text);
    if decoded.len() == text.len() {
        return None; // nothing was escaped
    }
    redact_occurrences(text, &decoded, values, &|at, len| {
        let end = at + len;
        // The end in `text`: where the next decoded byte came from.
        let stop = from[end..]
            .iter()
            .copied()
            .find(|o| *o > from[end - 1])
            .unwrap_or(text.len());
        (from[at], stop)
    })
}

/// `text` with every place where one of `values` occurs in `haystack`
/// (`text` itself, or `text` with its escapes decoded) replaced by
/// [`REDACTED`]; `place(at, len)` is the span of `text` an occurrence at
/// `at` in `haystack` stands for. Overlapping spans, of one value or of two
/// (a secret whose end begins another), are one redaction: no piece of
/// either is left. `None` when none occurs.
fn redact_occurrences(
    text: &[u8],
    haystack: &[u8],
    values: &[&str],
    place: &dyn Fn(usize, usize) -> (usize, usize),
) -> Option<Vec<u8>> {
    // Each value's occurrences come in order (memchr's SIMD search: a
    // 16 MiB body is scanned for each form in milliseconds), overlapping
    // ones included: one that overlaps a longer secret's redaction may
    // hide the next, whole occurrence, which would leave a piece of it. The
    // next span is the least of their heads (a merge, not a sort).
    let locate = |finder: &memchr::memmem::Finder<'_>, from: usize| {
        let at = from + finder.find(haystack.get(from..)?)?;
        Some((place(at, finder.needle().len()), at))
    };
    let mut finds: Vec<_> = values
        .iter()
        .map(|value| {
            let finder = memchr::memmem::Finder::new(value.as_bytes());
            (locate(&finder, 0), finder)
        })
        .collect();
    let mut next_span = || {
        let (head, finder) = finds
            .iter_mut()
            .filter(|(head, _)| head.is_some())
            .min_by_key(|(head, _)| head.map(|(span, _)| span))?;
        let (span, at) = head.take()?;
        *head = locate(finder, at + 1);
        Some(span)
    };
    let (start, end) = next_span()?;
    let mut out = Vec::with_capacity(text.len());
    out.extend_from_slice(&text[..start]);
    out.extend_from_slice(REDACTED.as_bytes());
    let mut cursor = end;
    while let Some((start, end)) = next_span() {
        if start < cursor {
            cursor = cursor.max(end);
            continue;
        }
        out.extend_from_slice(&text[cursor..start]);
        out.extend_from_slice(REDACTED.as_bytes());
        cursor = end;
    }
    out.extend_from_slice(&text[cursor.min(text.len())..]);
    Some(out)
}

/// Every byte but `A-Z a-z 0-9 - . _ ~` as `%XX`.
fn percent_encode_all(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl Secrets {
    /// These values, in every form (empty and very short ones are ignored).
    pub fn new<'a>(values: impl IntoIterator<Item = &'a SecretString>) -> Self {
        Self::default().with(values)
    }

    /// These secrets, and `values` in every form.
    pub fn with<'a>(self, values: impl IntoIterator<Item = &'a SecretString>) -> Self {
        let mut all: Vec<String> = self
            .0
            .iter()
            .map(|s| s.expose_secret().to_owned())
            .collect();
        for value in values {
            let value = value.expose_secret();
            if value.trim().chars().count() >= MIN_SCRUBBED_CHARS {
                all.extend(forms(value));
            }
        }
        Self::from_forms(all)
    }

    /// These secrets, and the HTTP Basic credentials of `user` and
    /// `password` (`base64(user:password)`, which contains neither's own
    /// base64).
    pub fn with_basic(self, user: &SecretString, password: &SecretString) -> Self {
        let pair = SecretString::from(format!(
            "{}:{}",
            user.expose_secret(),
            password.expose_secret()
        ));
        self.with([&pair])
    }

    fn from_forms(mut all: Vec<String>) -> Self {
        all.retain(|f| f.chars().count() >= MIN_SCRUBBED_CHARS);
        // Sorted only to drop repeated forms: the scrubber merges every
        // form's finds, so their order does not matter.
        all.sort_unstable();
        all.dedup();
        Self(all.into_iter().map(SecretString::from).collect())
    }

    /// Whether any credential is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every credential replaced by [`REDACTED`]; `extra` are
    /// secrets known only now (the access token of an attempt, the secret
    /// fields of a request).
    pub fn scrub(&self, text: &str, extra: &[&str]) -> String {
        match self.scrub_bytes(text.as_bytes(), extra) {
            Cow::Borrowed(_) => text.to_owned(),
            Cow::Owned(bytes) => String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    }

    /// `body` with every credential replaced by [`REDACTED`], borrowed
    /// when none occurs; `extra` as for [`scrub`](Self::scrub).
    pub fn scrub_bytes<'b>(&self, body: &'b [u8], extra: &[&str]) -> Cow<'b, [u8]> {
        let extra_forms: Vec<String> = extra
            .iter()
            .filter(|e| e.chars().count() >= MIN_SCRUBBED_CHARS)
            .flat_map(|e| forms(e))
            .collect();
        let values: Vec<&str> = self
            .0
            .iter()
            .map(|s| s.expose_secret())
            .chain(extra_forms.iter().map(String::as_str))
            .filter(|v| v.len() >= MIN_SCRUBBED_CHARS)
            .collect();
        let mut out = Cow::Borrowed(body);
        if let Some(replaced) = redact_occurrences(body, body, &values, &|at, len| (at, at + len)) {
            out = Cow::Owned(replaced);
        }
        // Escaped forms the list cannot foresee (`&#039;`, `&#x27;`,
        // `\u0027`, mixed): found in the text decoded, replaced where they
        // stand in the text as sent.
        if (memchr::memchr(b'&', &out).is_some() || memchr::memmem::find(&out, b"\\u").is_some())
            && let Some(replaced) = scrub_escaped(&out, &values)
        {
            out = Cow::Owned(replaced);
        }
        out
    }

    /// `error` with every credential scrubbed from its vendor text.
    ///
    /// Its code is bounded and masked like a message, whatever made it.
    pub fn scrub_error(&self, mut error: Error, extra: &[&str]) -> Error {
        let bound_code = |code: &mut Option<String>| {
            if let Some(text) = code {
                *text = crate::decode::bounded_code(&self.scrub(text, extra));
            }
        };
        match &mut error {
            Error::Unauthorized { code, .. }
            | Error::Forbidden { code, .. }
            | Error::NotFound { code, .. }
            | Error::Conflict { code, .. }
            | Error::Vendor { code, .. } => bound_code(code),
            _ => {}
        }
        if self.0.is_empty() && extra.is_empty() {
            return error;
        }
        let scrub = |text: &mut String| {
            if !text.is_empty() {
                *text = self.scrub(text, extra);
            }
        };
        match &mut error {
            Error::Validation { message, .. }
            | Error::Config { message }
            | Error::RateLimited { message, .. }
            | Error::Timeout { message }
            | Error::UnmatchedMock { message }
            | Error::Transport { message, .. } => scrub(message),
            Error::Unauthorized { message, .. }
            | Error::Forbidden { message, .. }
            | Error::NotFound { message, .. }
            | Error::Conflict { message, .. }
            | Error::Vendor { message, .. } => scrub(message),
            Error::InvalidValue { message, value, .. } => {
                scrub(message);
                value.iter_mut().for_each(scrub);
            }
            Error::Rejected {
                message, errors, ..
            } => {
                scrub(message);
                errors.iter_mut().for_each(scrub);
            }
            Error::Decode { message, .. } => scrub(message),
            Error::BodyTooLarge { .. } => {}
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_escaped_form_of_a_secret_is_scrubbed() {
        let password = SecretString::from("Kata'Sandi#2024");
        let secrets = Secrets::new([&password]);
        for sent in [
            "salah: Kata&#039;Sandi#2024 ditolak",
            "salah: Kata&#x27;Sandi&#35;2024 ditolak",
            "salah: Kata&#X27;Sandi#2024 ditolak",
            r"salah: Kata\u0027Sandi#2024 ditolak",
            "salah: Kata&apos;Sandi#2024 ditolak",
        ] {
            let shown = secrets.scrub(sent, &[]);
            assert_eq!(shown, "salah: [REDACTED] ditolak", "{sent}");
        }
        // Other escapes are left as sent.
        assert_eq!(secrets.scrub("a &amp; b", &[]), "a &amp; b");
    }

    #[test]
    fn a_secret_that_overlaps_itself_or_a_neighbour_leaves_no_piece() {
        // A longer secret ending in the start of a self-overlapping one,
        // echoed run together: an occurrence inside the first redaction
        // must not hide the whole one after it.
        for (long, short, sent) in [
            ("KEY-a123456", "a123456a", "KEY-a123456a123456a"),
            ("KEY1abcd", "abcdabcd", "KEY1abcdabcdabcd"),
            ("abcXabc", "abcXabc", "abcXabcXabc"),
        ] {
            let (long, short) = (SecretString::from(long), SecretString::from(short));
            let secrets = Secrets::new([&long, &short]);
            assert_eq!(secrets.scrub(sent, &[]), "[REDACTED]", "{sent}");
            let only_long = Secrets::new([&long]);
            assert_eq!(
                only_long.scrub(sent, &[short.expose_secret()]),
                "[REDACTED]",
                "{sent}"
            );
        }
    }

    #[test]
    fn escaped_secrets_are_scrubbed_in_order_wherever_they_interleave_or_overlap() {
        let first = SecretString::from("Kata'Sandi");
        let second = SecretString::from("Sandi'Lagi");
        let secrets = Secrets::new([&first, &second]);
        // The second secret before the first, then both again, then the two
        // overlapping (one redaction for the run they cover).
        let sent =
            "a Sandi&#39;Lagi b Kata&#x27;Sandi c Sandi\\u0027Lagi d Kata&#39;Sandi&#39;Lagi e";
        assert_eq!(
            secrets.scrub(sent, &[]),
            "a [REDACTED] b [REDACTED] c [REDACTED] d [REDACTED] e"
        );
        // Overlapping as written, and with a secret known only now.
        assert_eq!(secrets.scrub("x Kata'Sandi'Lagi y", &[]), "x [REDACTED] y");
        assert_eq!(
            secrets.scrub("x Kata'Sandi'Lagi-Token y", &["Lagi-Token"]),
            "x [REDACTED] y"
        );
    }
    #[test]
    fn marked_fields_are_masked_at_any_depth_structure_kept() {
        let marked = Marked {
            personal: &["nama_anggota", "email"],
            secret: &["password"],
        };
        let body = br#"{"data":[{"nama_anggota":"Siti","skp":12,"email":null}],"password":"p","x":{"email":"a@b.c"}}"#;
        assert_eq!(
            marked.mask(body),
            r#"{"data":[{"nama_anggota":"[personal data]","skp":12,"email":null}],"password":"[REDACTED]","x":{"email":"[personal data]"}}"#
        );
        assert_eq!(marked.mask(b"not json, not a form"), "not json, not a form");
        let notice = br#"<b>Notice</b>: x {"nama_anggota":"Siti"}"#;
        assert!(!marked.mask(notice).contains("Siti"));
    }

    #[test]
    fn credentials_in_vendor_text_are_scrubbed_short_values_are_not() {
        let key = SecretString::from("canary-consumer-key");
        let id = SecretString::from("1");
        let secrets = Secrets::new([&key, &id]);
        let error = Error::Unauthorized {
            status: Some(401),
            code: Some("invalid_client".into()),
            message: "A valid OAuth client could not be found for client_id: canary-consumer-key"
                .into(),
        };
        let text = secrets.scrub_error(error, &["tok-abcdef"]).to_string();
        assert!(!text.contains("canary-consumer-key"), "{text}");
        assert!(
            text.contains("[REDACTED]") && text.contains("client_id"),
            "{text}"
        );
        assert_eq!(secrets.scrub("page 1 of 10", &[]), "page 1 of 10");
        assert_eq!(
            secrets.scrub("bad token tok-abcdef", &["tok-abcdef"]),
            "bad token [REDACTED]"
        );
    }

    #[test]
    fn every_form_is_scrubbed_and_the_longest_first() {
        let short = SecretString::from("sk_live_ABCDEFGH");
        let long = SecretString::from("sk_live_ABCDEFGH-LONGER-TAIL");
        let id = SecretString::from("client id/+&=");
        let secrets = Secrets::new([&short, &long, &id]).with_basic(&id, &short);
        let basic =
            base64::engine::general_purpose::STANDARD.encode("client id/+&=:sk_live_ABCDEFGH");
        let echoes = [
            "key sk_live_ABCDEFGH-LONGER-TAIL".to_owned(),
            format!("Authorization: Basic {basic}"),
            "id=client+id%2F%2B%26%3D".to_owned(),
            "id=client%20id%2F%2B%26%3D".to_owned(),
            format!(
                "b64 {}",
                base64::engine::general_purpose::STANDARD.encode("sk_live_ABCDEFGH-LONGER-TAIL")
            ),
            r#"{"id":"client id\/+&="}"#.replace("\\/", "/"),
        ];
        for echo in echoes {
            let out = secrets.scrub(&echo, &[]);
            for piece in [
                "ABCDEFGH",
                "LONGER-TAIL",
                "client id",
                "client+id",
                "client%20id",
            ] {
                assert!(!out.contains(piece), "{echo} -> {out}");
            }
            assert!(!out.contains(&basic[..12]), "{echo} -> {out}");
        }
        let bytes = b"tok sk_live_ABCDEFGH";
        assert!(matches!(
            secrets.scrub_bytes(b"nothing here", &[]),
            Cow::Borrowed(_)
        ));
        assert_eq!(&*secrets.scrub_bytes(bytes, &[]), b"tok [REDACTED]");
    }

    #[test]
    fn escaped_and_entity_forms_are_scrubbed() {
        let password = SecretString::from("pa/ss&wörd-Geheim");
        let secrets = Secrets::new([&password]);
        for echo in [
            r#"{"msg":"pa\/ss&w\u00f6rd-Geheim"}"#,
            "<title>pa/ss&amp;wörd-Geheim</title>",
            "<x>pa&#47;ss&#38;wörd-Geheim</x>",
        ] {
            let out = secrets.scrub(echo, &[]);
            assert!(
                !out.contains("Geheim") && !out.contains("pa/ss"),
                "{echo} -> {out}"
            );
        }
    }

    #[test]
    fn codes_are_bounded_and_masked_even_without_secrets() {
        let nik = "3206021201960046";
        let error = Error::Vendor {
            status: Some(422),
            code: Some(format!("{nik}{}", "x".repeat(10_000))),
            message: "bad".into(),
            retry_after: None,
        };
        let text = Secrets::default().scrub_error(error, &[]).to_string();
        assert!(!text.contains("32060212"), "{text}");
        assert!(text.len() < 400, "{}", text.len());
    }
}

/// The `Debug` of a type's fields that the spec does not name (its
/// `extra` map): whatever a vendor echoes there (a receiver's phone under a
/// name no spec lists), only each field's name and the kind of its value
/// are shown, never the value; the fields are still there to read
/// (`order.extra["insurance_fee"]`). Generated `Debug` impls use it.
///
/// ```
/// use mitra_core::redact::MaskedFields;
/// let extra: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
///     r#"{"receiver_phone":"0813-9998-8877","nama_penerima":"Siti","fee":1200}"#,
/// ).unwrap();
/// let shown = format!("{:?}", MaskedFields { fields: &extra });
/// assert_eq!(shown, r#"{"fee": a number, "nama_penerima": text, "receiver_phone": text}"#);
/// ```
pub struct MaskedFields<'a> {
    /// The fields.
    pub fields: &'a serde_json::Map<String, serde_json::Value>,
}

impl std::fmt::Debug for MaskedFields<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Kind(&'static str);
        impl std::fmt::Debug for Kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        let kind = |value: &serde_json::Value| match value {
            serde_json::Value::Null => "null",
            serde_json::Value::Bool(_) => "a boolean",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::String(_) => "text",
            serde_json::Value::Array(_) => "a list",
            serde_json::Value::Object(_) => "an object",
        };
        f.debug_map()
            .entries(self.fields.iter().map(|(k, v)| (k, Kind(kind(v)))))
            .finish()
    }
}

/// What replaces a personal value in traces, reports and fixtures.
pub const PERSONAL: &str = "[personal data]";

/// The fields a spec marks personal and secret (its generated
/// `operations::PERSONAL` and `operations::SECRET`), by wire name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marked {
    /// Fields that hold personal data.
    pub personal: &'static [&'static str],
    /// Fields that hold a secret.
    pub secret: &'static [&'static str],
}

impl Marked {
    /// What a value under `key` is replaced with, if it is marked.
    pub(crate) fn replacement(&self, key: &str) -> Option<&'static str> {
        if self.secret.contains(&key) {
            Some(REDACTED)
        } else if self.personal.contains(&key) {
            Some(PERSONAL)
        } else {
            None
        }
    }

    /// Whether nothing is marked.
    pub fn is_empty(&self) -> bool {
        self.personal.is_empty() && self.secret.is_empty()
    }

    /// `body` with the value of every marked field replaced, its structure
    /// and every other value kept: a JSON document (at any depth; `null`
    /// stays `null`), else a form body (`a=1&b=2`). Anything else is
    /// returned as it is.
    ///
    /// ```
    /// use mitra_core::redact::Marked;
    /// let marked = Marked { personal: &["receiver_name"], secret: &["password"] };
    /// let json = br#"{"data":{"awb":"FT1","receiver_name":"Siti Rahmawati"},"password":"x1"}"#;
    /// assert_eq!(
    ///     marked.mask(json),
    ///     r#"{"data":{"awb":"FT1","receiver_name":"[personal data]"},"password":"[REDACTED]"}"#
    /// );
    /// assert_eq!(marked.mask(b"receiver_name=Siti&awb=FT1"), "receiver_name=%5Bpersonal+data%5D&awb=FT1");
    /// ```
    pub fn mask(&self, body: &[u8]) -> String {
        if self.is_empty() {
            return String::from_utf8_lossy(body).into_owned();
        }
        if let Ok(text) = std::str::from_utf8(body)
            && crate::json_text::is_json(text)
        {
            return self.mask_json(text);
        }
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim();
        let looks_like_form = !trimmed.is_empty()
            && trimmed.contains('=')
            && !trimmed.contains(char::is_whitespace)
            && !trimmed.starts_with(['{', '[', '<']);
        if looks_like_form {
            return self.mask_query(trimmed);
        }
        // Neither (a PHP notice before the JSON, JSON inside a string, an
        // XML page): shown only if no marked field's name is in it.
        let names_one = self
            .personal
            .iter()
            .chain(self.secret)
            .any(|key| text.contains(key));
        if names_one {
            return format!(
                "[withheld: {} bytes that name a personal or secret field but are not JSON or a form]",
                body.len()
            );
        }
        text.into_owned()
    }

    /// A query string or form body with every marked field's value replaced.
    pub fn mask_query(&self, query: &str) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match self.replacement(&key) {
                Some(shown) => out.append_pair(&key, shown),
                None => out.append_pair(&key, &value),
            };
        }
        out.finish()
    }

    /// `text`, a JSON document, with every marked field's value replaced
    /// (a `null` stays `null`); the rest exactly as it was.
    fn mask_json(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        crate::json_text::for_each_key(text, |key, _, value| {
            let Some(shown) = self.replacement(key) else {
                return true;
            };
            if &text[value.clone()] != "null" {
                out.push_str(&text[copied..value.start]);
                out.push('"');
                out.push_str(shown);
                out.push('"');
                copied = value.end;
            }
            false
        });
        out.push_str(&text[copied..]);
        out
    }

    /// Appends the text of every marked field of the JSON document `text`,
    /// at any depth (a marked field that holds an object or a list is
    /// looked into).
    pub(crate) fn values_in_json(&self, text: &str, out: &mut Vec<String>) {
        crate::json_text::strings_under(text, |key, _| self.replacement(key).is_some(), out);
    }

    /// Appends the text of every marked field of `json`, at any depth.
    pub fn values_in(&self, json: &serde_json::Value, out: &mut Vec<String>) {
        self.values_in_json(&json.to_string(), out);
    }

    /// Replaces the value of every marked field of `value`, at any depth.
    pub fn mask_value(&self, value: &mut serde_json::Value) {
        if let Ok(masked) = serde_json::from_str(&self.mask_json(&value.to_string())) {
            *value = masked;
        }
    }
}
