use std::sync::Arc;
use std::time::Duration;

use crate::Error;

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
