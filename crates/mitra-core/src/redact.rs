//! Credentials scrubbed from vendor text: a vendor that echoes a client id,
//! a key or a token back in an error page must not put it in an [`Error`],
//! a log line or the CLI's output.
//!
//! Vendor text is scrubbed *first*, as it arrives, before anything cuts it,
//! masks its digits or takes an excerpt: a credential is then found whole
//! (a reader that must cut reads [`Secrets::echo_reach`] bytes past its cut
//! and scrubs before it cuts: [`Secrets::scrub_then_cut`]).
//! Each credential, and each personal input of a request, is looked for as
//! written, percent-encoded (form and URL styles), JSON-escaped and in
//! base64, and the pairs sent as HTTP Basic (`base64(id:secret)`) as a
//! whole, all ignoring ASCII case (`SITI RAHMAWATI`, `%2f`); in the text with
//! its escapes decoded (HTML entities, `\u`, `%XX`, also where only some
//! bytes are encoded); and a value written as a number (a phone, a NIK)
//! wherever its digits stand, whatever separates them (`0813-9998-8877`) and
//! with `+62` for its leading `0`. Every occurrence of every form is found
//! in the text as it came (overlapping ones too), and overlapping or nested
//! occurrences are redacted as one: a secret that is a prefix of another, or
//! whose end begins another, leaves no piece of either.
//!
//! Keys are data too: [`mask_key`] and [`mask_pointer`] are the one mask of
//! every key, pointer token and path segment that is printed.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use base64::Engine;

use secrecy::{ExposeSecret, SecretString};

use crate::Error;

#[path = "keys.rs"]
mod keys;
pub use keys::{MASKED_KEY, data_shaped_key, mask_key, mask_pointer};

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

/// `text` with HTML entities (`&#039;`, `&#x27;`, `&amp;`, ...), JSON
/// `\uXXXX` escapes and percent-encoded bytes (`%2f`, `%2F`) decoded, and
/// for each byte of the result the offset
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
        if rest[0] == b'%'
            && rest.len() >= 3
            && let Some(byte) = std::str::from_utf8(&rest[1..3])
                .ok()
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            from.push(i);
            i += 3;
            continue;
        }
        out.push(rest[0]);
        from.push(i);
        i += 1;
    }
    from.push(text.len());
    (out, from)
}

/// Where each of `values` (lower case) occurs, ignoring ASCII case, in
/// `text` with its escapes decoded (HTML entities, JSON `\u` escapes,
/// `%XX` in either case, also where only some bytes are encoded), as spans
/// of `text` as sent.
fn escaped_spans(text: &[u8], values: &[Cow<'_, str>], out: &mut Vec<(usize, usize)>) {
    let (mut decoded, from) = decode_escapes(text);
    if decoded.len() == text.len() {
        return; // nothing was escaped
    }
    decoded.make_ascii_lowercase();
    occurrences(&decoded, values, out, &|at, len| {
        let end = at + len;
        // The end in `text`: where the next decoded byte came from.
        let stop = from[end..]
            .iter()
            .copied()
            .find(|o| *o > from[end - 1])
            .unwrap_or(text.len());
        (from[at], stop)
    });
}

/// Appends the span of every occurrence of each of `values` in `haystack`
/// (overlapping ones too: one that overlaps a longer secret's redaction may
/// hide the next, whole occurrence, which would leave a piece of it);
/// `place(at, len)` is the span of the text as sent that an occurrence at
/// `at` in `haystack` stands for.
fn occurrences(
    haystack: &[u8],
    values: &[Cow<'_, str>],
    out: &mut Vec<(usize, usize)>,
    place: &dyn Fn(usize, usize) -> (usize, usize),
) {
    // memchr's SIMD search: a 16 MiB body is scanned for each form in
    // milliseconds.
    for value in values {
        let finder = memchr::memmem::Finder::new(value.as_bytes());
        let mut from = 0;
        while let Some(at) = haystack.get(from..).and_then(|h| finder.find(h)) {
            out.push(place(from + at, value.len()));
            from += at + 1;
        }
    }
}

/// Bytes that may stand between the digits of a number as a person writes
/// it (`0813-9998-8877`, `+62 (813) 9998 8877`, `3273.0101.9000.01`).
fn number_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'-' | b'.' | b'(' | b')' | b'/')
}

/// The digits of a value written as a number (a phone, a NIK, a PIN)
/// without a leading `0` or `62` (so that `0813…` and `+62 813…` are one
/// number), when it is one and at least 8 digits remain.
fn number_core(value: &str) -> Option<String> {
    let value = value.trim();
    let numeric = value
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'+' || number_separator(b));
    if !numeric {
        return None;
    }
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let core = digits
        .strip_prefix('0')
        .or_else(|| digits.strip_prefix("62"))
        .unwrap_or(&digits);
    (core.len() >= 8).then(|| core.to_owned())
}

/// Appends the span of every number in `text` (digits, with a leading `+`
/// and separators between them) whose digits contain one of `cores`: the
/// whole number, so that no piece of it is left.
fn number_spans(text: &[u8], cores: &[String], out: &mut Vec<(usize, usize)>) {
    let shortest = cores.iter().map(String::len).min().unwrap_or(0);
    let mut digits = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = if i > 0 && text[i - 1] == b'+' {
            i - 1
        } else {
            i
        };
        digits.clear();
        let mut end = i;
        let mut j = i;
        while j < text.len() {
            if text[j].is_ascii_digit() {
                digits.push(text[j]);
                end = j + 1;
                j += 1;
                continue;
            }
            // At most three separators between two digits.
            let gap = text[j..].iter().take(4).position(|b| !number_separator(*b));
            match gap {
                Some(n) if n > 0 && text[j + n].is_ascii_digit() => j += n,
                _ => break,
            }
        }
        if digits.len() >= shortest
            && cores
                .iter()
                .any(|core| memchr::memmem::find(&digits, core.as_bytes()).is_some())
        {
            out.push((start, end));
        }
        i = end.max(i + 1);
    }
}

/// What replaces a span of a text: `with(text, (start, end))`.
type Replacement<'a> = dyn Fn(&[u8], (usize, usize)) -> Vec<u8> + 'a;

/// `text` with every span (sorted by start) replaced by `with(text, span)`;
/// overlapping spans, of one value or of two (a secret whose end begins
/// another), are one replacement: no piece of either is left.
fn replace_spans(text: &[u8], spans: &[(usize, usize)], with: &Replacement<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for &(start, end) in spans {
        match merged.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut cursor = 0;
    for (start, end) in merged {
        out.extend_from_slice(&text[cursor..start]);
        out.extend_from_slice(&with(text, (start, end.min(text.len()))));
        cursor = end.min(text.len());
    }
    out.extend_from_slice(&text[cursor..]);
    out
}

/// Whether `span` of `text` is a bare number standing as a JSON value:
/// after `:`, `[` or `,` and before `,`, `}`, `]` or the end.
fn json_number_at(text: &[u8], (start, end): (usize, usize)) -> bool {
    let piece = &text[start..end];
    let digits = piece.strip_prefix(b"-").unwrap_or(piece);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let before = text[..start]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace());
    let after = text[end..].iter().find(|b| !b.is_ascii_whitespace());
    matches!(before, Some(b':' | b'[' | b',')) && matches!(after, None | Some(b',' | b'}' | b']'))
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
        // Kept in lower case: the search ignores ASCII case.
        all.iter_mut().for_each(|f| f.make_ascii_lowercase());
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
        let spans = self.echoes(body, extra);
        if spans.is_empty() {
            return Cow::Borrowed(body);
        }
        Cow::Owned(replace_spans(body, &spans, &|text, span| {
            // A number that stands as a JSON value is replaced by a JSON
            // string: a vendor's error in a JSON body stays readable.
            if json_number_at(text, span) {
                format!("\"{REDACTED}\"").into_bytes()
            } else {
                REDACTED.as_bytes().to_vec()
            }
        }))
    }

    /// `text` with every echo of a credential or of `extra` (found as
    /// [`scrub`](Self::scrub) finds them) replaced by `with(echo)`: a
    /// caller that shows personal inputs by their shape keeps it.
    pub fn replace_echoes(
        &self,
        text: &str,
        extra: &[&str],
        with: &dyn Fn(&str) -> String,
    ) -> String {
        let spans = self.echoes(text.as_bytes(), extra);
        if spans.is_empty() {
            return text.to_owned();
        }
        let out = replace_spans(text.as_bytes(), &spans, &|text, (start, end)| {
            let piece = &text[start..end];
            with(&String::from_utf8_lossy(piece)).into_bytes()
        });
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// The values searched for: every form of every credential and of
    /// `extra`, in lower case (the search ignores ASCII case: a vendor
    /// that upper-cases a name or lower-cases `%2F` echoes it all the same).
    fn needles<'s>(&'s self, extra: &[&str]) -> Vec<Cow<'s, str>> {
        let mut values: Vec<Cow<'s, str>> = self
            .0
            .iter()
            .map(|s| Cow::Borrowed(s.expose_secret()))
            .collect();
        values.extend(
            extra
                .iter()
                .filter(|e| e.chars().count() >= MIN_SCRUBBED_CHARS)
                .flat_map(|e| forms(e))
                .filter(|v| v.len() >= MIN_SCRUBBED_CHARS)
                .map(|v| Cow::Owned(v.to_ascii_lowercase())),
        );
        // A value's forms often repeat it (`0813…` is its own JSON and
        // percent-encoded form): each is searched for once.
        values.sort_unstable();
        values.dedup();
        values
    }

    /// The spans of `text` (sorted by start, overlapping ones kept) that
    /// echo a credential or one of `extra`: each form as written, ignoring
    /// ASCII case; in the text with its escapes decoded (HTML entities,
    /// JSON `\u`, `%XX`, wholly or partly encoded); and a value written as
    /// a number (a phone, a NIK) wherever its digits stand, whatever
    /// separates them and with `+62` for its leading `0`.
    fn echoes(&self, text: &[u8], extra: &[&str]) -> Vec<(usize, usize)> {
        let values = self.needles(extra);
        let mut spans = Vec::new();
        if values.is_empty() {
            return spans;
        }
        let lower = text.to_ascii_lowercase();
        occurrences(&lower, &values, &mut spans, &|at, len| (at, at + len));
        // Escaped forms the list cannot foresee (`&#039;`, `&#x27;`,
        // `\u0027`, `%2f`, mixed): found in the text decoded, replaced where
        // they stand in the text as sent.
        if memchr::memchr2(b'&', b'%', text).is_some()
            || memchr::memmem::find(text, b"\\u").is_some()
        {
            escaped_spans(text, &values, &mut spans);
        }
        let mut cores: Vec<String> = values.iter().filter_map(|v| number_core(v)).collect();
        cores.sort_unstable();
        cores.dedup();
        if !cores.is_empty() {
            number_spans(text, &cores, &mut spans);
        }
        spans.sort_unstable();
        spans
    }

    /// How many bytes of text one echo of a credential or of `extra` may
    /// take, in any form the scrubber finds (one decoded byte comes from at
    /// most 12: an entity like `&#x0000e9;`): a reader that must cut a body
    /// reads this much past its cut and scrubs before it cuts.
    pub fn echo_reach(&self, extra: &[&str]) -> usize {
        let longest = self
            .needles(extra)
            .iter()
            .map(|v| v.len())
            .max()
            .unwrap_or(0);
        longest * 12
    }

    /// The first `limit` bytes of a text, at most, scrubbed before they
    /// are cut: `read` is the start of the text as read (when `more`, the
    /// text went on past it; it should reach [`echo_reach`](Self::echo_reach)
    /// bytes past `limit`). The whole of what was read is scrubbed first, and
    /// of a text that went on the last `echo_reach` bytes are dropped too (an
    /// echo that the read cut may begin there): no piece of a credential
    /// survives a cut.
    pub fn scrub_then_cut(&self, read: &[u8], more: bool, limit: usize, extra: &[&str]) -> Vec<u8> {
        let scrubbed = self.scrub_bytes(read, extra);
        let mut keep = scrubbed.len().min(limit);
        if more {
            keep = keep.min(scrubbed.len().saturating_sub(self.echo_reach(extra)));
        }
        scrubbed[..keep].to_vec()
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

/// One `name: value` a header, as a call's DEBUG events and
/// `Response::shown_headers` show them: a sensitive or credential-bearing
/// header's value redacted, every other scrubbed of `secrets` and `extra`
/// and masked.
pub(crate) fn shown_header_lines(
    secrets: &Secrets,
    headers: &reqwest::header::HeaderMap,
    extra: &[&str],
) -> Vec<String> {
    use reqwest::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
    headers
        .iter()
        .map(|(name, value)| {
            let hidden = value.is_sensitive()
                || [&AUTHORIZATION, &PROXY_AUTHORIZATION, &COOKIE, &SET_COOKIE].contains(&name);
            let shown = if hidden {
                REDACTED.to_owned()
            } else {
                let text = String::from_utf8_lossy(value.as_bytes());
                crate::text::bounded(&secrets.scrub(&text, extra))
            };
            format!("{name}: {shown}")
        })
        .collect()
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
            request_id: None,
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
    fn personal_inputs_echoed_in_another_case_or_format_are_scrubbed() {
        // Issue #37 row 6: a receiver's name, phone and e-mail, quoted back
        // upper-cased, with dashes, and with a capitalised address.
        let inputs = ["Siti Rahmawati", "081399988877", "siti.rahmawati@contoh.id"];
        let sent = "receiver SITI RAHMAWATI (0813-9998-8877, Siti.Rahmawati@Contoh.ID) invalid";
        let shown = Secrets::default().scrub(sent, &inputs);
        assert_eq!(
            shown,
            "receiver [REDACTED] ([REDACTED], [REDACTED]) invalid"
        );
        for echo in [
            "+62 813 9998 8877",
            "+6281399988877",
            "62-813-9998-8877",
            "0813.9998.8877",
            "0813) 9998-8877",
        ] {
            let shown = Secrets::default().scrub(&format!("hp {echo} salah"), &inputs);
            assert_eq!(shown, "hp [REDACTED] salah", "{echo}");
        }
        // Echoed as a JSON number: the body stays JSON.
        let body = br#"{"message": "nomor salah", "data": {"hp": 6281399988877}}"#;
        let shown = Secrets::default().scrub_bytes(body, &inputs);
        let shown: serde_json::Value = serde_json::from_slice(&shown).unwrap();
        assert_eq!(shown["data"]["hp"], REDACTED);
        let nik = ["3273010101900001"];
        let shown = Secrets::default().scrub("NIK 3273-0101-0190-0001 ganda", &nik);
        assert_eq!(shown, "NIK [REDACTED] ganda");
        // Other numbers stay.
        assert_eq!(
            Secrets::default().scrub("order 12345 of 2026-12-06", &inputs),
            "order 12345 of 2026-12-06"
        );
    }

    #[test]
    fn percent_encoding_in_either_case_or_in_part_is_scrubbed() {
        // Issue #37 row 7.
        let token = SecretString::from("tok/RahasiaSekali+2024\u{e9}");
        let secrets = Secrets::new([&token]);
        for sent in [
            "a=tok%2fRahasiaSekali%2b2024%C3%A9&b=1",
            "a=tok%2FRahasiaSekali+2024%c3%a9&b=1",
            "a=tok/RahasiaSekali%2B2024\u{e9}&b=1",
            "a=TOK%2F%52ahasiaSekali%2B2024%C3%A9&b=1",
        ] {
            let shown = secrets.scrub(sent, &[]);
            assert_eq!(shown, "a=[REDACTED]&b=1", "{sent}");
        }
        // A stray `%` is left as sent.
        assert_eq!(secrets.scrub("100% ok %zz", &[]), "100% ok %zz");
    }

    #[test]
    fn a_body_is_scrubbed_before_it_is_cut() {
        // Issue #37 row 1: a token that straddles the cut.
        let token = SecretString::from("tok-Rahasia-1234567890abcdef");
        let secrets = Secrets::new([&token]);
        let limit = 64;
        let mut body = format!("<{}>", "a".repeat(limit - 16)).into_bytes();
        body.extend_from_slice(b"tok-Rahasia-1234567890abcdef and more");
        let reach = secrets.echo_reach(&[]);
        assert!(reach >= token.expose_secret().len());
        // Read whole: scrubbed, then cut.
        let shown = secrets.scrub_then_cut(&body, false, limit, &[]);
        assert!(shown.len() <= limit);
        let shown = String::from_utf8(shown).unwrap();
        assert!(!shown.contains("tok-Rahas"), "{shown}");
        // Read only in part, the token beyond the read's end: the piece read
        // is dropped.
        let read = &body[..limit - 16 + 2 + 10];
        let shown = String::from_utf8(secrets.scrub_then_cut(read, true, limit, &[])).unwrap();
        assert!(!shown.contains("tok-"), "{shown}");
    }

    #[test]
    fn codes_are_bounded_and_masked_even_without_secrets() {
        let nik = "3206021201960046";
        let error = Error::Vendor {
            request_id: None,
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
