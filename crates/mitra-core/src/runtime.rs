//! The runtime of a vendor client: what every call shares (auth, retry
//! policy, error decoder, secrets, limits) and what it puts on a request.
//! The loop a call runs with it is `send.rs`.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName};
use reqwest::{Request, StatusCode};

use crate::auth::{AccessToken, Auth, StaticHeaders};
use crate::decoder::{ErrorDecoder, GenericDecoder};
use crate::rate::RateLimiter;
use crate::redact::Secrets;
use crate::{Error, RetryPolicy};

/// ELKASSA's rewrite of a form body as JSON (`RuntimeBuilder::form_as_json`).
type FormAsJson = fn(&mut Request, &[&str]);

/// The shared state of one vendor client: what the generated client's hooks
/// and the hand-written layer use to send each call.
///
/// Cloning is cheap (one `Arc`).
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<Inner>,
    /// Options of a client view (`client.with_options(...)`): `None` for
    /// the client itself, so that a call without them costs nothing more.
    // Behind a trait object made only by `with_options`: a program that
    // never calls it holds none of the options' code. Boxed inside the
    // `Arc`: a thin pointer, the attempt one word larger.
    pub(crate) options: Option<Arc<Box<dyn crate::options::Applied>>>,
}

/// What every view of a client shares. Its fields are the crate's: the
/// call loop (`send.rs`) reads them as it did when it lived here.
pub(crate) struct Inner {
    pub(crate) vendor: &'static str,
    pub(crate) auth: Auth,
    pub(crate) retry: RetryPolicy,
    pub(crate) decoder: Box<dyn ErrorDecoder>,
    pub(crate) sensitive_headers: Vec<HeaderName>,
    pub(crate) extra_headers: Option<StaticHeaders>,
    /// Form bodies sent as JSON objects, these fields as numbers.
    // A function pointer set by `form_as_json`: its code is in a program
    // only when a vendor calls that (ELKASSA), not in every one.
    pub(crate) form_as_json: Option<(FormAsJson, &'static [&'static str])>,
    pub(crate) interceptor: Option<Arc<dyn crate::intercept::Interceptor>>,
    pub(crate) rate_limiter: Option<RateLimiter>,
    pub(crate) secrets: Secrets,
    pub(crate) max_body: u64,
    pub(crate) marked: crate::redact::Marked,
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
    /// [`DEFAULT_MAX_BODY`](crate::body::DEFAULT_MAX_BODY), 16 MiB); past it the call fails with
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
                max_body: crate::body::DEFAULT_MAX_BODY,
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
    /// added before, by `Attempt::prepare`.)
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
        crate::options::request_id(headers, &self.inner.secrets, extra)
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
}
