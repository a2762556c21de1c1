//! Options for some calls rather than the whole client ([`CallOptions`]),
//! and the answer of a call as well as its value ([`Response`]).
//!
//! Both are reached through a vendor client's generated methods
//! `with_options` and `with_response`: the client they give shares the
//! original's OAuth2 token, rate budget and connection pool.
//!
//! ```text
//! let slow = client.with_options(CallOptions::new().timeout(Duration::from_secs(60)).attempts(1));
//! let answer = slow.with_response(async |c| c.get_akun("1000").await).await?;
//! println!("{} {:?} {:?}", answer.status(), answer.request_id(), answer.elapsed());
//! ```
//!
//! (Compiled and run against a stand-in vendor in `mitra-sempoa`'s tests,
//! `call_options.rs`.)

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Request, StatusCode};

use crate::Error;

/// Options for the calls of one client view (`client.with_options(...)`),
/// on top of the client's own settings. Unset options keep the client's.
///
/// - [`timeout`](Self::timeout): the time each attempt may take (the
///   client's is 30 s by default), shorter or longer;
/// - [`attempts`](Self::attempts): how many attempts at most, `1` for no
///   retry (a refused OAuth2 token is still replaced once: that is not a
///   retry of the vendor's answer);
/// - [`header`](Self::header): an extra header on every attempt; a header
///   that carries credentials (`Authorization`, `Cookie`, the vendor's key
///   headers) is refused: credentials are the client's;
/// - [`query`](Self::query): an extra query field, for one the vendor added
///   before the spec knew it; a name the operation already has, or a
///   credential's, is refused.
///
/// What is refused is an [`Error::Validation`] of the first call, before
/// anything is sent.
#[derive(Clone, Default)]
pub struct CallOptions {
    timeout: Option<Duration>,
    attempts: Option<u32>,
    headers: HeaderMap,
    query: Vec<(String, String)>,
    /// The first option that was not valid, reported by every call.
    invalid: Option<(&'static str, String)>,
    /// Where [`with_response`](crate::options) leaves the answer.
    capture: Option<Capture>,
}

impl fmt::Debug for CallOptions {
    // Header and query values are not shown: they may be an identifier.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("attempts", &self.attempts)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field(
                "query",
                &self.query.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl CallOptions {
    /// No option set: every call as the client makes it.
    pub fn new() -> Self {
        Self::default()
    }

    /// The time each attempt may take, from sending to the whole answer
    /// read (the client's `timeout` otherwise).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// At most `attempts` attempts for each call (`1`: never retried; at
    /// least 1). A call that changes state is never retried once it may
    /// have reached the vendor, whatever this says.
    pub fn attempts(mut self, attempts: u32) -> Self {
        if attempts == 0 {
            self.refuse("attempts", "must be at least 1 (1: no retry)".into());
        }
        self.attempts = Some(attempts);
        self
    }

    /// An extra header on every attempt. Not for credentials (refused).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(mut value)) => {
                // Never shown in a trace: the caller's value may be an
                // identifier of theirs.
                value.set_sensitive(true);
                self.headers.append(name, value);
            }
            (Err(_), _) => self.refuse(
                "header",
                format!("`{}` is not a header name", bounded(name)),
            ),
            (_, Err(_)) => self.refuse(
                "header",
                format!("the value of `{}` is not a header value", bounded(name)),
            ),
        }
        self
    }

    /// An extra query field on every attempt (a field the vendor added
    /// before the spec knew it). Not one the operation already has, nor a
    /// credential's (refused).
    pub fn query(mut self, name: &str, value: &str) -> Self {
        if name.is_empty() {
            self.refuse("query", "a query field needs a name".into());
        }
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// These options with `later`'s on top (a view of a view).
    pub(crate) fn merged(mut self, later: CallOptions) -> Self {
        self.timeout = later.timeout.or(self.timeout);
        self.attempts = later.attempts.or(self.attempts);
        self.headers.extend(later.headers);
        self.query.extend(later.query);
        self.invalid = self.invalid.or(later.invalid);
        self.capture = later.capture.or(self.capture);
        self
    }

    fn refuse(&mut self, option: &'static str, message: String) {
        self.invalid.get_or_insert((option, message));
    }

    /// These options with `capture` added (for `with_response`).
    #[doc(hidden)]
    pub fn capturing(mut self, capture: &Capture) -> Self {
        self.capture = Some(capture.clone());
        self
    }

    /// The options as a client holds them: `None` when none is set, so
    /// that a call without options costs nothing more. Credential headers
    /// and parameters of the client (`credential_headers`,
    /// `credential_params`) are refused here, once.
    pub(crate) fn checked(
        mut self,
        credential_headers: &[&HeaderName],
        credential_params: &[&str],
    ) -> Self {
        const ALWAYS: [HeaderName; 3] = [
            reqwest::header::AUTHORIZATION,
            reqwest::header::PROXY_AUTHORIZATION,
            reqwest::header::COOKIE,
        ];
        let credential = self
            .headers
            .keys()
            .find(|name| ALWAYS.contains(name) || credential_headers.contains(name))
            .map(|name| name.as_str().to_owned());
        if let Some(name) = credential {
            self.refuse(
                "header",
                format!(
                    "`{name}` carries credentials, which are the client's: set them on its builder"
                ),
            );
        }
        let param = self
            .query
            .iter()
            .find(|(name, _)| {
                credential_params
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(name))
            })
            .map(|(name, _)| name.clone());
        if let Some(name) = param {
            self.refuse(
                "query",
                format!(
                    "`{}` carries credentials, which are the client's: set them on its builder",
                    bounded(&name)
                ),
            );
        }
        self
    }

    /// Refused options, as the error every call returns; then a query
    /// field that `op` already has.
    pub(crate) fn check(&self, op: &crate::Operation) -> Result<(), Error> {
        if let Some((option, message)) = &self.invalid {
            return Err(Error::validation(option, message.clone()));
        }
        if let Some((name, _)) = self.query.iter().find(|(name, _)| {
            op.fields
                .iter()
                .any(|f| f.name == name && f.location != "path")
        }) {
            return Err(Error::validation(
                "query",
                format!(
                    "`{}` is a field of {} already: pass it as its argument",
                    bounded(name),
                    op.id
                ),
            ));
        }
        Ok(())
    }

    /// The most attempts, when set.
    pub(crate) fn max_attempts(&self) -> Option<u32> {
        self.attempts
    }

    /// Whether the answer's headers are wanted.
    pub(crate) fn captures(&self) -> bool {
        self.capture.is_some()
    }

    /// Applies the timeout, headers and query fields to one attempt's
    /// request (before the credentials are set).
    pub(crate) fn apply(&self, request: &mut Request) {
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        if !self.headers.is_empty() {
            let headers = request.headers_mut();
            for (name, value) in &self.headers {
                headers.append(name.clone(), value.clone());
            }
        }
        if !self.query.is_empty() {
            let mut pairs = request.url_mut().query_pairs_mut();
            for (name, value) in &self.query {
                pairs.append_pair(name, value);
            }
        }
    }
}

/// What the runtime asks of a client view's options, through a trait
/// object made only by `Runtime::with_options`: none of this code is in a
/// program that never sets options.
pub(crate) trait Applied: Send + Sync {
    /// The options themselves.
    fn options(&self) -> &CallOptions;
    /// Refused options, or a query field `op` already has.
    fn check(&self, op: &crate::Operation) -> Result<(), Error>;
    /// Sets them on one attempt's request.
    fn apply(&self, request: &mut Request);
    /// Keeps a successful attempt's answer for `with_response`.
    fn record(
        &self,
        secrets: &crate::redact::Secrets,
        status: StatusCode,
        headers: &HeaderMap,
        attempts: u32,
    );
}

impl Applied for CallOptions {
    fn options(&self) -> &CallOptions {
        self
    }

    fn check(&self, op: &crate::Operation) -> Result<(), Error> {
        CallOptions::check(self, op)
    }

    fn apply(&self, request: &mut Request) {
        CallOptions::apply(self, request);
    }

    fn record(
        &self,
        secrets: &crate::redact::Secrets,
        status: StatusCode,
        headers: &HeaderMap,
        attempts: u32,
    ) {
        if let Some(capture) = &self.capture {
            let answer = Answered {
                status,
                headers: headers.clone(),
                request_id: request_id(headers, secrets, &[]),
                attempts,
                secrets: secrets.clone(),
            };
            *capture.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(answer);
        }
    }
}

/// A name as an error repeats it: bounded, since it is the caller's text.
fn bounded(name: &str) -> String {
    crate::decode::bounded(name)
}

/// What a successful call's last attempt saw, kept for `with_response`.
#[doc(hidden)]
pub struct Answered {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
    /// The client's credentials, scrubbed from the headers shown.
    pub(crate) secrets: crate::redact::Secrets,
}

/// Where a call leaves its answer for `with_response` (one per use).
#[doc(hidden)]
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Option<Answered>>>);

impl Capture {
    /// An empty one.
    pub fn new() -> Self {
        Self::default()
    }

    /// The answer left by the last call made with it, with `value` and the
    /// time taken; `Error::Config` when no call was made.
    pub fn into_response<T>(self, value: T, elapsed: Duration) -> Result<Response<T>, Error> {
        let answered = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or_else(|| Error::config("with_response: the closure made no call"))?;
        Ok(Response {
            value,
            status: answered.status,
            headers: answered.headers,
            request_id: answered.request_id,
            attempts: answered.attempts,
            elapsed,
            secrets: answered.secrets,
        })
    }
}

/// A call's value with its answer: the status, the headers, the vendor's
/// request id, how many attempts it took and how long (from
/// `client.with_response(...)`).
///
/// `Debug` shows the headers with credentials and the values of fields the
/// spec marks personal redacted; [`headers`](Self::headers) gives them as
/// they came.
pub struct Response<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
    attempts: u32,
    elapsed: Duration,
    secrets: crate::redact::Secrets,
}

impl<T> Response<T> {
    /// The decoded value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded value, owned.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers, as they came.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The vendor's id for this request, when it sent one (`X-Request-Id`,
    /// `X-Correlation-Id`, WSO2's `activityid`, ...): what a vendor's
    /// support desk asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many attempts the call took (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The time the whole call took, retries and their waits included.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// `name: value`, one a header, credentials redacted and the client's
    /// secrets scrubbed (what `Debug` shows, and the `mitra` CLI's
    /// `--include`).
    pub fn shown_headers(&self) -> Vec<String> {
        crate::redact::shown_header_lines(&self.secrets, &self.headers, &[])
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("attempts", &self.attempts)
            .field("elapsed", &self.elapsed)
            .field("headers", &self.shown_headers())
            .field("value", &self.value)
            .finish()
    }
}

/// The headers vendors and gateways put their request id in, most specific
/// first (WSO2 API Manager's `activityid`; AWS's; the common ones).
static REQUEST_ID_HEADERS: [HeaderName; 6] = [
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("x-correlation-id"),
    HeaderName::from_static("request-id"),
    HeaderName::from_static("activityid"),
    HeaderName::from_static("x-amzn-requestid"),
    HeaderName::from_static("x-amz-request-id"),
];

/// The vendor's request id in `headers`, if it sent one that reads as an
/// id: at most 128 characters of letters, digits and `-_.:/+=`. Anything
/// else (it could be an echo of the request) is not kept; what is kept has
/// the client's `secrets` (and `extra`) scrubbed, like any vendor text.
pub(crate) fn request_id(
    headers: &HeaderMap,
    secrets: &crate::redact::Secrets,
    extra: &[&str],
) -> Option<String> {
    if headers.is_empty() {
        return None;
    }
    let value = REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(name))?
        .as_bytes()
        .trim_ascii();
    let id_like = !value.is_empty()
        && value.len() <= 128
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(b));
    // Only ASCII passed: the bytes are text.
    id_like.then(|| secrets.scrub(&String::from_utf8_lossy(value), extra))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(n, v)| {
                (
                    HeaderName::from_static(n),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    fn rid(headers: &HeaderMap) -> Option<String> {
        request_id(headers, &crate::redact::Secrets::default(), &[])
    }

    #[test]
    fn a_request_id_is_read_from_the_usual_headers_and_only_when_it_reads_as_an_id() {
        let id = "3f2c9a1e-77b0-4c1e-9d3a-2b1f0e6c5a4d";
        assert_eq!(rid(&headers(&[("x-request-id", id)])).as_deref(), Some(id));
        assert_eq!(rid(&headers(&[("activityid", id)])).as_deref(), Some(id));
        assert_eq!(
            rid(&headers(&[
                ("x-correlation-id", "abc"),
                ("request-id", "def")
            ]))
            .as_deref(),
            Some("abc")
        );
        // Not an id: spaces, quotes, an echo of something longer.
        assert_eq!(rid(&headers(&[("x-request-id", "Budi Santoso")])), None);
        assert_eq!(rid(&headers(&[("x-request-id", &"a".repeat(129))])), None);
        assert_eq!(rid(&headers(&[("content-type", "x")])), None);
    }

    #[test]
    fn credential_headers_and_params_are_refused_with_a_clear_error() {
        let op = crate::Operation {
            id: "getAkun",
            method: "GET",
            path: "/akun/{kode}",
            retry_safe: true,
            summary: "",
            fields: &[crate::Field {
                name: "limit",
                location: "query",
                required: false,
                kind: "integer",
                help: "",
                default: None,
                personal: false,
                secret: false,
            }],
            example: None,
            errors: &[],
        };
        let key = HeaderName::from_static("x-access-key");
        for options in [
            CallOptions::new().header("Authorization", "Bearer x"),
            CallOptions::new().header("cookie", "a=b"),
            CallOptions::new().header("X-Access-Key", "k"),
        ] {
            let error = options.checked(&[&key], &[]).check(&op).unwrap_err();
            assert!(
                matches!(&error, Error::Validation { field: "header", message } if message.contains("credentials")),
                "{error:?}"
            );
        }
        let error = CallOptions::new()
            .query("Token", "t")
            .checked(&[], &["token"])
            .check(&op)
            .unwrap_err();
        assert!(
            matches!(&error, Error::Validation { field: "query", .. }),
            "{error:?}"
        );
        let error = CallOptions::new()
            .query("limit", "5")
            .checked(&[], &[])
            .check(&op)
            .unwrap_err();
        assert!(error.to_string().contains("field of getAkun"), "{error}");
        let error = CallOptions::new().attempts(0).check(&op).unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Validation {
                    field: "attempts",
                    ..
                }
            ),
            "{error:?}"
        );
        let error = CallOptions::new()
            .header("bad name", "x")
            .check(&op)
            .unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Validation {
                    field: "header",
                    ..
                }
            ),
            "{error:?}"
        );
        // And what is allowed is allowed.
        CallOptions::new()
            .header("x-correlation-id", "order-4711")
            .query("lang", "id")
            .attempts(1)
            .checked(&[&key], &["token"])
            .check(&op)
            .unwrap();
    }
}
