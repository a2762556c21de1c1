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
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
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

/// `Basic base64(user:password)`, the value of an `Authorization` header.
pub fn basic_value(user: &SecretString, password: &SecretString) -> String {
    let raw = format!("{}:{}", user.expose_secret(), password.expose_secret());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// `Bearer <token>` as a sensitive header value; `None` if the token is
/// empty or has anything but visible ASCII (RFC 6750's token characters
/// are a subset): such a token is never stored, sent or scrubbed around.
fn bearer_header(token: &str) -> Option<HeaderValue> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let mut header = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
    header.set_sensitive(true);
    Some(header)
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

    /// The headers' names.
    pub fn names(&self) -> impl Iterator<Item = &HeaderName> {
        self.0.iter().map(|(name, _)| name)
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

    /// The parameters' names.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(name, _)| *name)
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
        basic_token_request(http, endpoint, &self.client_id, &self.client_secret)
            .form(&[("grant_type", "client_credentials")])
    }
}

fn basic_token_request(
    http: &reqwest::Client,
    endpoint: &str,
    client_id: &SecretString,
    client_secret: &SecretString,
) -> reqwest::RequestBuilder {
    let mut auth = HeaderValue::from_str(&basic_value(client_id, client_secret))
        .unwrap_or_else(|_| HeaderValue::from_static(""));
    auth.set_sensitive(true);
    http.post(endpoint)
        .header(AUTHORIZATION, auth)
        .header(ACCEPT, "application/json")
}

/// The OAuth2 password grant with the application's credentials as HTTP
/// Basic and a form body `grant_type=password&username=...&password=...`,
/// as WSO2 takes it (the grant Pos Indonesia's partner document shows
/// beside client credentials).
#[derive(Debug, Clone)]
pub struct PasswordGrantBasic {
    client_id: SecretString,
    client_secret: SecretString,
    username: SecretString,
    password: SecretString,
}

impl PasswordGrantBasic {
    /// The application's key and secret, and the user's name and password.
    pub fn new(
        client_id: SecretString,
        client_secret: SecretString,
        username: SecretString,
        password: SecretString,
    ) -> Self {
        Self {
            client_id,
            client_secret,
            username,
            password,
        }
    }
}

impl TokenRequest for PasswordGrantBasic {
    fn build(&self, http: &reqwest::Client, endpoint: &str) -> reqwest::RequestBuilder {
        basic_token_request(http, endpoint, &self.client_id, &self.client_secret).form(&[
            ("grant_type", "password"),
            ("username", self.username.expose_secret()),
            ("password", self.password.expose_secret()),
        ])
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
    /// When to stop using it: a margin before the server's lifetime ends.
    refresh_at: Instant,
    generation: u64,
    /// Its sealed form in the fleet's store, if it is there: what a
    /// compare-and-delete of a rejected token compares.
    #[cfg(feature = "fleet")]
    stored: Option<String>,
}

impl AccessToken {
    /// The token itself, for scrubbing it from vendor text.
    pub(crate) fn token_text(&self) -> &str {
        self.header
            .to_str()
            .unwrap_or_default()
            .trim_start_matches("Bearer ")
    }

    /// The `Authorization` header value (`Bearer <token>`), marked sensitive.
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
    /// Fetches finished (success or failure), and the last one's outcome:
    /// callers that waited for a fetch take its outcome.
    finished: AtomicU64,
    last: std::sync::Mutex<Option<LastFetch>>,
    failure_backoff: Duration,
    secrets: crate::redact::Secrets,
    headers: Option<StaticHeaders>,
    #[cfg(feature = "fleet")]
    shared: Option<(crate::shared::Shared, crate::shared::FleetKey)>,
    slow: &'static SlowPaths,
    /// The endpoint's server and path, for its span and metrics.
    server: (crate::telemetry::Server, Arc<str>),
}

/// The token source's slow paths (fetching, the fleet's store), reached
/// through pointers that only [`TokenSource::new`] names. A program whose
/// clients never make a token source (static keys only) then links none of
/// their code: about 30 KB less in a one-call release binary.
struct SlowPaths {
    token: for<'a> fn(&'a TokenSource) -> BoxFuture<'a, TokenResult>,
    #[cfg(feature = "fleet")]
    invalidate_shared: for<'a> fn(&'a TokenSource, &'a AccessToken) -> BoxFuture<'a, ()>,
}

type TokenResult = Result<Arc<AccessToken>, Error>;

static SLOW_PATHS: SlowPaths = SlowPaths {
    token: |source| source.token_slow().boxed(),
    #[cfg(feature = "fleet")]
    invalidate_shared: |source, rejected| source.invalidate_shared_now(rejected).boxed(),
};

/// The fleet's fetch lock as one process holds it: released by
/// compare-and-delete of its owner value, and released even when the
/// fetching call is dropped halfway (a caller's timeout), so that the next
/// process need not wait out the lock's TTL.
#[cfg(feature = "fleet")]
struct FleetLock {
    shared: crate::shared::Shared,
    name: String,
    owner: String,
    held: bool,
}

#[cfg(feature = "fleet")]
impl FleetLock {
    async fn release(&mut self) {
        if self.held {
            let released = self.shared.state().unlock(&self.name, &self.owner).await;
            // Only now: a call dropped during the unlock leaves it to `Drop`.
            self.held = false;
            self.shared.ok(released);
        }
    }
}

#[cfg(feature = "fleet")]
impl Drop for FleetLock {
    fn drop(&mut self) {
        if !self.held {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (shared, name, owner) = (
                self.shared.clone(),
                std::mem::take(&mut self.name),
                std::mem::take(&mut self.owner),
            );
            runtime.spawn(async move {
                let released = shared.state().unlock(&name, &owner).await;
                shared.ok(released);
            });
        }
    }
}

/// The outcome of the last token fetch.
struct LastFetch {
    at: Instant,
    outcome: Result<Arc<AccessToken>, Error>,
}

/// Lifetimes beyond this are capped: a token is fetched again at least once
/// a year, whatever the server says.
const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// The longest value read back from the fleet's store as a token.
#[cfg(feature = "fleet")]
const MAX_STORED_VALUE: usize = 8 * 1024;

/// What is sealed in the fleet's store for `token`, used for `ttl` from
/// now: `<end, in Unix milliseconds>:<token>`.
#[cfg(feature = "fleet")]
fn stored_value(token: &str, ttl: Duration) -> String {
    let until = unix_millis().saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
    format!("{until}:{token}")
}

#[cfg(feature = "fleet")]
fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The most of a token response read.
const MAX_TOKEN_BODY: u64 = 64 * 1024;

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
    async fn token_slow(&self) -> Result<Arc<AccessToken>, Error> {
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
    fn token_used_for(&self, header: HeaderValue, time: Duration) -> AccessToken {
        let now = Instant::now();
        AccessToken {
            header,
            refresh_at: now.checked_add(time).unwrap_or(now),
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
            #[cfg(feature = "fleet")]
            stored: None,
        }
    }

    /// Shares the token with every process that uses the same `shared`
    /// state and `key` (see [`FleetKey`](crate::shared::FleetKey)): one
    /// fetch for the fleet, through a lock with an owner and a TTL; the
    /// others take the stored token, sealed with `key`. When the shared
    /// state fails, this process fetches its own. Feature `fleet` (which
    /// `redis` includes).
    #[cfg(feature = "fleet")]
    pub fn shared(mut self, shared: crate::shared::Shared, key: crate::shared::FleetKey) -> Self {
        self.shared = Some((shared, key));
        self
    }

    /// A token, fetched (no fleet to share it with in this build).
    #[cfg(not(feature = "fleet"))]
    async fn obtain(&self) -> Result<AccessToken, Error> {
        self.fetch_with_retries().await
    }

    /// A token: the fleet's stored one, or a new one fetched by whoever
    /// takes the fleet's lock first (this process, or another it waits for).
    #[cfg(feature = "fleet")]
    async fn obtain(&self) -> Result<AccessToken, Error> {
        let Some((shared, key)) = &self.shared else {
            return self.fetch_with_retries().await;
        };
        match shared.ok(shared.state().get_token(key.name()).await) {
            None => return self.fetch_with_retries().await,
            Some(found) => {
                shared.recovered();
                if let Some(token) = self.stored_token(key, found) {
                    return Ok(token);
                }
            }
        }
        // Long enough for a fetch with its retries; a holder that dies frees
        // it when the TTL runs out, one that is dropped at once.
        let lock_ttl = Duration::from_secs(30);
        let mut lock = FleetLock {
            shared: shared.clone(),
            name: key.lock_name(),
            owner: crate::shared::lock_owner(),
            held: false,
        };
        let deadline = Instant::now() + lock_ttl;
        loop {
            // Held from the moment the lock is asked for: a call dropped
            // before the answer arrives still releases it (a compare-and-
            // delete of its own owner value is harmless if never taken).
            lock.held = true;
            let taken = shared
                .state()
                .try_lock(&lock.name, &lock.owner, lock_ttl)
                .await;
            lock.held = matches!(taken, Ok(true));
            match shared.ok(taken) {
                None => return self.fetch_with_retries().await,
                Some(true) => {
                    // Another process may have stored a token between the
                    // read above and the lock: no second fetch then.
                    let stored = shared.ok(shared.state().get_token(key.name()).await);
                    if let Some(token) = stored.and_then(|found| self.stored_token(key, found)) {
                        lock.release().await;
                        return Ok(token);
                    }
                    let mut fetched = self.fetch_with_retries().await;
                    if let Ok(token) = &mut fetched {
                        // Stored until this token's refresh point, not its
                        // expiry: the fleet's next fetch then happens a
                        // margin before the token dies, once, under the lock.
                        let ttl = token.refresh_at.saturating_duration_since(Instant::now());
                        if !ttl.is_zero() {
                            let sealed = key.seal(&stored_value(token.token_text(), ttl));
                            let stored = shared.state().put_token(key.name(), &sealed, ttl).await;
                            if shared.ok(stored).is_some() {
                                token.stored = Some(sealed);
                            }
                        }
                    }
                    lock.release().await;
                    return fetched;
                }
                Some(false) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let stored = shared.ok(shared.state().get_token(key.name()).await);
                    if let Some(token) = stored.and_then(|found| self.stored_token(key, found)) {
                        return Ok(token);
                    }
                    if Instant::now() >= deadline {
                        return self.fetch_with_retries().await;
                    }
                }
            }
        }
    }

    /// A token from the fleet's store, which keeps it until its refresh
    /// point (`left` from now): used until then, no second margin taken.
    /// Nothing if it has no time left, more than a token can live (a value
    /// no mitra process wrote), does not open with `key`, or is not a
    /// token.
    #[cfg(feature = "fleet")]
    fn stored_token(
        &self,
        key: &crate::shared::FleetKey,
        found: Option<(String, Duration)>,
    ) -> Option<AccessToken> {
        let (sealed, left) = found?;
        if left.is_zero() || left > MAX_LIFETIME || sealed.len() > MAX_STORED_VALUE {
            return None;
        }
        let Some(opened) = key.open(&sealed) else {
            tracing::debug!("a stored token did not open with this client's key: ignored");
            return None;
        };
        // The token's own end, sealed with it, bounds the store's TTL (which
        // anyone with write access to the store could stretch).
        let (until_ms, token) = opened.split_once(':')?;
        let left = left.min(Duration::from_millis(
            until_ms.parse::<u64>().ok()?.saturating_sub(unix_millis()),
        ));
        if left.is_zero() {
            return None;
        }
        let header = bearer_header(token)?;
        let mut token = self.token_used_for(header, left);
        token.stored = Some(sealed);
        tracing::Span::current().record("mitra.token.outcome", "shared");
        #[cfg(feature = "metrics")]
        crate::telemetry::count_token_fetch(&self.server.0.address, "shared");
        Some(token)
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

    #[cfg(feature = "fleet")]
    async fn invalidate_shared_now(&self, rejected: &AccessToken) {
        if let (Some((shared, key)), Some(stored)) = (&self.shared, &rejected.stored) {
            let deleted = shared.state().delete_token_if(key.name(), stored).await;
            shared.ok(deleted);
        }
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

    async fn fetch_with_retries(&self) -> Result<AccessToken, Error> {
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

/// Re-encodes a form body as a JSON object: the `numeric` fields as
/// numbers (when they read as one), every other as a string (see
/// `RuntimeBuilder::form_as_json`).
pub(crate) fn form_to_json(request: &mut reqwest::Request, numeric: &[&str]) {
    use reqwest::header::{CONTENT_TYPE, HeaderValue};
    let is_form = request.headers().get(CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    let Some(bytes) = request
        .body()
        .and_then(|b| b.as_bytes())
        .filter(|_| is_form)
    else {
        return;
    };
    let object: serde_json::Map<String, serde_json::Value> = url::form_urlencoded::parse(bytes)
        .map(|(k, v)| {
            let number = numeric
                .contains(&&*k)
                .then(|| v.parse::<u64>().ok())
                .flatten();
            let value = match number {
                Some(n) => serde_json::Value::from(n),
                None => serde_json::Value::String(v.into_owned()),
            };
            (k.into_owned(), value)
        })
        .collect();
    let json = serde_json::to_vec(&object).unwrap_or_default();
    *request.body_mut() = Some(json.into());
    request
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
}
