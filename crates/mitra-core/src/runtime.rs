//! The loop around every generated call: auth, retries, error decoding, tracing.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::header::{AUTHORIZATION, HeaderName};
use reqwest::{Request, Response, StatusCode};
use tokio::time::Instant;
use tracing::Instrument;

use crate::attempt::Attempt;
use crate::auth::{AccessToken, Auth, StaticHeaders};
use crate::decoder::{ErrorDecoder, GenericDecoder};
use crate::rate::RateLimiter;
use crate::redact::Secrets;
use crate::{Error, Operation, RetryPolicy};

/// The most of an error body that is read to decode it.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The most bytes of a success body a client reads unless configured
/// otherwise.
pub const DEFAULT_MAX_BODY: u64 = 16 * 1024 * 1024;

/// ELKASSA's rewrite of a form body as JSON (`RuntimeBuilder::form_as_json`).
type FormAsJson = fn(&mut Request, &[&str]);

/// The shared state of one vendor client: what the generated client's hooks
/// and the hand-written layer use to send each call.
///
/// Cloning is cheap (one `Arc`).
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
    /// Options of a client view (`client.with_options(...)`): `None` for
    /// the client itself, so that a call without them costs nothing more.
    // Behind a trait object made only by `with_options`: a program that
    // never calls it holds none of the options' code.
    // Boxed inside the `Arc`: a thin pointer, the attempt one word larger.
    options: Option<Arc<Box<dyn crate::options::Applied>>>,
}

struct Inner {
    vendor: &'static str,
    auth: Auth,
    retry: RetryPolicy,
    decoder: Box<dyn ErrorDecoder>,
    sensitive_headers: Vec<HeaderName>,
    extra_headers: Option<StaticHeaders>,
    /// Form bodies sent as JSON objects, these fields as numbers.
    // A function pointer set by `form_as_json`: its code is in a program
    // only when a vendor calls that (ELKASSA), not in every one.
    form_as_json: Option<(FormAsJson, &'static [&'static str])>,
    interceptor: Option<Arc<dyn crate::intercept::Interceptor>>,
    rate_limiter: Option<RateLimiter>,
    secrets: Secrets,
    max_body: u64,
    marked: crate::redact::Marked,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("vendor", &self.inner.vendor)
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Runtime`]; see [`Runtime::builder`].
pub struct RuntimeBuilder {
    inner: Inner,
}

impl RuntimeBuilder {
    /// Sets how requests authenticate (default: [`Auth::None`]).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.inner.auth = auth;
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.inner.retry = retry;
        self
    }

    /// Sets the vendor's error decoder (default: [`GenericDecoder`]).
    pub fn decoder(mut self, decoder: impl ErrorDecoder) -> Self {
        self.inner.decoder = Box::new(decoder);
        self
    }

    /// Marks a request header as sensitive, so that it never shows in
    /// `Debug` output (e.g. a password header that the spec declares).
    pub fn sensitive_header(mut self, name: HeaderName) -> Self {
        self.inner.sensitive_headers.push(name);
        self
    }

    /// Sends these fixed headers with every request (after auth), marked
    /// sensitive: settings such as a partner's user and password headers.
    pub fn headers(mut self, headers: StaticHeaders) -> Self {
        self.inner.extra_headers = Some(headers);
        self
    }

    /// The credentials to scrub from any vendor text that becomes part of an
    /// error or a log line.
    pub fn secrets(mut self, secrets: Secrets) -> Self {
        self.inner.secrets = secrets;
        self
    }

    /// The most bytes of a success body read (default
    /// [`DEFAULT_MAX_BODY`], 16 MiB); past it the call fails with
    /// [`Error::BodyTooLarge`].
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.inner.max_body = limit;
        self
    }

    /// The fields the vendor's spec marks personal and secret: their values
    /// are masked wherever a body is shown (`-v`, trace events).
    pub fn marked(mut self, marked: crate::redact::Marked) -> Self {
        self.inner.marked = marked;
        self
    }

    /// Sends every form body as a JSON object instead, credentials
    /// included (ELKASSA takes either), the `numeric` fields as numbers
    /// when they read as one. A rule of the wire, named: no vendor code
    /// rewrites a request that carries credentials.
    pub fn form_as_json(mut self, numeric: &'static [&'static str]) -> Self {
        self.inner.form_as_json = Some((crate::auth::form_to_json, numeric));
        self
    }

    /// Runs `interceptor` on every attempt (see [`crate::intercept`]).
    pub fn interceptor(mut self, interceptor: Arc<dyn crate::intercept::Interceptor>) -> Self {
        self.inner.interceptor = Some(interceptor);
        self
    }

    /// Sends at most `per_second` requests a second (retries included),
    /// evenly spaced, so that a client stays under a vendor's rate limit
    /// instead of tripping it. Callers beyond the rate wait their turn.
    /// A rate that is not a positive finite number, or so low that its
    /// interval does not fit a `Duration`, sets no limit (vendor builders
    /// refuse such rates with [`Error::Config`] before they get here).
    pub fn rate_limit(mut self, per_second: f64) -> Self {
        let vendor = self.inner.vendor;
        self.inner.rate_limiter = (per_second.is_finite() && per_second > 0.0)
            .then(|| std::time::Duration::try_from_secs_f64(1.0 / per_second).ok())
            .flatten()
            .map(|interval| RateLimiter::new(interval, vendor));
        self
    }

    /// Shares the rate limit of [`rate_limit`](Self::rate_limit) with every
    /// process that uses the same `shared` state and `key`: the fleet as a
    /// whole stays under the rate. (Set the rate first.) Feature `fleet`
    /// (which `redis` includes).
    #[cfg(feature = "fleet")]
    pub fn shared_rate_limit(
        mut self,
        shared: crate::shared::Shared,
        key: &crate::shared::FleetKey,
    ) -> Self {
        if let Some(limiter) = self.inner.rate_limiter.as_mut() {
            limiter.shared = Some((shared, key.name().to_owned()));
        }
        self
    }

    /// The runtime.
    pub fn build(self) -> Runtime {
        Runtime {
            inner: Arc::new(self.inner),
            options: None,
        }
    }
}

impl Runtime {
    /// A runtime for `vendor` (a short name used in logs).
    pub fn builder(vendor: &'static str) -> RuntimeBuilder {
        RuntimeBuilder {
            inner: Inner {
                vendor,
                auth: Auth::None,
                retry: RetryPolicy::default(),
                decoder: Box::new(GenericDecoder),
                sensitive_headers: Vec::new(),
                extra_headers: None,
                form_as_json: None,
                interceptor: None,
                secrets: Secrets::default(),
                max_body: DEFAULT_MAX_BODY,
                rate_limiter: None,
                marked: crate::redact::Marked::default(),
            },
        }
    }

    /// The same runtime (token, rate budget, everything shared) whose
    /// calls also follow `options`, added to any this one already has.
    /// Options that would set credentials are refused here and reported
    /// by every call ([`Error::Validation`]).
    pub fn with_options(&self, options: crate::options::CallOptions) -> Runtime {
        let mut headers: Vec<&HeaderName> = self.inner.sensitive_headers.iter().collect();
        let mut params: Vec<&str> = Vec::new();
        match &self.inner.auth {
            Auth::Headers(fixed) => headers.extend(fixed.names()),
            Auth::Params(fixed) => params.extend(fixed.names()),
            Auth::None | Auth::OAuth2(_) => {}
        }
        if let Some(extra) = &self.inner.extra_headers {
            headers.extend(extra.names());
        }
        let options = match &self.options {
            Some(earlier) => earlier.options().clone().merged(options),
            None => options,
        };
        Runtime {
            inner: self.inner.clone(),
            options: Some(Arc::new(Box::new(options.checked(&headers, &params)))),
        }
    }

    /// The options of this client view, if any.
    pub(crate) fn options(&self) -> Option<&dyn crate::options::Applied> {
        self.options.as_deref().map(|boxed| &**boxed)
    }

    /// The vendor's short name.
    pub fn vendor(&self) -> &'static str {
        self.inner.vendor
    }

    /// How requests authenticate.
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Sets what every request carries: the credentials of [`Auth`] (the
    /// OAuth2 `token` of this attempt, if any), the fixed headers, sensitive
    /// marks, then the vendor's rewrite. (An interceptor's headers are
    /// added before, by [`Attempt::prepare`].)
    pub(crate) fn prepare(&self, request: &mut Request, token: Option<&AccessToken>) {
        match &self.inner.auth {
            Auth::None => {}
            Auth::Headers(fixed) => fixed.apply(request.headers_mut()),
            Auth::Params(params) => params.apply(request),
            Auth::OAuth2(_) => {
                if let Some(token) = token {
                    request
                        .headers_mut()
                        .insert(AUTHORIZATION, token.authorization().clone());
                }
            }
        }
        let headers = request.headers_mut();
        if let Some(extra) = &self.inner.extra_headers {
            extra.apply(headers);
        }
        for name in &self.inner.sensitive_headers {
            if let Some(value) = headers.get_mut(name) {
                value.set_sensitive(true);
            }
        }
        if let Some((form_to_json, numeric)) = self.inner.form_as_json {
            form_to_json(request, numeric);
        }
    }

    /// The vendor's request id in an answer's `headers`, scrubbed of the
    /// credentials and `extra` like any vendor text.
    pub(crate) fn request_id(
        &self,
        headers: &reqwest::header::HeaderMap,
        extra: &[&str],
    ) -> Option<String> {
        crate::options::request_id(headers).map(|id| self.inner.secrets.scrub(&id, extra))
    }

    /// The credentials scrubbed from whatever is shown.
    pub(crate) fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    /// The fields the spec marks personal and secret.
    pub fn marked(&self) -> crate::redact::Marked {
        self.inner.marked
    }

    /// The vendor's error decoder.
    pub(crate) fn decoder(&self) -> &dyn ErrorDecoder {
        self.inner.decoder.as_ref()
    }

    /// The interceptor, if one is set.
    pub(crate) fn interceptor(&self) -> Option<&dyn crate::intercept::Interceptor> {
        self.inner.interceptor.as_deref()
    }

    /// The most bytes of a success body read.
    pub(crate) fn max_body(&self) -> u64 {
        self.inner.max_body
    }

    /// Runs one operation: `attempt` makes one call of the generated client
    /// with the [`Attempt`] it is given (the generated client's hooks read
    /// its token and record its status), hands the attempt back with the
    /// result, and is called again for each retry.
    ///
    /// Before each attempt an OAuth2 token is obtained (cached, or fetched
    /// once for all concurrent callers). A rejected token (401) is dropped and
    /// the call is sent once more with a fresh one, never more. Retryable
    /// failures are retried per the [`RetryPolicy`], for operations that are
    /// [`retry_safe`](Operation::retry_safe) or when the request certainly
    /// never left. Every attempt is a tracing event with the operation, path
    /// template, status, latency and attempt number, and no secret.
    // Not an `async fn`: one layer less of future to move on every call.
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
        self.send_to(None, op, attempt)
    }

    /// [`send`](Self::send), with the server the call goes to for its span
    /// and metrics (`server.address`, `server.port`).
    pub fn send_to<'a, T, E, F, Fut>(
        &'a self,
        server: Option<&'a crate::telemetry::Server>,
        op: &'a Operation,
        attempt: F,
    ) -> impl Future<Output = Result<T, Error>> + 'a
    where
        F: FnMut(Attempt) -> Fut + 'a,
        Fut: Future<Output = (Result<ResponseValue<T>, GenError<E>>, Attempt)> + 'a,
        T: 'a,
        E: 'a,
    {
        let span = self.call_span(server, op);
        self.send_inner(server, op, attempt).instrument(span)
    }

    // The generic half of a call, one copy per operation in a program: it
    // only sends the attempts and hands back their value. Everything else a
    // call does is in the non-generic methods below (one copy in all), so
    // that each operation a program uses costs its own request and decode,
    // and little more.
    async fn send_inner<T, E, F, Fut>(
        &self,
        server: Option<&crate::telemetry::Server>,
        op: &Operation,
        attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = (Result<ResponseValue<T>, GenError<E>>, Attempt)>,
    {
        let mut sent = 0u32;
        let outcome = self.attempts(server, op, attempt, &mut sent).await;
        if let Err(error) = &outcome {
            self.call_failed(op, sent, error);
        } else if sent > 1 {
            self.call_resent(sent);
        }
        outcome
    }

    async fn attempts<T, E, F, Fut>(
        &self,
        server: Option<&crate::telemetry::Server>,
        op: &Operation,
        mut attempt: F,
        sent: &mut u32,
    ) -> Result<T, Error>
    where
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = (Result<ResponseValue<T>, GenError<E>>, Attempt)>,
    {
        let mut refreshed_after_401 = false;
        loop {
            *sent += 1;
            let (context, started) = self.before_attempt(op, *sent).await?;
            let (result, mut context) = attempt(context).await;
            let elapsed = started.at.map(|s| s.elapsed());
            let found_in_success = context.take_error_in_success();
            let error = match (result, found_in_success) {
                (_, Some(error)) => error,
                (Ok(value), None) => {
                    self.attempt_succeeded(
                        server,
                        op,
                        *sent,
                        started.span,
                        elapsed,
                        (value.status(), value.headers()),
                    );
                    return Ok(value.into_inner());
                }
                (Err(e), None) => {
                    let extra = context.extra_secrets();
                    Box::pin(self.classify(e, context.status(), &extra)).await
                }
            };
            // The rest of a failure is not generic and is boxed: one copy
            // in a program, not one per operation, and no room for it in
            // every call's future.
            let failure = Failure {
                server,
                op,
                context: &context,
                sent: *sent,
                elapsed,
                attempt_span: started.span,
            };
            Box::pin(self.after_failure(error, failure, &mut refreshed_after_401)).await?;
        }
    }

    /// The span of a call: OpenTelemetry's HTTP client span.
    fn call_span(
        &self,
        server: Option<&crate::telemetry::Server>,
        op: &Operation,
    ) -> tracing::Span {
        // OpenTelemetry's HTTP client span: named `{method} {url.template}`
        // (`otel.name`), its attributes under the semantic conventions' names.
        // Integers are recorded as i64: OpenTelemetry has no unsigned type
        // (tracing-opentelemetry would write a u64 as text).
        tracing::info_span!(
            "mitra.call",
            otel.name = %format_args!("{} {}", op.method, op.path),
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            http.request.method = op.method,
            url.template = op.path,
            server.address = server.map(|s| &*s.address),
            server.port = server.map(|s| i64::from(s.port)),
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            mitra.vendor = self.inner.vendor,
            mitra.operation = op.id,
        )
    }

    /// What comes before attempt number `sent` of `op`: a token (cached,
    /// or fetched once for all concurrent callers), the rate budget, the
    /// attempt's span and clock.
    async fn before_attempt(&self, op: &Operation, sent: u32) -> Result<(Attempt, Started), Error> {
        if let Some(options) = &self.options
            && sent == 1
        {
            options.check(op)?;
        }
        let token = match &self.inner.auth {
            Auth::OAuth2(source) => Some(source.token().await.map_err(|e| {
                let e = self.inner.secrets.scrub_error(e, &[]).at_token_endpoint();
                tracing::debug!(error = %e, "no token");
                e
            })?),
            _ => None,
        };
        if let Some(limiter) = &self.inner.rate_limiter {
            limiter.acquire().await;
        }
        let span = tracing::info_span!(
            "mitra.attempt",
            http.request.resend_count = i64::from(sent - 1),
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
        );
        // The clock is read only for a subscriber that records latency
        // (or for the metrics, when they are compiled in).
        #[cfg(not(feature = "metrics"))]
        let at = tracing::enabled!(tracing::Level::DEBUG).then(Instant::now);
        #[cfg(feature = "metrics")]
        let at = Some(Instant::now());
        // Fields the spec marks secret (a password) or personal: their values
        // are scrubbed from vendor text like the client's credentials.
        let secret_fields = if op.fields.iter().any(|f| f.secret || f.personal) {
            op.fields
        } else {
            &[]
        };
        let context = Attempt::new(self.clone(), op.id, token, secret_fields, sent);
        Ok((context, Started { span, at }))
    }

    /// An attempt answered with success `status`: recorded on its span and
    /// the call's, as an event, and (feature `metrics`) as a measurement.
    fn attempt_succeeded(
        &self,
        server: Option<&crate::telemetry::Server>,
        op: &Operation,
        sent: u32,
        span: tracing::Span,
        elapsed: Option<std::time::Duration>,
        (status, headers): (StatusCode, &reqwest::header::HeaderMap),
    ) {
        #[cfg(not(feature = "metrics"))]
        let _ = (server, op);
        if let Some(options) = &self.options {
            options.record(self, status, headers, sent);
        }
        let status = status.as_u16();
        let latency_ms = elapsed.map_or(0, |e| e.as_millis() as u64);
        span.record("http.response.status_code", i64::from(status));
        tracing::Span::current().record("http.response.status_code", i64::from(status));
        tracing::debug!(attempt = sent, status, latency_ms, "ok");
        #[cfg(feature = "metrics")]
        crate::telemetry::record_attempt(crate::telemetry::AttemptMetric {
            op,
            vendor: self.inner.vendor,
            server,
            status: Some(status),
            error_type: None,
            seconds: elapsed.unwrap_or_default().as_secs_f64(),
        });
    }

    /// A call that succeeded after `sent` attempts: the resends on its span.
    fn call_resent(&self, sent: u32) {
        // Recorded once, at the end: a field recorded twice is two
        // attributes to an OpenTelemetry layer.
        tracing::Span::current().record("http.request.resend_count", i64::from(sent - 1));
    }

    /// A call that failed after `sent` attempts: on its span, as a WARN
    /// event, and (feature `metrics`) counted.
    fn call_failed(&self, op: &Operation, sent: u32, error: &Error) {
        let call = tracing::Span::current();
        if sent > 1 {
            call.record("http.request.resend_count", i64::from(sent - 1));
        }
        call.record("otel.status_code", "ERROR");
        call.record("error.type", error.kind());
        if let Some(status) = error.status() {
            call.record("http.response.status_code", i64::from(status));
        }
        tracing::warn!(
            error.type = error.kind(),
            mitra.vendor = self.inner.vendor,
            mitra.operation = op.id,
            attempts = sent,
            error = %error,
            "call failed"
        );
        #[cfg(feature = "metrics")]
        crate::telemetry::count_call_outcome(
            "mitra.client.failures",
            self.inner.vendor,
            op,
            error.kind(),
        );
    }

    /// What follows a failed attempt: the error scrubbed of every secret
    /// and classified by the spec's known messages, recorded, then either
    /// `Ok` (send again: a refused token replaced, or a retry after its
    /// delay) or the error to return.
    async fn after_failure(
        &self,
        error: Error,
        failure: Failure<'_>,
        refreshed_after_401: &mut bool,
    ) -> Result<(), Error> {
        let Failure {
            server,
            op,
            context,
            sent,
            elapsed,
            attempt_span,
        } = failure;
        #[cfg(not(feature = "metrics"))]
        let _ = (server, elapsed);
        let latency_ms = elapsed.map_or(0, |e| e.as_millis() as u64);
        // Vendor text may echo a credential or the token back.
        let error = self
            .inner
            .secrets
            .scrub_error(error, &context.extra_secrets());
        // A message the spec documents says what was wrong, typed.
        let error = op
            .errors
            .iter()
            .find_map(|known| known.classify(&error))
            .unwrap_or(error);
        let status = error.status().or(context.status());
        if let Some(status) = status {
            attempt_span.record("http.response.status_code", i64::from(status));
        }
        attempt_span.record("error.type", error.kind());
        drop(attempt_span);
        tracing::debug!(
            attempt = sent,
            status,
            latency_ms,
            error = %error,
            "failed"
        );
        #[cfg(feature = "metrics")]
        crate::telemetry::record_attempt(crate::telemetry::AttemptMetric {
            op,
            vendor: self.inner.vendor,
            server,
            status,
            error_type: Some(error.kind()),
            seconds: elapsed.unwrap_or_default().as_secs_f64(),
        });
        if let (Error::Unauthorized { .. }, Some(token), Auth::OAuth2(source)) =
            (&error, context.token(), &self.inner.auth)
            && !*refreshed_after_401
        {
            // The token is dropped either way. The call is sent once more
            // with a new one only if repeating it is harmless, or if the
            // gateway proves the request never reached the backend.
            *refreshed_after_401 = true;
            source.invalidate(token);
            source.invalidate_shared(token).await;
            if op.retry_safe || self.inner.decoder.rejected_before_backend(&error) {
                tracing::info!(
                    error.type = error.kind(),
                    "the token was refused: sending again with a new one"
                );
                return Ok(());
            }
            return Err(error);
        }
        let policy_attempt = sent - u32::from(*refreshed_after_401);
        if let Some(max) = self
            .options
            .as_ref()
            .and_then(|o| o.options().max_attempts())
            && policy_attempt >= max
        {
            return Err(error);
        }
        match self
            .inner
            .retry
            .delay_before_retry(&error, policy_attempt, op.retry_safe)
        {
            Some(delay) => {
                // INFO: the vendor misbehaved, the call may still succeed.
                tracing::info!(
                    error.type = error.kind(),
                    attempt = sent,
                    delay_ms = delay.as_millis() as u64,
                    "retrying"
                );
                #[cfg(feature = "metrics")]
                crate::telemetry::count_call_outcome(
                    "mitra.client.retries",
                    self.inner.vendor,
                    op,
                    error.kind(),
                );
                tokio::time::sleep(delay).await;
                Ok(())
            }
            None => Err(error),
        }
    }

    /// The vendor error a success body carries, read from the body with
    /// every credential scrubbed first (only when there is an error: a
    /// success costs no scrub).
    pub(crate) fn error_in_success(
        &self,
        status: StatusCode,
        body: &[u8],
        extra: &[&str],
    ) -> Option<Error> {
        let decoder = &self.inner.decoder;
        let error = decoder.error_in_success(status, body)?;
        match self.inner.secrets.scrub_bytes(body, extra) {
            std::borrow::Cow::Borrowed(_) => Some(error),
            std::borrow::Cow::Owned(scrubbed) => decoder.error_in_success(status, &scrubbed),
        }
    }

    async fn classify<E>(
        &self,
        error: GenError<E>,
        status_seen: Option<u16>,
        extra: &[&str],
    ) -> Error {
        match error {
            GenError::ResponseBodyError(e) if exceeded_limit(&e) => Error::BodyTooLarge {
                limit: self.inner.max_body,
            },
            GenError::CommunicationError(e)
            | GenError::ResponseBodyError(e)
            | GenError::InvalidUpgrade(e) => from_reqwest(e),
            GenError::InvalidRequest(message) => Error::validation("request", message),
            GenError::Custom(message) => Error::Transport {
                connect: false,
                message,
            },
            GenError::ErrorResponse(value) => self
                .inner
                .decoder
                .error_response(value.status(), value.headers(), b"")
                .with_request_id(self.request_id(value.headers(), extra)),
            GenError::InvalidResponsePayload(body, e) => {
                let status = status_seen
                    .and_then(|s| StatusCode::from_u16(s).ok())
                    .unwrap_or(StatusCode::OK);
                if let Some(vendor_error) = self.error_in_success(status, &body, extra) {
                    return vendor_error;
                }
                // The message is the tolerant reader's: a pointer and kinds.
                Error::Decode {
                    request_id: None,
                    status: Some(status.as_u16()),
                    message: scrub_serde(&e),
                }
            }
            GenError::UnexpectedResponse(response) => {
                let request_id = self.request_id(response.headers(), extra);
                self.unexpected_response(response, extra)
                    .await
                    .with_request_id(request_id)
            }
        }
    }

    /// The error of an answer the generated client did not expect: an
    /// error status, or a success status the spec does not describe.
    async fn unexpected_response(&self, response: Response, extra: &[&str]) -> Error {
        let status = response.status();
        let headers = response.headers().clone();
        #[cfg(feature = "mock")]
        let url = response.url().clone();
        // Scrubbed before it is cut, and before the decoder reads,
        // cuts or masks it.
        let body = match read_scrubbed(response, &self.inner.secrets, extra).await {
            Ok(body) => body,
            Err(e) => return from_reqwest(e),
        };
        if status.is_success() {
            // At DEBUG: a success the spec does not describe is not
            // decoded, so no field of it is known.
            if tracing::enabled!(tracing::Level::DEBUG) {
                crate::attempt::trace_answer(self, extra, (status.as_u16(), &headers, &body), None);
            }
            if let Some(vendor_error) = self.error_in_success(status, &body, extra) {
                return vendor_error;
            }
            return Error::Decode {
                request_id: None,
                status: Some(status.as_u16()),
                message: "a success status the spec does not describe".into(),
            };
        }
        #[cfg(feature = "mock")]
        if let Some(unmatched) = crate::call::unmatched_mock(&url, status, &headers, &body) {
            return self.inner.secrets.scrub_error(unmatched, extra);
        }
        self.inner.decoder.error_response(status, &headers, &body)
    }
}

/// Whether `error` is a body that grew past the limit set in
/// [`Attempt::execute`].
fn exceeded_limit(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// An attempt's span and, when read, the time it started.
struct Started {
    span: tracing::Span,
    at: Option<Instant>,
}

/// A failed attempt, as [`Runtime::after_failure`] needs it.
struct Failure<'a> {
    server: Option<&'a crate::telemetry::Server>,
    op: &'a Operation,
    context: &'a Attempt,
    sent: u32,
    elapsed: Option<std::time::Duration>,
    attempt_span: tracing::Span,
}

/// The whole body of `response`, or [`Error::BodyTooLarge`] past `limit`
/// bytes (checked against `Content-Length` first, then while reading).
pub(crate) async fn read_limited(mut response: Response, limit: u64) -> Result<Vec<u8>, Error> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(Error::BodyTooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(from_reqwest)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(Error::BodyTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The start of an error body, at most [`MAX_ERROR_BODY`] bytes, with
/// every credential (and each of `extra`) scrubbed *before* it is cut: the
/// read goes on for [`Secrets::echo_reach`] bytes past the bound, so that
/// a secret that straddles the bound is found whole.
async fn read_scrubbed(
    mut response: Response,
    secrets: &Secrets,
    extra: &[&str],
) -> reqwest::Result<Vec<u8>> {
    let wanted = MAX_ERROR_BODY + secrets.echo_reach(extra);
    let mut body = Vec::new();
    let mut more = false;
    while let Some(chunk) = response.chunk().await? {
        let room = wanted - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= wanted {
            // Whether the body goes on is not asked (that would wait for
            // it): a body of exactly this size loses its last bytes.
            more = true;
            break;
        }
    }
    Ok(secrets.scrub_then_cut(&body, more, MAX_ERROR_BODY, extra))
}

/// A reqwest error as an [`Error`], without its URL (which may carry keys).
pub(crate) fn from_reqwest(error: reqwest::Error) -> Error {
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    let message = crate::decode::bounded(&message);
    if error.is_connect() {
        Error::Transport {
            connect: true,
            message,
        }
    } else if error.is_timeout() {
        Error::Timeout { message }
    } else {
        Error::Transport {
            connect: false,
            message,
        }
    }
}

/// A serde error's text without the values it quotes (they come from the
/// vendor's body and may be personal data).
pub(crate) fn scrub_serde(error: &serde_json::Error) -> String {
    crate::decode::bounded(&crate::tolerant::unquoted(&error.to_string()))
}
