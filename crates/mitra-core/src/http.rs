use std::sync::Arc;
use std::time::Duration;

use crate::{Error, RetryPolicy};

/// Connection settings of the HTTP client a vendor client builds for itself.
///
/// Defaults: 10 s to connect, 30 s for a whole attempt (request and response
/// body). Every attempt is bounded, so no call hangs.
///
/// ```
/// use std::time::Duration;
/// let config = mitra_core::HttpConfig::default().timeout(Duration::from_secs(5));
/// assert_eq!(config.get_timeout(), Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct HttpConfig {
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    /// A proxy of the builder's, instead of the environment's. `Debug`
    /// shows its scheme and host only (its URL may carry a password).
    proxy: Option<crate::config::GivenUrl>,
    /// Private authorities trusted beside the platform's roots (PEM).
    roots: Vec<RootCertificate>,
}

/// A private authority's certificate as given (PEM), checked when the
/// client is built. `Debug` shows its size only.
#[derive(Clone, PartialEq)]
struct RootCertificate(Vec<u8>);

impl std::fmt::Debug for RootCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RootCertificate({} bytes of PEM)", self.0.len())
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            user_agent: concat!("mitra/", env!("CARGO_PKG_VERSION")).to_owned(),
            proxy: None,
            roots: Vec::new(),
        }
    }
}

impl HttpConfig {
    /// Sets the time allowed to open a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the time allowed for one attempt, from sending to the end of the
    /// response body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends every call to another machine through the proxy at `url`
    /// (`http://host:port` or `https://host:port`, with `user:password@`
    /// if the proxy asks for them), instead of the proxies the environment
    /// names (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` are then
    /// not read). A call to this machine (127.0.0.0/8, `::1`, `localhost`)
    /// never goes through it. An `https://` call is tunnelled (`CONNECT`):
    /// TLS and its certificate checks stay end to end, and the proxy sees
    /// the host and port only. Checked when the client is built: a URL
    /// that is not `http`/`https` is an [`Error::Config`].
    ///
    /// ```
    /// let config = mitra_core::HttpConfig::default().proxy("http://proxy.internal:3128");
    /// assert!(mitra_core::build_http_client(&config).is_ok());
    /// assert!(!format!("{config:?}").contains("3128/"));
    /// ```
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into().into());
        self
    }

    /// Trusts the authority whose certificate `pem` is (one or more PEM
    /// `CERTIFICATE` blocks) beside the platform's trust store: for a
    /// vendor's staging host, or a TLS-inspecting corporate proxy, signed by
    /// a private authority. Verification stays on: the server's certificate
    /// must chain to a trusted root and name the host. May be called more
    /// than once. Checked when the client is built: text without a
    /// certificate is an [`Error::Config`]. (Not available on Android,
    /// whose platform verifier takes no extra roots: a configuration error
    /// there.)
    pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.roots.push(RootCertificate(pem.into()));
        self
    }

    /// Whether a proxy or a root certificate was set: settings that a
    /// client of your own (`http_client`) could not honour.
    fn has_network_settings(&self) -> bool {
        self.proxy.is_some() || !self.roots.is_empty()
    }

    /// The time allowed to open a connection.
    pub fn get_connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The time allowed for one attempt.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }
}

#[cfg(feature = "redis")]
fn shared_from_url(
    url: &str,
    allow_plaintext: bool,
    ca_file: Option<&str>,
) -> Result<crate::shared::Shared, Error> {
    use crate::redis::RedisState;
    let state = match ca_file {
        Some(path) => {
            let pem = std::fs::read(path.trim())
                .map_err(|e| Error::config(format!("MITRA_REDIS_CA_FILE: {e}")))?;
            RedisState::with_root_certificate(url, &pem)?
        }
        None if allow_plaintext => RedisState::danger_allow_plaintext(url)?,
        None => RedisState::new(url)?,
    };
    Ok(crate::shared::Shared::new(state))
}

#[cfg(not(feature = "redis"))]
#[cold]
fn no_redis() -> Error {
    Error::config(
        "MITRA_REDIS_URL is set but this build has no Redis support: enable the vendor crate's `redis` feature",
    )
}

/// The longest timeout accepted (a day): longer is a mistake, not a setting.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// Builds the `reqwest::Client` of a vendor client: rustls with the `ring`
/// provider, certificates checked against the platform's trust store,
/// HTTP/1.1, the timeouts of `config`, no redirects (a redirect would resend
/// credentials to wherever the vendor points), gzip and deflate answers
/// asked for and inflated (the runtime's body limit counts inflated bytes).
pub fn build_http_client(config: &HttpConfig) -> Result<reqwest::Client, Error> {
    for (name, value) in [
        ("timeout", config.timeout),
        ("connect timeout", config.connect_timeout),
    ] {
        if value.is_zero() || value > MAX_TIMEOUT {
            return Err(Error::config(format!(
                "the {name} must be more than 0 and at most {} s, not {value:?}",
                MAX_TIMEOUT.as_secs()
            )));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = verifier(&config.roots, provider.clone())?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("TLS versions: {e}")))?
        .dangerous() // the platform verifier does full certificate verification
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(config.connect_timeout)
        .timeout(config.timeout)
        .user_agent(config.user_agent.clone())
        .redirect(reqwest::redirect::Policy::none());
    let builder = match &config.proxy {
        Some(url) => proxy_but_not_for_loopback(builder, url)?,
        None => proxies_but_not_for_loopback(builder),
    };
    builder
        .build()
        .map_err(|e| Error::config(format!("HTTP client: {}", e.without_url())))
}

/// The platform's verifier, trusting `roots` too.
fn verifier(
    roots: &[RootCertificate],
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, Error> {
    let trust_store = |e: rustls::Error| Error::config(format!("TLS trust store: {e}"));
    if roots.is_empty() {
        return rustls_platform_verifier::Verifier::new(provider).map_err(trust_store);
    }
    let mut extra = Vec::new();
    for RootCertificate(pem) in roots {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let before = extra.len();
        for certificate in CertificateDer::pem_slice_iter(pem) {
            extra.push(certificate.map_err(|e| {
                Error::config(format!("the root certificate is not valid PEM: {e}"))
            })?);
        }
        if extra.len() == before {
            return Err(Error::config(
                "the root certificate holds no PEM CERTIFICATE block",
            ));
        }
    }
    #[cfg(not(target_os = "android"))]
    return rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
        .map_err(trust_store);
    #[cfg(target_os = "android")]
    {
        let _ = (extra, provider);
        Err(Error::config(
            "a private root certificate is not supported on Android: install it in the system's store",
        ))
    }
}

/// The builder's proxy for every call, never for a call to this machine
/// (see [`HttpConfig::proxy`]); the environment's proxies are not read.
fn proxy_but_not_for_loopback(
    builder: reqwest::ClientBuilder,
    url: &str,
) -> Result<reqwest::ClientBuilder, Error> {
    // The error never repeats the URL: it may carry the proxy's password.
    let parsed = url::Url::parse(url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| Error::config("the proxy must be an http:// or https:// URL with a host"))?;
    let proxy =
        reqwest::Proxy::custom(move |target| (!is_loopback(target)).then(|| parsed.clone()));
    Ok(builder.no_proxy().proxy(proxy))
}

/// The environment's proxies (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
/// `NO_PROXY`, either case), never for a request to this machine: a
/// plain-`http` call to a local sandbox, gateway or recording proxy would
/// otherwise hand its credentials to whatever the variable points at
/// (reqwest obeys the variables for loopback too).
fn proxies_but_not_for_loopback(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    let var = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    let all = var(&["ALL_PROXY", "all_proxy"]);
    let https = var(&["HTTPS_PROXY", "https_proxy"]).or_else(|| all.clone());
    // `HTTP_PROXY` is not read under CGI (httpoxy): as reqwest does.
    let cgi = std::env::var_os("REQUEST_METHOD").is_some();
    let http = var(&["http_proxy"])
        .or_else(|| (!cgi).then(|| var(&["HTTP_PROXY"])).flatten())
        .or_else(|| all.clone());
    if https.is_none() && http.is_none() {
        return builder.no_proxy();
    }
    let proxy = reqwest::Proxy::custom(move |url| {
        if is_loopback(url) {
            return None;
        }
        match url.scheme() {
            "https" => https.clone(),
            "http" => http.clone(),
            _ => None,
        }
    })
    .no_proxy(reqwest::NoProxy::from_env());
    builder.no_proxy().proxy(proxy)
}

/// `127.0.0.0/8`, `::1`, `::ffff:127.0.0.0/104`, the unspecified addresses,
/// `localhost` (and its subdomains, which RFC 6761 gives to loopback).
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        // `0.0.0.0` and `::` reach this machine too on the usual systems.
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        None => false,
    }
}

/// How a vendor client connects: its timeouts and retry policy, or your own
/// `reqwest::Client`. Every vendor's client builder holds one and exposes it
/// through the setters of [`connection_setters!`](crate::connection_setters).
#[derive(Debug, Clone)]
pub struct Connection {
    http: HttpConfig,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
    max_body: u64,
    allow_http: bool,
    interceptor: Option<crate::intercept::Shared>,
    #[cfg(feature = "fleet")]
    shared: Option<crate::shared::Shared>,
}

impl Default for Connection {
    fn default() -> Self {
        Self {
            http: HttpConfig::default(),
            retry: RetryPolicy::default(),
            http_client: None,
            max_body: crate::body::DEFAULT_MAX_BODY,
            allow_http: false,
            interceptor: None,
            #[cfg(feature = "fleet")]
            shared: None,
        }
    }
}

impl Connection {
    /// Sets the time allowed for one attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http = self.http.timeout(timeout);
        self
    }

    /// Sets the time allowed to connect.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http = self.http.connect_timeout(timeout);
        self
    }

    /// Sets the retry policy.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends calls to other machines through the proxy at `url`; see
    /// [`HttpConfig::proxy`].
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.http = self.http.proxy(url);
        self
    }

    /// Trusts a private authority's certificate (PEM) beside the
    /// platform's roots; see [`HttpConfig::add_root_certificate`].
    pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.http = self.http.add_root_certificate(pem);
        self
    }

    /// Runs `interceptor` on every attempt of every call (see
    /// [`intercept`](crate::intercept)); a second call replaces the first
    /// (a pair `(a, b)` runs both).
    pub fn interceptor(mut self, interceptor: impl crate::intercept::Interceptor) -> Self {
        self.interceptor = Some(crate::intercept::Shared(Arc::new(interceptor)));
        self
    }

    /// Uses this `reqwest::Client` instead of building one.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The default connection, with what the variables say:
    /// `MITRA_DANGER_ALLOW_HTTP=1` allows `http://` to any host (see
    /// [`allow_http`](Self::allow_http)); `MITRA_MAX_BODY_BYTES` sets the body
    /// limit; `MITRA_CA_FILE` names a PEM file of private root certificates
    /// trusted beside the platform's ([`HttpConfig::add_root_certificate`]);
    /// `MITRA_REDIS_URL` shares tokens and rate budgets through Redis
    /// (`rediss://`, with `MITRA_REDIS_CA_FILE` for a private authority's
    /// certificate; or `redis://` to this machine only unless
    /// `MITRA_REDIS_DANGER_ALLOW_PLAINTEXT=1`).
    pub fn from_vars(vars: &crate::config::Vars) -> Result<Self, Error> {
        let mut connection = Self::default();
        if let Some(allow) = vars.optional("MITRA_DANGER_ALLOW_HTTP") {
            connection.allow_http = matches!(allow.trim(), "1" | "true" | "yes");
        }
        #[cfg(not(feature = "redis"))]
        if vars.optional("MITRA_REDIS_URL").is_some() {
            return Err(no_redis());
        }
        #[cfg(feature = "redis")]
        if let Some(url) = vars.optional("MITRA_REDIS_URL") {
            let allow_plaintext = vars
                .optional("MITRA_REDIS_DANGER_ALLOW_PLAINTEXT")
                .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
            let ca_file = vars.optional("MITRA_REDIS_CA_FILE");
            connection.shared = Some(shared_from_url(&url, allow_plaintext, ca_file.as_deref())?);
        }
        if let Some(path) = vars.optional("MITRA_CA_FILE") {
            // The error names the variable, not the path.
            let pem = std::fs::read(path.trim())
                .map_err(|e| Error::config(format!("MITRA_CA_FILE: {e}")))?;
            connection = connection.add_root_certificate(pem);
        }
        if let Some(limit) = vars.optional("MITRA_MAX_BODY_BYTES") {
            connection.max_body = limit
                .trim()
                .parse()
                .map_err(|_| Error::config("MITRA_MAX_BODY_BYTES must be a number of bytes"))?;
        }
        Ok(connection)
    }

    /// Shares tokens and rate budgets with the other processes of a fleet
    /// (feature `fleet`, which `redis` includes).
    #[cfg(feature = "fleet")]
    pub fn shared_state(mut self, shared: crate::shared::Shared) -> Self {
        self.shared = Some(shared);
        self
    }

    /// The fleet's shared state, if configured.
    #[cfg(feature = "fleet")]
    pub fn shared(&self) -> Option<&crate::shared::Shared> {
        self.shared.as_ref()
    }

    /// Sets the most bytes of a success body read.
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body = limit;
        self
    }

    /// Allows `http://` base URLs for hosts other than this machine.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// `url` checked as a base URL ([`config::base_url`](crate::config::base_url)),
    /// `http://` allowed for loopback hosts, or any host if
    /// [`allow_http`](Self::allow_http) was set.
    pub fn base_url(&self, url: &str) -> Result<String, Error> {
        crate::config::checked_base_url(url, self.allow_http)
    }

    /// A runtime builder for `vendor` with this connection's retry policy
    /// and body limit.
    #[doc(hidden)]
    pub fn runtime(&self, vendor: &'static str) -> crate::plumbing::RuntimeBuilder {
        let builder = crate::plumbing::Runtime::builder(vendor)
            .retry(self.retry.clone())
            .max_body_bytes(self.max_body);
        match &self.interceptor {
            Some(interceptor) => builder.interceptor(interceptor.0.clone()),
            None => builder,
        }
    }

    /// Your `reqwest::Client` if you gave one, else one built by
    /// [`build_http_client`] with these settings. A proxy or a root
    /// certificate set beside your own client is an [`Error::Config`]:
    /// your client could not honour them, and they would be ignored.
    pub fn http_client(&self) -> Result<reqwest::Client, Error> {
        match &self.http_client {
            Some(_) if self.http.has_network_settings() => Err(Error::config(
                "proxy and add_root_certificate are settings of the client mitra builds: with http_client(...), set them on your own reqwest::Client",
            )),
            Some(client) => Ok(client.clone()),
            None => build_http_client(&self.http),
        }
    }
}

/// Adds `timeout`, `connect_timeout`, `retry_policy`, `max_body_bytes`,
/// `danger_allow_http`, `proxy`, `add_root_certificate`, `interceptor` and
/// `http_client`
/// (and, feature `redis`, `shared_state`) to a vendor's client builder that has a `connection: mitra_core::Connection`
/// field.
#[macro_export]
macro_rules! connection_setters {
    () => {
        /// Sets the time allowed for one attempt, from sending to the end of
        /// the response body (default 30 s).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.connection = self.connection.timeout(timeout);
            self
        }

        /// Sets the time allowed to connect (default 10 s).
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.connection = self.connection.connect_timeout(timeout);
            self
        }

        /// Sets the retry policy (default [`RetryPolicy::default`](mitra_core::RetryPolicy::default)).
        /// Calls that change state are retried only when they certainly
        /// never reached the vendor, whatever the policy.
        pub fn retry_policy(mut self, retry: $crate::RetryPolicy) -> Self {
            self.connection = self.connection.retry_policy(retry);
            self
        }

        /// Shares OAuth2 tokens and rate budgets with every process of a
        /// fleet through `shared` (e.g. Redis:
        /// `Shared::new(RedisState::new(url)?)`, feature `redis`, or
        /// `MITRA_REDIS_URL` with `from_env`). When it fails, calls go on
        /// with this process's own state.
        // Evaluated in the vendor crate: its `redis` feature turns on
        // mitra-core's, and with it `shared`.
        #[cfg(feature = "redis")]
        pub fn shared_state(mut self, shared: $crate::shared::Shared) -> Self {
            self.connection = self.connection.shared_state(shared);
            self
        }

        /// Sets the most bytes of a response body that is read (default 16
        /// MiB); a larger body fails the call with
        /// [`Error::BodyTooLarge`](mitra_core::Error::BodyTooLarge). Answers
        /// are asked for compressed (`Accept-Encoding: gzip,deflate`) and
        /// the limit counts the inflated bytes, not the compressed ones.
        pub fn max_body_bytes(mut self, limit: u64) -> Self {
            self.connection = self.connection.max_body_bytes(limit);
            self
        }

        /// **Unsafe**: allows an `http://` base URL for a host other than this
        /// machine, so that credentials and data travel in clear. `http://`
        /// to 127.0.0.1, `::1` or `localhost` is always allowed.
        pub fn danger_allow_http(mut self, allow: bool) -> Self {
            self.connection = self.connection.allow_http(allow);
            self
        }

        /// Sends every call to another machine through the proxy at `url`
        /// (`http://host:port`, `user:password@` if it asks), keeping every
        /// other default; the environment's `HTTPS_PROXY`/`HTTP_PROXY`/
        /// `NO_PROXY` are then not read. A call to this machine
        /// (127.0.0.1, `::1`, `localhost`) never goes through it. `https`
        /// calls are tunnelled (`CONNECT`): TLS is checked end to end. A URL
        /// that is not `http(s)://host` fails `build` with
        /// [`Error::Config`](mitra_core::Error::Config).
        pub fn proxy(mut self, url: impl Into<String>) -> Self {
            self.connection = self.connection.proxy(url);
            self
        }

        /// Trusts a private authority's certificate (`pem`: one or more
        /// PEM `CERTIFICATE` blocks) beside the platform's trust store,
        /// keeping every other default: for a staging host or a
        /// TLS-inspecting proxy signed by your own authority. Verification
        /// stays on. Text without a certificate fails `build` with
        /// [`Error::Config`](mitra_core::Error::Config).
        pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
            self.connection = self.connection.add_root_certificate(pem);
            self
        }

        /// Runs `interceptor` on every attempt of every call: before it is
        /// sent (it may add headers, such as a correlation id) and when its
        /// answer arrives (status, headers, latency). It never sees a
        /// credential: it runs before they are set and is given neither the
        /// request's URL, headers or body nor the answer's body. See
        /// [`mitra_core::intercept`](mitra_core::intercept) (re-exported as
        /// this crate's `intercept`) for examples. A second call replaces
        /// the first; a pair `(a, b)` runs both.
        pub fn interceptor(mut self, interceptor: impl $crate::intercept::Interceptor) -> Self {
            self.connection = self.connection.interceptor(interceptor);
            self
        }

        /// Uses your own `reqwest::Client` instead of the one the builder
        /// makes. It **replaces** the transport defaults, which are then
        /// yours to set: the timeouts (10 s to connect, 30 s per attempt,
        /// and `timeout`/`connect_timeout` here are ignored), the refusal to
        /// follow redirects (reqwest follows up to 10, resending headers to
        /// wherever a vendor points), TLS through the platform's verifier,
        /// gzip/deflate, the `User-Agent`, and the rule that a call to this
        /// machine never goes through the environment's proxy. `proxy` and
        /// `add_root_certificate` cannot be combined with it (`build` fails):
        /// prefer them, which keep the defaults. What stays: credentials,
        /// retries, rate limits, the body limit (`max_body_bytes`, counted
        /// after whatever decompression your client does), redaction,
        /// tracing and interceptors. To start from the defaults:
        /// `mitra_core::build_http_client(&mitra_core::HttpConfig::default())`.
        pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
            self.connection = self.connection.with_http_client(client);
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_every_form_of_this_machine_and_nothing_else() {
        for url in [
            "http://127.0.0.1/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
            "http://localhost./",
            "http://api.localhost/",
        ] {
            assert!(is_loopback(&url::Url::parse(url).unwrap()), "{url}");
        }
        for url in [
            "http://127.0.0.1.evil.example/",
            "http://localhost.evil.example/",
            "http://10.0.0.1/",
            "http://[::ffff:10.0.0.1]/",
        ] {
            assert!(!is_loopback(&url::Url::parse(url).unwrap()), "{url}");
        }
    }

    #[test]
    fn absurd_timeouts_are_configuration_errors() {
        for timeout in [Duration::ZERO, Duration::from_secs(2 * 24 * 3600)] {
            let err = build_http_client(&HttpConfig::default().timeout(timeout)).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err:?}");
            let err =
                build_http_client(&HttpConfig::default().connect_timeout(timeout)).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err:?}");
        }
        assert!(build_http_client(&HttpConfig::default()).is_ok());
    }
}
