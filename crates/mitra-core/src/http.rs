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
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            user_agent: concat!("mitra/", env!("CARGO_PKG_VERSION")).to_owned(),
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

    /// The time allowed to open a connection.
    pub fn get_connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The time allowed for one attempt.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }
}

/// Builds the `reqwest::Client` of a vendor client: rustls with the `ring`
/// provider, certificates checked against the platform's trust store,
/// HTTP/1.1, the timeouts of `config`, no redirects (a redirect would resend
/// credentials to wherever the vendor points).
pub fn build_http_client(config: &HttpConfig) -> Result<reqwest::Client, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| Error::config(format!("TLS trust store: {e}")))?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("TLS versions: {e}")))?
        .dangerous() // the platform verifier does full certificate verification
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(config.connect_timeout)
        .timeout(config.timeout)
        .user_agent(config.user_agent.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::config(format!("HTTP client: {}", e.without_url())))
}

/// How a vendor client connects: its timeouts and retry policy, or your own
/// `reqwest::Client`. Every vendor's client builder holds one and exposes it
/// through the setters of [`connection_setters!`](crate::connection_setters).
#[derive(Debug, Clone, Default)]
pub struct Connection {
    http: HttpConfig,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
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

    /// Uses this `reqwest::Client` instead of building one.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Your `reqwest::Client` if you gave one, else one built by
    /// [`build_http_client`] with these timeouts.
    pub fn http_client(&self) -> Result<reqwest::Client, Error> {
        match &self.http_client {
            Some(client) => Ok(client.clone()),
            None => build_http_client(&self.http),
        }
    }
}

/// Adds `timeout`, `connect_timeout`, `retry_policy` and `http_client` to a
/// vendor's client builder that has a `connection: mitra_core::Connection`
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

        /// Uses your own `reqwest::Client` (proxy, custom roots, ...) instead
        /// of the one the builder makes. What you give up: the builder's
        /// timeouts (10 s to connect, 30 s per attempt) and its refusal to
        /// follow redirects are not applied: set them on your client
        /// (`mitra_core::build_http_client` makes one with them).
        pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
            self.connection = self.connection.with_http_client(client);
            self
        }
    };
}
