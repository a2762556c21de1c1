//! One attempt of one call: the state that the generated client's hooks
//! read and write, passed to them explicitly.

use std::fmt;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU16, Ordering};

use reqwest::{Request, Response};

use crate::Error;
use crate::auth::AccessToken;
use crate::runtime::Runtime;

/// One attempt of one call, owned by the generated client for the time of
/// that attempt (its hook "inner" value), then handed back to
/// [`Runtime::send`].
///
/// It carries the OAuth2 token chosen for this attempt and records what
/// the hooks saw (the status, a vendor error inside a success body). A
/// generated client can only be built from an `Attempt`, and an `Attempt`
/// only by the runtime, so no request leaves without auth and tracing.
pub struct Attempt {
    runtime: Runtime,
    /// The operation's id, for the tolerant reader's reports.
    operation: &'static str,
    token: Option<Arc<AccessToken>>,
    status: AtomicU16,
    /// 1 for the call's first attempt, 2 for the next, ...
    number: u32,
    // Boxed, like the secret values below: set on few attempts, and an
    // `Attempt` is moved into and out of every call's future (the two
    // boxes take it from 176 to 96 bytes).
    error_in_success: OnceLock<Box<Error>>,
    /// The operation's fields, when some are secret; their values, read
    /// from the request as it leaves.
    secret_fields: &'static [crate::Field],
    secret_values: OnceLock<Box<[String]>>,
}

/// The shape of an answer whose type is not known: no field is named, so
/// every value in an object shows only its kind.
static NO_FIELD_KNOWN: crate::tolerant::Shape = crate::tolerant::Shape::Object {
    fields: &[],
    open: false,
};

impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attempt")
            .field("vendor", &self.runtime.vendor())
            .field("has_token", &self.token.is_some())
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl Attempt {
    pub(crate) fn new(
        runtime: Runtime,
        operation: &'static str,
        token: Option<Arc<AccessToken>>,
        secret_fields: &'static [crate::Field],
        number: u32,
    ) -> Self {
        Self {
            runtime,
            operation,
            token,
            status: AtomicU16::new(0),
            number,
            error_in_success: OnceLock::new(),
            secret_fields,
            secret_values: OnceLock::new(),
        }
    }

    /// The secrets known only for this attempt: its access token, and the
    /// values of the request's secret fields.
    pub(crate) fn extra_secrets(&self) -> Vec<&str> {
        let mut extra: Vec<&str> = self
            .token()
            .map(AccessToken::token_text)
            .into_iter()
            .collect();
        if let Some(values) = self.secret_values.get() {
            extra.extend(values.iter().map(String::as_str));
        }
        extra
    }

    /// The vendor's name.
    pub(crate) fn vendor(&self) -> &'static str {
        self.runtime.vendor()
    }

    /// The operation's id.
    pub(crate) fn operation(&self) -> &'static str {
        self.operation
    }

    /// The token this attempt sends, if the vendor uses OAuth2.
    pub(crate) fn token(&self) -> Option<&AccessToken> {
        self.token.as_deref()
    }

    /// The HTTP status seen, if a response came.
    pub(crate) fn status(&self) -> Option<u16> {
        Some(self.status.load(Ordering::Relaxed)).filter(|s| *s != 0)
    }

    pub(crate) fn take_error_in_success(&mut self) -> Option<Error> {
        self.error_in_success.take().map(|error| *error)
    }

    /// Pre-send hook of the generated client: auth, fixed headers,
    /// sensitive marks, the vendor's rewrite.
    pub fn prepare(&self, request: &mut Request) {
        // Marked fields nested in a JSON body (a receiver's name in an
        // order) are looked for too: a vendor's error may quote them.
        let marked = self.runtime.marked();
        let nested = !marked.is_empty()
            && request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .is_some_and(|b| b.first() == Some(&b'{'));
        if !self.secret_fields.is_empty() || nested {
            let values = secret_values(self.secret_fields, &marked, request);
            let _ = self.secret_values.set(values.into_boxed_slice());
        }
        if let Some(options) = self.runtime.options() {
            options.apply(request);
        }
        if let Some(interceptor) = self.runtime.interceptor() {
            // Before the credentials: it is given an empty map, not the request.
            let method = request.method().clone();
            let mut headers = reqwest::header::HeaderMap::new();
            interceptor.before_send(&self.info(&method), &mut headers);
            // The message's framing and destination are the client's.
            for name in FRAMING {
                headers.remove(name);
            }
            request.headers_mut().extend(headers);
        }
        self.runtime.prepare(request, self.token.as_deref());
    }

    /// Whether the answer's headers are kept (for `with_response`).
    pub(crate) fn keeps_headers(&self) -> bool {
        self.runtime
            .options()
            .is_some_and(|o| o.options().captures())
    }

    /// A success body that did not decode: the call's error (the vendor's
    /// error inside it, else [`Error::Decode`]) with the request id of its
    /// `headers`, recorded unless an error was found already.
    #[cold]
    pub(crate) fn decode_failed(
        &self,
        status: reqwest::StatusCode,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        error: &serde_json::Error,
    ) {
        if self.error_in_success.get().is_some() {
            return;
        }
        let extra = self.extra_secrets();
        let error = self
            .runtime
            .error_in_success(status, body, &extra)
            .unwrap_or_else(|| Error::Decode {
                request_id: None,
                status: Some(status.as_u16()),
                // The message is the tolerant reader's: a pointer and kinds.
                message: crate::error::scrub_serde(error),
            })
            .with_request_id(self.runtime.request_id(headers, &extra));
        let _ = self.error_in_success.set(Box::new(error));
    }

    /// This attempt, as an interceptor is told of it.
    fn info<'m>(&self, method: &'m http::Method) -> crate::intercept::AttemptInfo<'m> {
        crate::intercept::AttemptInfo {
            vendor: self.runtime.vendor(),
            operation: self.operation,
            method,
            attempt: self.number,
        }
    }

    /// Send hook of the generated client: sends, records the status, bounds
    /// the success body to the client's limit, and for vendors that need it
    /// looks for an error inside a success body. (Error bodies are read,
    /// bounded, when they are decoded.)
    // Not an `async fn`: the request is handed to reqwest before the
    // future is made, so the future holds reqwest's 16-byte `Pending`, not
    // the request twice (an `async fn` keeps its arguments and their moved
    // copies); the rare paths (DEBUG tracing, a body read whole for an
    // error inside a success) are boxed futures of their own. Every call's
    // future is moved a few times, and smaller is fewer bytes copied.
    pub fn execute<'a>(
        &'a self,
        client: &reqwest::Client,
        request: Request,
    ) -> impl Future<Output = reqwest::Result<Response>> + 'a {
        // At DEBUG (`mitra -v`) the exchange itself is shown, redacted.
        let traced = tracing::enabled!(tracing::Level::DEBUG);
        if traced {
            self.trace_request(&request);
        }
        // Only for an interceptor: the clock (it is told the latency) and the
        // method, boxed (8 bytes in every call's future, not 40).
        let intercepted = self
            .runtime
            .interceptor()
            .map(|_| Box::new((request.method().clone(), std::time::Instant::now())));
        let pending = client.execute(request);
        async move {
            let response = pending.await?;
            let status = response.status();
            self.status.store(status.as_u16(), Ordering::Relaxed);
            if let Some(sent) = intercepted {
                self.intercepted(&sent.0, sent.1, &response);
            }
            if traced || !status.is_success() || self.runtime.decoder().inspects_success() {
                return Ok(Box::pin(self.after_send_slow(response, traced)).await);
            }
            Ok(self.bounded_success(response))
        }
    }

    /// Tells the interceptor of the answer.
    #[cold]
    fn intercepted(&self, method: &http::Method, sent_at: std::time::Instant, response: &Response) {
        if let Some(interceptor) = self.runtime.interceptor() {
            let answer = crate::intercept::Answer {
                status: response.status(),
                headers: response.headers(),
                latency: sent_at.elapsed(),
            };
            interceptor.after_response(&self.info(method), &answer);
        }
    }

    /// A success body that no decoder needs to look into: bounded by the
    /// client's limit on its way to the decoder.
    fn bounded_success(&self, response: Response) -> Response {
        let status = response.status();
        let limit = self.runtime.max_body();
        match response.content_length() {
            Some(n) if n > limit => self.fail(Error::BodyTooLarge { limit }, status),
            // A declared length bounds the body (the connection reads no
            // more), so the response goes on as it is: no copy, no wrap.
            // A compressed answer never gets here: reqwest inflates gzip and
            // deflate and then knows no length (its `Content-Length` was the
            // compressed body's), so the inflated bytes are counted below.
            Some(_) => response,
            // No length (chunked, or inflated): streamed to the decoder
            // through a limit; reading past it fails there.
            None => {
                let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
                let limited = http_body_util::Limited::new(
                    body,
                    usize::try_from(limit).unwrap_or(usize::MAX),
                );
                Response::from(http::Response::from_parts(
                    parts,
                    reqwest::Body::wrap(limited),
                ))
            }
        }
    }

    /// What a response needs beyond [`bounded_success`](Self::bounded_success):
    /// shown at DEBUG, an error status passed on as it is (its body is read,
    /// bounded, when it is decoded), or a success body read whole to look
    /// for the vendor's error inside it.
    async fn after_send_slow(&self, response: Response, traced: bool) -> Response {
        let status = response.status();
        // A success answer is shown when it is decoded (`trace_answer`).
        let response = if traced && !status.is_success() {
            match self.trace_response(response).await {
                Ok(response) => response,
                Err(error) => return self.fail(error, status),
            }
        } else {
            response
        };
        if !status.is_success() {
            return response;
        }
        let decoder = self.runtime.decoder();
        if !decoder.inspects_success() {
            return self.bounded_success(response);
        }
        let limit = self.runtime.max_body();
        let version = response.version();
        let headers = response.headers().clone();
        let url = response.url().clone();
        let body = match crate::body::read_limited(response, limit).await {
            Ok(body) => body,
            Err(error) => return self.fail(error, status),
        };
        // The secrets to scrub are gathered only for a body that is an error.
        if decoder.error_in_success(status, &body).is_some()
            && let Some(error) = self
                .runtime
                .error_in_success(status, &body, &self.extra_secrets())
        {
            let request_id = self.runtime.request_id(&headers, &self.extra_secrets());
            let _ = self
                .error_in_success
                .set(Box::new(error.with_request_id(request_id)));
        }
        rebuilt(status, version, headers, url, body)
    }

    /// A DEBUG event of the request as it leaves: its headers, credentials
    /// and sensitive ones redacted, and the start of its body, credentials
    /// scrubbed and long digit runs (a NIK) masked. Method and URL template
    /// are the call span's (the real URL may carry personal data or keys).
    fn trace_request(&self, request: &Request) {
        let headers = self.shown_headers(request.headers());
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .map(|b| self.shown_body(b))
            .unwrap_or_default();
        tracing::debug!(
            http.request.method = %request.method(),
            http.request.headers = %headers,
            http.request.body = %body,
            "request"
        );
    }

    /// Reads the response (bounded by the client's limit), shows it as
    /// [`trace_request`](Self::trace_request) shows the request, and hands
    /// it on rebuilt from the bytes read.
    async fn trace_response(&self, response: Response) -> Result<Response, Error> {
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let url = response.url().clone();
        let body = crate::body::read_limited(response, self.runtime.max_body()).await?;
        tracing::debug!(
            http.response.status_code = status.as_u16(),
            http.response.headers = %self.shown_headers(&headers),
            http.response.body = %self.shown_body(&body),
            "response"
        );
        Ok(rebuilt(status, version, headers, url, body))
    }

    /// The DEBUG event of a success answer, shown when it is decoded (the
    /// only place its type's `shape` is known): see [`trace_answer`].
    pub(crate) fn trace_answer(
        &self,
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        shape: Option<&'static crate::tolerant::Shape>,
    ) {
        trace_answer(
            &self.runtime,
            &self.extra_secrets(),
            (status, headers, body),
            shape,
        );
    }

    /// `name: value; ...`, a sensitive or credential-bearing header's value
    /// redacted, every other scrubbed and masked.
    fn shown_headers(&self, headers: &reqwest::header::HeaderMap) -> String {
        shown_headers(&self.runtime, headers, &self.extra_secrets())
    }

    /// The start of a body, as [`shown_body`] shows it.
    fn shown_body(&self, body: &[u8]) -> String {
        shown_body(&self.runtime, body, &self.extra_secrets())
    }

    /// Records `error` for the runtime and hands the generated code an empty
    /// response (which it then fails to decode; the recorded error wins).
    fn fail(&self, error: Error, status: reqwest::StatusCode) -> Response {
        let _ = self.error_in_success.set(Box::new(error));
        let mut empty = http::Response::new(reqwest::Body::from(Vec::new()));
        *empty.status_mut() = status;
        Response::from(empty)
    }
}

/// The DEBUG event of a success answer `(status, headers, body)`: its body
/// as [`shown_body`] shows one, with the value of every field that `shape`
/// (the answer's type's; `None`: not known, no field is) does not name shown
/// as its kind only: a vendor may put anything under a name no spec lists
/// (a receiver's phone).
pub(crate) fn trace_answer(
    runtime: &Runtime,
    extra: &[&str],
    (status, headers, body): (u16, &reqwest::header::HeaderMap, &[u8]),
    shape: Option<&'static crate::tolerant::Shape>,
) {
    let shape = shape.unwrap_or(&NO_FIELD_KNOWN);
    let shown = match std::str::from_utf8(body) {
        Ok(text) if crate::json_text::is_json(text) => shown_body(
            runtime,
            crate::known_fields::mask_unnamed(text, shape).as_bytes(),
            extra,
        ),
        _ => shown_body(runtime, body, extra),
    };
    tracing::debug!(
        http.response.status_code = status,
        http.response.headers = %shown_headers(runtime, headers, extra),
        http.response.body = %shown,
        "response"
    );
}

/// `name: value; ...`, a sensitive or credential-bearing header's value
/// redacted, every other scrubbed and masked.
fn shown_headers(
    runtime: &Runtime,
    headers: &reqwest::header::HeaderMap,
    extra: &[&str],
) -> String {
    crate::redact::shown_header_lines(runtime.secrets(), headers, extra).join("; ")
}

/// The start of a body: credentials scrubbed from the whole first (so a
/// cut cannot split one), the spec's personal and secret fields masked,
/// then the vendor's excerpt (cut and masked, or withheld by a vendor whose
/// bodies hold personal data, as PAFI's do).
fn shown_body(runtime: &Runtime, body: &[u8], extra: &[&str]) -> String {
    let scrubbed = runtime.secrets().scrub_bytes(body, extra);
    // The spec's personal and secret fields masked, structure kept.
    let masked = runtime.marked().mask(&scrubbed);
    runtime.decoder().excerpt(masked.as_bytes())
}

/// Headers an interceptor may not set: a wrong `Content-Length` or
/// `Transfer-Encoding` would corrupt the request's framing, and `Host` would
/// send it (and its credentials) to another virtual host.
const FRAMING: [http::HeaderName; 4] = [
    http::header::CONTENT_LENGTH,
    http::header::TRANSFER_ENCODING,
    http::header::HOST,
    http::header::CONNECTION,
];

/// The values of the secret and personal `fields` in `request`: its query,
/// and its body as a form or a JSON object; in a JSON body also every field
/// `marked` names, at any depth (a receiver's name in an order). The body
/// is parsed once.
fn secret_values(
    fields: &[crate::Field],
    marked: &crate::redact::Marked,
    request: &Request,
) -> Vec<String> {
    let secret = |name: &str| {
        fields
            .iter()
            .any(|f| (f.secret || f.personal) && f.name == name)
    };
    let mut values: Vec<String> = request
        .url()
        .query_pairs()
        .filter(|(k, _)| secret(k))
        .map(|(_, v)| v.into_owned())
        .collect();
    let Some(body) = request.body().and_then(reqwest::Body::as_bytes) else {
        return values;
    };
    match std::str::from_utf8(body) {
        Ok(text) if crate::json_text::is_json(text) => {
            // Secret fields at the top, marked ones at any depth.
            crate::json_text::strings_under(
                text,
                |key, depth| (depth == 1 && secret(key)) || marked.replacement(key).is_some(),
                &mut values,
            );
        }
        _ => values.extend(
            url::form_urlencoded::parse(body)
                .filter(|(k, _)| secret(k))
                .map(|(_, v)| v.into_owned()),
        ),
    }
    values
}

/// A response made again from the bytes read: status, version, headers and
/// URL as they were (the URL says whether it came from this machine).
fn rebuilt(
    status: reqwest::StatusCode,
    version: http::Version,
    headers: http::HeaderMap,
    url: url::Url,
    body: Vec<u8>,
) -> Response {
    use reqwest::ResponseBuilderExt;
    let mut response = http::Response::new(reqwest::Body::from(body));
    *response.status_mut() = status;
    *response.version_mut() = version;
    *response.headers_mut() = headers;
    // The URL rides in an extension that only reqwest's builder sets (a
    // builder with nothing else cannot fail).
    if let Ok(with_url) = http::Response::builder().url(url).body(()) {
        response
            .extensions_mut()
            .extend(with_url.into_parts().0.extensions);
    }
    Response::from(response)
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    /// Every call's future holds an `Attempt` and is moved a few times: the
    /// interceptor's attempt number fits in what was padding; the runtime's
    /// per-call options (`with_options`) are its one word more.
    #[test]
    fn an_attempt_stays_104_bytes() {
        assert_eq!(std::mem::size_of::<super::Attempt>(), 104);
    }
}
