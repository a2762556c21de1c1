//! Credentials and access tokens.
//!
//! [`Auth`] says how a vendor client authenticates each request. For OAuth2
//! client credentials, [`TokenSource`] fetches the token on first use, caches
//! it, refreshes it a margin before it expires, and lets only one fetch run at
//! a time: concurrent callers wait for that fetch and share its token. How the
//! token is requested is pluggable ([`TokenRequest`]): form body with HTTP
//! Basic ([`ClientCredentialsBasic`], WSO2) or a JSON body with a scope
//! ([`ClientCredentialsJson`], Laravel Passport).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::Engine;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::time::Instant;
use tracing::Instrument;

use crate::decode::{error_from_response, read_error_body};
use crate::{Code, Error, RetryPolicy};

/// How a vendor client authenticates its requests.
#[derive(Clone, Debug, Default)]
pub enum Auth {
    /// No header: credentials travel as request parameters, or none are needed.
    #[default]
    None,
    /// Fixed headers sent with every request, marked sensitive so that they
    /// never show in `Debug` output.
    Headers(StaticHeaders),
    /// Fixed parameters added to every request: to the form body when it is
    /// a form, else to the query string (ELKASSA's `key` and `token`).
    Params(StaticParams),
    /// `Authorization: Bearer` with a token from an OAuth2 token source.
    OAuth2(Arc<TokenSource>),
}

impl Auth {
    /// `Authorization: Bearer <token>` with a token that does not expire.
    pub fn bearer(token: &SecretString) -> Result<Self, Error> {
        Ok(Self::Headers(StaticHeaders::new([(
            AUTHORIZATION,
            &SecretString::from(format!("Bearer {}", token.expose_secret())),
        )])?))
    }

    /// `Authorization: Basic base64(user:password)`.
    pub fn basic(user: &SecretString, password: &SecretString) -> Result<Self, Error> {
        Ok(Self::Headers(StaticHeaders::new([(
            AUTHORIZATION,
            &SecretString::from(basic_value(user, password)),
        )])?))
    }
}

fn basic_value(user: &SecretString, password: &SecretString) -> String {
    let raw = format!("{}:{}", user.expose_secret(), password.expose_secret());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// Fixed, sensitive request headers. `Debug` shows the header names only.
#[derive(Clone)]
pub struct StaticHeaders(Arc<[(HeaderName, HeaderValue)]>);

impl StaticHeaders {
    /// Headers from name/secret pairs; a value that is not a valid header
    /// value is a configuration error (its text is not repeated).
    pub fn new<'a>(
        pairs: impl IntoIterator<Item = (HeaderName, &'a SecretString)>,
    ) -> Result<Self, Error> {
        let mut out = Vec::new();
        for (name, secret) in pairs {
            let mut value = HeaderValue::from_str(secret.expose_secret()).map_err(|_| {
                Error::config(format!(
                    "the value for header {name} has invalid characters"
                ))
            })?;
            value.set_sensitive(true);
            out.push((name, value));
        }
        Ok(Self(out.into()))
    }

    /// Sets every header on `headers`.
    pub fn apply(&self, headers: &mut reqwest::header::HeaderMap) {
        for (name, value) in self.0.iter() {
            headers.insert(name.clone(), value.clone());
        }
    }
}

impl fmt::Debug for StaticHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(n, _)| (n.as_str(), "[REDACTED]")))
            .finish()
    }
}

/// Fixed, secret request parameters. `Debug` shows their names only.
#[derive(Clone)]
pub struct StaticParams(Arc<[(&'static str, SecretString)]>);

impl StaticParams {
    /// Parameters from name/secret pairs.
    pub fn new(pairs: impl IntoIterator<Item = (&'static str, SecretString)>) -> Self {
        Self(pairs.into_iter().collect())
    }

    /// Adds every parameter to `request`: appended to a form body, else to
    /// the query string.
    pub fn apply(&self, request: &mut reqwest::Request) {
        let is_form = request
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .is_some_and(|v| {
                v.as_bytes()
                    .starts_with(b"application/x-www-form-urlencoded")
            });
        let form = request
            .body()
            .and_then(|b| b.as_bytes())
            .filter(|_| is_form)
            .map(<[u8]>::to_vec);
        match form {
            Some(mut body) => {
                let mut extra = url::form_urlencoded::Serializer::new(String::new());
                for (name, value) in self.0.iter() {
                    extra.append_pair(name, value.expose_secret());
                }
                if !body.is_empty() {
                    body.push(b'&');
                }
                body.extend_from_slice(extra.finish().as_bytes());
                *request.body_mut() = Some(body.into());
            }
            None => {
                let mut query = request.url_mut().query_pairs_mut();
                for (name, value) in self.0.iter() {
                    query.append_pair(name, value.expose_secret());
                }
            }
        }
    }
}

impl fmt::Debug for StaticParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(n, _)| (*n, "[REDACTED]")))
            .finish()
    }
}

/// Builds the HTTP request that asks a token endpoint for a token.
///
/// Implement it for a token endpoint that wants something other than the two
/// built-in styles.
pub trait TokenRequest: Send + Sync + fmt::Debug + 'static {
    /// The request to send to `endpoint` (the token URL).
    fn build(&self, http: &reqwest::Client, endpoint: &str) -> reqwest::RequestBuilder;
}

/// OAuth2 client credentials as WSO2 API Manager takes them:
/// `grant_type=client_credentials` form-urlencoded, with HTTP Basic
/// `base64(client_id:client_secret)`.
#[derive(Debug, Clone)]
pub struct ClientCredentialsBasic {
    client_id: SecretString,
    client_secret: SecretString,
}

impl ClientCredentialsBasic {
    /// The consumer key and secret of the application.
    pub fn new(client_id: SecretString, client_secret: SecretString) -> Self {
        Self {
            client_id,
            client_secret,
        }
    }
}

impl TokenRequest for ClientCredentialsBasic {
    fn build(&self, http: &reqwest::Client, endpoint: &str) -> reqwest::RequestBuilder {
        let mut auth = HeaderValue::from_str(&basic_value(&self.client_id, &self.client_secret))
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        auth.set_sensitive(true);
        http.post(endpoint)
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials")])
    }
}

/// OAuth2 client credentials in a JSON body with a scope, as Laravel Passport
/// takes them: `{"grant_type", "client_id", "client_secret", "scope"}`.
#[derive(Debug, Clone)]
pub struct ClientCredentialsJson {
    client_id: SecretString,
    client_secret: SecretString,
    scope: String,
}

impl ClientCredentialsJson {
    /// The client id and secret, and the scope to ask for.
    pub fn new(
        client_id: SecretString,
        client_secret: SecretString,
        scope: impl Into<String>,
    ) -> Self {
        Self {
            client_id,
            client_secret,
            scope: scope.into(),
        }
    }
}

impl TokenRequest for ClientCredentialsJson {
    fn build(&self, http: &reqwest::Client, endpoint: &str) -> reqwest::RequestBuilder {
        http.post(endpoint)
            .header(ACCEPT, "application/json")
            .json(&serde_json::json!({
                "grant_type": "client_credentials",
                "client_id": self.client_id.expose_secret(),
                "client_secret": self.client_secret.expose_secret(),
                "scope": self.scope,
            }))
    }
}

/// An access token and when to stop using it.
pub struct AccessToken {
    header: HeaderValue,
    refresh_at: Instant,
    generation: u64,
}

impl AccessToken {
    /// `Bearer <token>`, marked sensitive.
    pub fn authorization(&self) -> &HeaderValue {
        &self.header
    }

    fn fresh(&self) -> bool {
        Instant::now() < self.refresh_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[REDACTED]")
            .field("generation", &self.generation)
            .finish()
    }
}

/// An OAuth2 client-credentials token, fetched lazily, cached, refreshed
/// early, and fetched by one caller at a time.
///
/// - The first [`token`](Self::token) call fetches; later calls reuse the
///   cached token until `refresh_margin` before the `expires_in` the server
///   gave (a number or a string such as `"86400"`; the server's value is
///   trusted, since WSO2 returns the *remaining* lifetime of a reused token).
/// - When the token is missing or stale, one caller fetches while the others
///   wait for its result: 1,000 concurrent first calls make one request.
/// - [`invalidate`](Self::invalidate) drops a token the vendor rejected, but
///   only if no newer one has replaced it already.
/// - Failed fetches are retried within the [`RetryPolicy`].
pub struct TokenSource {
    endpoint: String,
    request: Box<dyn TokenRequest>,
    http: reqwest::Client,
    retry: RetryPolicy,
    refresh_margin: Duration,
    default_lifetime: Duration,
    cached: RwLock<Option<Arc<AccessToken>>>,
    fetch_lock: tokio::sync::Mutex<()>,
    generation: AtomicU64,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("request", &self.request)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

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
        Self {
            endpoint: endpoint.into(),
            request: Box::new(request),
            http,
            retry: RetryPolicy::default(),
            refresh_margin: Duration::from_secs(60),
            default_lifetime: Duration::from_secs(3600),
            cached: RwLock::new(None),
            fetch_lock: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
        }
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
    pub async fn token(&self) -> Result<Arc<AccessToken>, Error> {
        if let Some(token) = self.cached_fresh() {
            return Ok(token);
        }
        let _only_fetcher = self.fetch_lock.lock().await;
        // Whoever held the lock before us may have fetched already.
        if let Some(token) = self.cached_fresh() {
            return Ok(token);
        }
        let token = Arc::new(
            self.fetch_with_retries()
                .instrument(tracing::debug_span!("mitra.token"))
                .await?,
        );
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
        Ok(token)
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

    async fn fetch_with_retries(&self) -> Result<AccessToken, Error> {
        let mut attempt = 1;
        loop {
            let started = Instant::now();
            let result = self.fetch().await;
            let latency_ms = started.elapsed().as_millis() as u64;
            match result {
                Ok(token) => {
                    tracing::debug!(attempt, latency_ms, "token fetched");
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
        let response = self
            .request
            .build(&self.http, &self.endpoint)
            .send()
            .await
            .map_err(crate::runtime::from_reqwest)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(crate::runtime::from_reqwest)?;
        if !status.is_success() {
            let read = read_error_body(&headers, &body);
            // RFC 6749 §5.2: a bad client or grant is a credentials problem,
            // whether the server says 400 or 401.
            let credentials = matches!(
                read.code.as_deref(),
                Some("invalid_client" | "invalid_grant" | "unauthorized_client")
            );
            return Err(if credentials {
                Error::Unauthorized {
                    status: Some(status.as_u16()),
                    code: read.code,
                    message: read.message,
                }
            } else {
                error_from_response(status, &headers, read)
            });
        }
        let parsed: TokenBody = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            status: Some(status.as_u16()),
            message: format!("token response: {}", crate::runtime::scrub_serde(&e)),
            excerpt: "[token response withheld]".into(),
        })?;
        let lifetime = parsed
            .expires_in
            .as_ref()
            .and_then(|c| c.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(self.default_lifetime);
        let margin = self.refresh_margin.min(lifetime / 2);
        let mut header = HeaderValue::from_str(&format!("Bearer {}", parsed.access_token))
            .map_err(|_| Error::Decode {
                status: Some(status.as_u16()),
                message: "the access token has characters not allowed in a header".into(),
                excerpt: "[token response withheld]".into(),
            })?;
        header.set_sensitive(true);
        Ok(AccessToken {
            header,
            refresh_at: Instant::now() + lifetime - margin,
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
        })
    }
}
