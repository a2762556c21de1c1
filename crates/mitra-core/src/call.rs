//! What a vendor crate's generated methods stand on: the client's shared
//! state, and the small traits through which the hand-written layer plugs
//! its rules into an operation.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use progenitor_client::{Error as GenError, ResponseValue};

use crate::attempt::Attempt;
use crate::runtime::Runtime;
use crate::{Error, Operation};

/// The state every generated vendor client holds: base URL, HTTP client and
/// [`Runtime`]. Cheap to clone.
#[derive(Clone)]
pub struct ClientCore {
    base_url: Arc<str>,
    server: crate::telemetry::Server,
    http: reqwest::Client,
    runtime: Runtime,
}

impl fmt::Debug for ClientCore {
    // The base URL is left out: a user may have put credentials in it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("runtime", &self.runtime)
            .finish_non_exhaustive()
    }
}

impl ClientCore {
    /// The core of a client that sends to `base_url` (checked by
    /// [`config::base_url`](crate::config::base_url)) with `http`.
    pub fn new(base_url: impl Into<Arc<str>>, http: reqwest::Client, runtime: Runtime) -> Self {
        let base_url = base_url.into();
        Self {
            server: crate::telemetry::Server::of(&base_url),
            base_url,
            http,
            runtime,
        }
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL, shared (for the raw client of each attempt).
    pub fn shared_base_url(&self) -> Arc<str> {
        self.base_url.clone()
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The same client (token, rate budget, connections shared) whose
    /// calls also follow `options`.
    pub fn with_options(&self, options: crate::CallOptions) -> Self {
        Self {
            runtime: self.runtime.with_options(options),
            ..self.clone()
        }
    }

    /// The runtime (auth, retries, decoding).
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Runs one operation through [`Runtime::send`].
    pub fn send<'a, T, E, F, Fut>(
        &'a self,
        op: &'a Operation,
        attempt: F,
    ) -> impl Future<Output = Result<T, Error>> + 'a
    where
        F: FnMut(Attempt) -> Fut + 'a,
        Fut: Future<Output = (Result<ResponseValue<T>, GenError<E>>, Attempt)> + 'a,
        T: 'a,
        E: 'a,
    {
        self.runtime.send_to(Some(&self.server), op, attempt)
    }
}

/// Rules a request must follow before it is sent, beyond what the spec's
/// types enforce. A vendor crate implements it for the request bodies of
/// the operations whose spec says `x-mitra-validate: true`; a failure is
/// [`Error::Validation`] and nothing is sent.
pub trait Validate {
    /// `Ok` when the request may be sent.
    fn validate(&self) -> Result<(), Error>;
}

/// What an operation returns, made from the body the spec describes
/// (`x-mitra-returns` in the spec): an envelope unwrapped, a one-or-many
/// answer made a list, a vendor quirk normalised.
pub trait FromWire<W>: Sized {
    /// The value for the decoded body `wire`.
    fn from_wire(wire: W) -> Result<Self, Error>;
}

/// The inverse of [`FromWire`], for typed mocks: the body a vendor would
/// send for a value an operation returns (`x-mitra-returns`), so a test
/// mocks `then.ok(&[city])` in the client's own types. It need not be
/// lossless: `W` only has to decode back to the same value.
pub trait ResponseWire<W> {
    /// The body that [`FromWire::from_wire`] turns back into `self`.
    fn response_wire(&self) -> W;
}

/// A wire type from the JSON a vendor would send, for [`ResponseWire`]
/// implementations: shorter than nesting generated constructors, and it
/// goes through the same `Deserialize` as a real response.
///
/// # Panics
/// When `json` is not a `W`: an implementation's mistake, found by the
/// crate's mock tests.
pub fn wire_from_json<W: serde::de::DeserializeOwned>(json: serde_json::Value) -> W {
    serde_json::from_value(json)
        .unwrap_or_else(|e| panic!("a mock's body is not a {}: {e}", std::any::type_name::<W>()))
}

/// For typed mocks of an `x-mitra-input` operation (`when.body(&journal)`):
/// every body a client may send for this input, one per client setting
/// that shapes it (the same conversion as [`ToWire`]). Empty when the input
/// would be refused before sending, so that it matches nothing.
pub trait MockInput<W> {
    /// The bodies, in any order.
    fn wire_bodies(&self) -> Vec<W>;
}

/// A hand-written input type that an operation takes instead of the body
/// the spec describes (`x-mitra-input` in the spec), such as a journal
/// built line by line. `C` is the vendor's client, for settings that shape
/// the body.
pub trait ToWire<C: ?Sized, W> {
    /// The body to send.
    fn to_wire(&self, client: &C) -> Result<W, Error>;
}

/// Refuses a path parameter that could change the path it is put in: an
/// empty value, `.` or `..`, or one with `/`, `\`, `?`, `#`, `%` or a
/// control character. (The value is not repeated: it may be personal data.)
pub fn check_path_param(name: &'static str, value: &str) -> Result<(), Error> {
    path_param(name, value, false)
}

/// [`check_path_param`] for a parameter the spec marks
/// `x-mitra-may-contain-slash: true` (a reference such as
/// `PB/2023/VI/0001`): `/` is allowed, and the generated code sends it
/// percent-encoded (`PB%2F2023%2FVI%2F0001`), one path segment still.
/// Everything else `check_path_param` refuses is refused.
pub fn check_path_param_may_contain_slash(name: &'static str, value: &str) -> Result<(), Error> {
    path_param(name, value, true)
}

fn path_param(name: &'static str, value: &str, slash: bool) -> Result<(), Error> {
    // Bytes, one pass: every character refused is ASCII (control characters
    // beyond ASCII are refused by the `chars` pass only when one is there).
    let trimmed = value.as_bytes().trim_ascii();
    if trimmed.is_empty() {
        return Err(Error::validation(name, "is required"));
    }
    if trimmed == b"." || trimmed == b".." {
        return Err(Error::validation(name, "must not be . or .."));
    }
    let bad_ascii = value.bytes().any(|b| {
        (b == b'/' && !slash) || matches!(b, b'\\' | b'?' | b'#' | b'%') || b.is_ascii_control()
    });
    if bad_ascii || (!value.is_ascii() && value.chars().any(char::is_control)) {
        return Err(Error::validation(
            name,
            if slash {
                "must not contain \\, ?, #, % or control characters"
            } else {
                "must not contain /, \\, ?, #, % or control characters"
            },
        ));
    }
    Ok(())
}

/// Refuses a number below the spec's `minimum`.
pub fn check_minimum(name: &'static str, value: i64, minimum: i64) -> Result<(), Error> {
    if value < minimum {
        return Err(Error::validation(
            name,
            format!("must be at least {minimum}"),
        ));
    }
    Ok(())
}

/// Refuses text shorter than the spec's `minLength` (after trimming).
pub fn check_min_length(name: &'static str, value: &str, min: usize) -> Result<(), Error> {
    if value.trim().chars().count() < min {
        return Err(Error::validation(
            name,
            if min == 1 {
                "is required".to_owned()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    Ok(())
}

/// A success body decoded as generated code expects it, through the
/// tolerant reader ([`crate::tolerant`]): what it tolerated is reported for
/// `attempt`'s vendor and operation; a failure is said at its JSON pointer,
/// without the body's text. No copy of the response headers, which
/// progenitor's `ResponseValue::from_response` makes: they are moved, and
/// kept only for `with_response`.
// Not an `async fn`, and no `Response::bytes`: the future holds the
// response once and reads it chunk by chunk in place (an `async fn` keeps
// its argument twice, `bytes()` a collector of its own: 864 bytes of every
// operation's future, moved on every call, against 200 or so).
// The error is progenitor's, as its generated code expects.
#[allow(clippy::result_large_err)]
pub fn response_value<'a, T: serde::de::DeserializeOwned + crate::tolerant::Known + 'a, E: 'a>(
    response: reqwest::Response,
    attempt: &'a Attempt,
) -> impl Future<Output = Result<ResponseValue<T>, GenError<E>>> + 'a {
    // Reading the body is not generic (one copy in a program); only its
    // decode is per answer type. A map, not an `async` block: that would
    // keep the reading future twice (once to move it into its `.await`).
    use futures_util::FutureExt as _;
    crate::body::read_answer(response).map(move |read| {
        let (status, body, headers) = read.map_err(GenError::ResponseBodyError)?;
        // At DEBUG the answer is shown now that its shape is known.
        if tracing::enabled!(tracing::Level::DEBUG) {
            attempt.trace_answer(status.as_u16(), &headers, &body, Some(T::SHAPE));
        }
        // One UTF-8 check of the whole body is cheaper than serde_json's check
        // of each string in it (and JSON is UTF-8, RFC 8259 §8.1).
        let decoded = match std::str::from_utf8(&body) {
            Ok(text) => decode_answer::<T>(attempt.vendor(), attempt.operation(), text),
            Err(_) => Err("the answer is not UTF-8".to_owned()),
        };
        match decoded {
            // The headers are kept only for `with_response`.
            Ok(inner) => Ok(ResponseValue::new(
                inner,
                status,
                if attempt.keeps_headers() {
                    headers
                } else {
                    reqwest::header::HeaderMap::new()
                },
            )),
            Err(message) => {
                let error = serde::de::Error::custom(message);
                // The call's error, with the request id of these headers.
                attempt.decode_failed(status, &headers, &body, &error);
                Err(GenError::InvalidResponsePayload(body, error))
            }
        }
    })
}

/// What [`response_value`] does with a success body's text: decodes it
/// through the tolerant reader and reports what it tolerated, for
/// `operation` of `vendor`; a failure is the message of an
/// [`Error::Decode`]: a JSON pointer and the kinds. (Public for the decode
/// benchmark, which measures exactly this.)
pub fn decode_answer<T: serde::de::DeserializeOwned + crate::tolerant::Known>(
    vendor: &'static str,
    operation: &'static str,
    text: &str,
) -> Result<T, String> {
    let (parsed, found) = crate::tolerant::recording(|| serde_json::from_str::<T>(text));
    match parsed {
        Ok(inner) => {
            let sample = crate::tolerant::sample_for_unknown_fields(vendor, operation);
            if sample || !found.is_empty() {
                let again: crate::tolerant::DecodeAgain = crate::tolerant::decode_again::<T>;
                crate::tolerant::report(vendor, operation, text, found, sample, (T::SHAPE, again));
            }
            Ok(inner)
        }
        Err(error) => Err(crate::tolerant::locate_error(text, &error)),
    }
}

/// Whether `value` matches `pattern`, one of the few patterns the specs use
/// (the generated code checks them with this instead of a regex engine):
/// `^\d+$`, `^-?\d+$`, `^\d+(\.\d+)?$` and `^\d{N}$`. An unknown pattern
/// never matches (xtask refuses to generate one).
pub fn matches_pattern(pattern: &str, value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match pattern {
        r"^\d+$" => digits(value),
        r"^-?\d+$" => digits(value.strip_prefix('-').unwrap_or(value)),
        r"^\d+(\.\d+)?$" => match value.split_once('.') {
            Some((whole, fraction)) => digits(whole) && digits(fraction),
            None => digits(value),
        },
        _ => match pattern
            .strip_prefix(r"^\d{")
            .and_then(|rest| rest.strip_suffix("}$"))
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) => value.len() == n && digits(value),
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patterns_of_the_specs_without_a_regex_engine() {
        let cases: &[(&str, &str, bool)] = &[
            (r"^\d+$", "15000", true),
            (r"^\d+$", "", false),
            (r"^\d+$", "15 000", false),
            (r"^\d+$", "-1", false),
            (r"^\d+$", "١٢", false), // not ASCII digits
            (r"^-?\d+$", "-12", true),
            (r"^-?\d+$", "-", false),
            (r"^\d+(\.\d+)?$", "150000", true),
            (r"^\d+(\.\d+)?$", "150000.50", true),
            (r"^\d+(\.\d+)?$", "1.", false),
            (r"^\d+(\.\d+)?$", ".5", false),
            (r"^\d{5}$", "14450", true),
            (r"^\d{5}$", "1445", false),
            (r"^\d{5}$", "144500", false),
            (r"^[a-z]+$", "abc", false), // unknown: never
        ];
        for (pattern, value, expected) in cases {
            assert_eq!(
                matches_pattern(pattern, value),
                *expected,
                "{pattern} {value:?}"
            );
        }
    }

    #[test]
    fn path_parameters_cannot_change_the_path() {
        for bad in [
            "", " ", ".", "..", "a/b", "a\\b", "a?b", "a#b", "%2F", "a\nb",
        ] {
            assert!(check_path_param("id", bad).is_err(), "{bad:?} accepted");
        }
        for good in ["10000", "ELK50001", "CO.FASTRAC-1", "a b"] {
            assert!(check_path_param("id", good).is_ok(), "{good:?} refused");
        }
    }

    #[test]
    fn a_parameter_marked_may_contain_slash_takes_a_slash_and_nothing_else_more() {
        let check = check_path_param_may_contain_slash;
        assert!(check_path_param("referensi", "PB/2023/VI/0001").is_err());
        assert!(check("referensi", "PB/2023/VI/0001").is_ok());
        for bad in ["", " ", ".", "..", "a\\b", "a?b", "a#b", "%2F", "a\nb"] {
            assert!(check("referensi", bad).is_err(), "{bad:?} accepted");
        }
    }

    /// What the generated code does with a marked parameter's value
    /// (progenitor's `encode_path`), sent to a server on this machine: the
    /// slashes reach the wire as `%2F`, in one segment, not as a deeper path.
    #[tokio::test]
    async fn a_slash_in_a_marked_parameter_is_sent_percent_encoded() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                head.extend_from_slice(&buf[..n]);
            }
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                .await
                .unwrap();
            String::from_utf8(head).unwrap()
        });
        let referensi = "PB/2023/VI/0001";
        check_path_param_may_contain_slash("referensi", referensi).unwrap();
        let url = format!(
            "http://{addr}/jurnal/{}",
            progenitor_client::encode_path(referensi)
        );
        let http = crate::http::build_http_client(&Default::default()).unwrap();
        http.get(&url).send().await.unwrap();
        let head = server.await.unwrap();
        assert!(
            head.starts_with("GET /jurnal/PB%2F2023%2FVI%2F0001 HTTP/1.1\r\n"),
            "{head}"
        );
    }
}
