//! The token source's cache: one token, fetched by one caller at a time,
//! refreshed a margin early, its failure shared for a backoff, retried.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::HeaderValue;
use serde::Deserialize;
use tokio::time::Instant;
use tracing::Instrument;

use crate::decode::{error_from_response, read_error_body};
use crate::{Code, Error, RetryPolicy};

use super::*;

/// The most of a token response read.
const MAX_TOKEN_BODY: u64 = 64 * 1024;

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    #[serde(default)]
    expires_in: Option<Code>,
}

impl TokenSource {
    /// A token source for `endpoint` (the full token URL), sending its token
    /// requests with `http`. Refreshes 60 s before expiry by default; a server
    /// that gives no `expires_in` is taken to mean 3600 s.
    pub fn new(
        endpoint: impl Into<String>,
        request: impl TokenRequest,
        http: reqwest::Client,
    ) -> Self {
        let endpoint = endpoint.into();
        let path: Arc<str> = url::Url::parse(&endpoint)
            .map(|u| u.path().to_owned())
            .unwrap_or_default()
            .into();
        Self {
            server: (crate::telemetry::Server::of(&endpoint), path),
            endpoint,
            request: Box::new(request),
            http,
            retry: RetryPolicy::default(),
            refresh_margin: Duration::from_secs(60),
            default_lifetime: Duration::from_secs(3600),
            cached: RwLock::new(None),
            fetch_lock: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            finished: AtomicU64::new(0),
            last: std::sync::Mutex::new(None),
            failure_backoff: Duration::from_secs(1),
            secrets: crate::redact::Secrets::default(),
            headers: None,
            #[cfg(feature = "fleet")]
            shared: None,
            slow: &SLOW_PATHS,
        }
    }

    /// The endpoint's path as the vendor documents it (`/token`), for the
    /// `url.template` of its span: by default the path of the URL given,
    /// which may carry parts of a configured base URL.
    pub fn endpoint_template(mut self, template: &'static str) -> Self {
        self.server.1 = template.into();
        self
    }

    /// Fixed headers sent with every token request too (a partner's user
    /// and password headers), marked sensitive.
    pub fn headers(mut self, headers: StaticHeaders) -> Self {
        self.headers = Some(headers);
        self
    }

    /// Sets how long a failed fetch answers for the endpoint (default 1 s):
    /// calls in that time get the same error at once instead of hammering
    /// an endpoint that just failed.
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.failure_backoff = backoff;
        self
    }

    /// The credentials to scrub from the endpoint's error text (a server
    /// that echoes the client id back).
    pub fn secrets(mut self, secrets: crate::redact::Secrets) -> Self {
        self.secrets = secrets;
        self
    }

    /// Sets how long before expiry a token is replaced. For short-lived
    /// tokens the margin is at most half the lifetime.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Sets the retry policy of token requests.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How many tokens were fetched so far.
    pub fn fetch_count(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    fn cached_fresh(&self) -> Option<Arc<AccessToken>> {
        let guard = self.cached.read().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().filter(|t| t.fresh()).cloned()
    }

    /// A valid token: the cached one, or a new one fetched now (by this caller
    /// or by a concurrent one it waits for).
    ///
    /// One fetch, with its retries, serves every caller waiting on it,
    /// whether it succeeds or fails: a hung endpoint costs them all one
    /// timeout, not one each. A failure is given at once to calls made
    /// within [`failure_backoff`](Self::failure_backoff) of it.
    pub async fn token(&self) -> Result<Arc<AccessToken>, Error> {
        if let Some(token) = self.cached_fresh() {
            return Ok(token);
        }
        (self.slow.token)(self).await
    }

    /// [`token`](Self::token) when the cache has no fresh token.
    pub(super) async fn token_slow(&self) -> Result<Arc<AccessToken>, Error> {
        if let Some(error) = self.recent_failure() {
            return Err(error);
        }
        let seen = self.finished.load(Ordering::Acquire);
        let _only_fetcher = self.fetch_lock.lock().await;
        // A fetch finished while we waited for the lock: its outcome is ours
        // (even a token whose lifetime is 0, which no later call reuses).
        if self.finished.load(Ordering::Acquire) != seen
            && let Some(last) = self.last.lock().unwrap_or_else(|p| p.into_inner()).as_ref()
        {
            return last.outcome.clone();
        }
        if let Some(token) = self.cached_fresh() {
            return Ok(token);
        }
        let span = tracing::info_span!(
            "mitra.token",
            otel.name = %format_args!("POST {}", self.server.1),
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            url.template = &*self.server.1,
            server.address = &*self.server.0.address,
            server.port = i64::from(self.server.0.port),
            mitra.token.outcome = tracing::field::Empty,
            error.type = tracing::field::Empty,
        );
        let outcome = self.obtain().instrument(span.clone()).await.map(Arc::new);
        if let Err(error) = &outcome {
            span.record("mitra.token.outcome", "failed");
            span.record("otel.status_code", "ERROR");
            span.record("error.type", error.kind());
            #[cfg(feature = "metrics")]
            crate::telemetry::count_token_fetch(&self.server.0.address, "failed");
        }
        if let Ok(token) = &outcome {
            *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
        }
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(LastFetch {
            at: Instant::now(),
            outcome: outcome.clone(),
        });
        self.finished.fetch_add(1, Ordering::Release);
        outcome
    }

    /// An access token for `header` that lives `lifetime` from now.
    fn access_token(&self, header: HeaderValue, lifetime: Duration) -> AccessToken {
        let margin = self.refresh_margin.min(lifetime / 2);
        self.token_used_for(header, lifetime - margin)
    }

    /// A new generation of token for `header`, used for `time` from now.
    pub(super) fn token_used_for(&self, header: HeaderValue, time: Duration) -> AccessToken {
        let now = Instant::now();
        AccessToken {
            header,
            refresh_at: now.checked_add(time).unwrap_or(now),
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
            #[cfg(feature = "fleet")]
            stored: None,
        }
    }

    /// A token, fetched (no fleet to share it with in this build).
    #[cfg(not(feature = "fleet"))]
    async fn obtain(&self) -> Result<AccessToken, Error> {
        self.fetch_with_retries().await
    }

    /// After [`invalidate`](Self::invalidate): drops `rejected` from the
    /// fleet's store too (if it is still the stored one), so that the next
    /// call anywhere fetches a new token once for everyone.
    pub async fn invalidate_shared(&self, rejected: &AccessToken) {
        #[cfg(feature = "fleet")]
        if self.shared.is_some() {
            (self.slow.invalidate_shared)(self, rejected).await;
        }
        #[cfg(not(feature = "fleet"))]
        let _ = rejected;
    }

    fn recent_failure(&self) -> Option<Error> {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        match last.as_ref()? {
            LastFetch {
                at,
                outcome: Err(error),
            } if at.elapsed() < self.failure_backoff => Some(error.clone()),
            _ => None,
        }
    }

    /// Drops `rejected` from the cache unless a newer token replaced it.
    pub fn invalidate(&self, rejected: &AccessToken) {
        let mut guard = self.cached.write().unwrap_or_else(|p| p.into_inner());
        if guard
            .as_ref()
            .is_some_and(|t| t.generation == rejected.generation)
        {
            *guard = None;
        }
    }

    pub(super) async fn fetch_with_retries(&self) -> Result<AccessToken, Error> {
        let mut attempt = 1;
        loop {
            let started = Instant::now();
            let result = self
                .fetch()
                .await
                .map_err(|e| self.secrets.scrub_error(e, &[]));
            let latency_ms = started.elapsed().as_millis() as u64;
            match result {
                Ok(token) => {
                    tracing::debug!(attempt, latency_ms, "token fetched");
                    tracing::Span::current().record("mitra.token.outcome", "fetched");
                    #[cfg(feature = "metrics")]
                    crate::telemetry::count_token_fetch(&self.server.0.address, "fetched");
                    return Ok(token);
                }
                Err(error) => {
                    tracing::debug!(attempt, latency_ms, error = %error, "token request failed");
                    match self.retry.delay_before_retry(&error, attempt, true) {
                        Some(delay) => tokio::time::sleep(delay).await,
                        None => return Err(error),
                    }
                    attempt += 1;
                }
            }
        }
    }

    async fn fetch(&self) -> Result<AccessToken, Error> {
        let mut request = self
            .request
            .build(&self.http, &self.endpoint)
            .build()
            .map_err(crate::error::from_reqwest)?;
        if let Some(headers) = &self.headers {
            headers.apply(request.headers_mut());
        }
        let response = self
            .http
            .execute(request)
            .await
            .map_err(crate::error::from_reqwest)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = crate::body::read_limited(response, MAX_TOKEN_BODY).await?;
        if !status.is_success() {
            // Scrubbed before it is read, cut or masked: an echoed credential
            // is then found whole.
            let body = self.secrets.scrub_bytes(&body, &[]);
            return Err(token_error(
                status,
                &headers,
                read_error_body(&headers, &body),
            ));
        }
        let parsed: TokenBody =
            crate::decode::json_from_bytes(&body).map_err(|e| Error::Decode {
                request_id: None,
                status: Some(status.as_u16()),
                message: format!("token response: {}", crate::error::scrub_serde(&e)),
            })?;
        // No or unreadable `expires_in`: the default lifetime. Zero or
        // negative: already expired (used by the calls waiting for this
        // fetch, never cached for later ones). Huge: capped.
        let lifetime = match parsed
            .expires_in
            .as_ref()
            .and_then(|c| c.trim().parse::<f64>().ok())
            .filter(|s| !s.is_nan())
        {
            None => self.default_lifetime,
            Some(seconds) if seconds <= 0.0 => Duration::ZERO,
            Some(seconds) => Duration::try_from_secs_f64(seconds)
                .unwrap_or(MAX_LIFETIME)
                .min(MAX_LIFETIME),
        };
        let header = bearer_header(&parsed.access_token).ok_or_else(|| Error::Decode {
            request_id: None,
            status: Some(status.as_u16()),
            message: "the access token is empty or has characters other than visible ASCII".into(),
        })?;
        Ok(self.access_token(header, lifetime))
    }
}

/// The error for a token endpoint's refusal, in words a user can act on.
///
/// RFC 6749 §5.2: a bad client, grant or client authentication method is a
/// credentials problem, whether the server says 400 or 401. A refused scope
/// (Laravel Passport's 403 `Invalid scope(s) provided.`, OAuth's
/// `invalid_scope`) is forbidden, and says so. A Java
/// `OAuthProblemException{...}` dump in `error_description` (a WSO2 key
/// manager's) is read for its description and error.
fn token_error(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    read: crate::decode::ErrorBody,
) -> Error {
    let crate::decode::ErrorBody {
        mut code,
        mut message,
    } = read;
    if let Some((problem, description)) = oauth_problem(&message) {
        message = crate::decode::bounded(&description);
        code = code.or(Some(problem));
    }
    let http = Some(status.as_u16());
    match code.as_deref() {
        Some(
            "invalid_client"
            | "invalid_grant"
            | "unauthorized_client"
            | "unsupported_client_authentication_method",
        ) => Error::Unauthorized {
            request_id: None,
            status: http,
            code,
            message,
        },
        _ if code.as_deref() == Some("invalid_scope")
            || (status == reqwest::StatusCode::FORBIDDEN
                && message.to_ascii_lowercase().contains("scope")) =>
        {
            Error::Forbidden {
                request_id: None,
                status: http,
                code,
                message: format!("the scope was refused: {message}"),
            }
        }
        _ => error_from_response(status, headers, crate::decode::ErrorBody { code, message }),
    }
}

/// `(error, description)` of a Java `OAuthProblemException{error='...',
/// description='...', ...}` written into a message, if it is one.
fn oauth_problem(message: &str) -> Option<(String, String)> {
    let inside = message.split_once("OAuthProblemException{")?.1;
    let field = |name: &str| {
        let start = inside.find(&format!("{name}='"))? + name.len() + 2;
        let end = start + inside[start..].find('\'')?;
        Some(inside[start..end].trim().to_owned()).filter(|v| !v.is_empty() && v != "null")
    };
    let error = field("error")?;
    let description = field("description").unwrap_or_else(|| error.clone());
    Some((error, description))
}
