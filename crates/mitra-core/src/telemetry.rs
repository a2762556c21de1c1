//! What a call tells the operator: spans in OpenTelemetry's HTTP client
//! names, events at levels that mean something, and (feature `metrics`)
//! metrics on the [`metrics`](https://docs.rs/metrics) facade, so that any
//! exporter (Prometheus, OpenTelemetry, StatsD) can take them.
//!
//! Spans (all at INFO, so that an OpenTelemetry layer sees them with the
//! usual filter; a `fmt` layer shows them only as context of events):
//!
//! | span | when | fields |
//! |---|---|---|
//! | `mitra.call` (OpenTelemetry name `GET /akun/{kode}`) | one per call | `http.request.method`, `url.template`, `server.address`, `server.port`, `http.response.status_code`, `error.type`, `http.request.resend_count`, `mitra.vendor`, `mitra.operation`, `otel.kind`, `otel.status_code` |
//! | `mitra.attempt` | one per attempt, a child of the call | `http.request.resend_count`, `http.response.status_code`, `error.type` |
//! | `mitra.token` | one per token fetch (with its retries) | `url.template`, `server.address`, `mitra.token.outcome` (`fetched`, `shared`, `failed`), `error.type` |
//!
//! Events: a call that finally fails is one WARN (error kind, vendor,
//! operation, attempts, the scrubbed message); a failed token endpoint is one
//! WARN saying so; a retry is INFO (the vendor misbehaved but the call may
//! still succeed: visible in production logs at the default level, not an
//! alarm); a success and each attempt's details are DEBUG; a Redis
//! fallback is a DEBUG event, and the loss of Redis one WARN per loss.
//!
//! No credential, personal data or query value is in any span, field or
//! event: paths are templates, messages are scrubbed and masked.
//!
//! Metrics (feature `metrics`; without it none of this is compiled):
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `http.client.request.duration` | histogram, seconds, one per attempt | `http.request.method`, `url.template`, `server.address`, `server.port`, `http.response.status_code`, `error.type`, `mitra.vendor`, `mitra.operation` |
//! | `mitra.client.retries` | counter | `mitra.vendor`, `mitra.operation`, `error.type` |
//! | `mitra.client.failures` | counter, calls that finally failed | `mitra.vendor`, `mitra.operation`, `error.type` |
//! | `mitra.token.fetches` | counter | `server.address` (the token endpoint's), `mitra.token.outcome` |
//! | `mitra.rate_limit.waits` | counter, calls that waited for a slot | `mitra.vendor` |
//! | `mitra.rate_limit.wait.duration` | histogram, seconds | `mitra.vendor` |
//! | `mitra.shared.fallbacks` | counter, operations on the fleet's store that fell back to this process | — |

use std::sync::Arc;

/// Where a client sends its calls: `server.address` and `server.port`.
#[derive(Debug, Clone)]
pub struct Server {
    /// The host of the base URL.
    pub address: Arc<str>,
    /// Its port (the scheme's default when the URL gives none).
    pub port: u16,
}

impl Server {
    /// The server of `base_url`; an empty address when it is not a URL.
    pub fn of(base_url: &str) -> Self {
        let parsed = url::Url::parse(base_url).ok();
        Self {
            address: parsed
                .as_ref()
                .and_then(|u| u.host_str())
                .unwrap_or_default()
                .into(),
            port: parsed
                .as_ref()
                .and_then(url::Url::port_or_known_default)
                .unwrap_or(0),
        }
    }
}

/// One attempt's duration, status and outcome for
/// `http.client.request.duration`.
#[cfg(feature = "metrics")]
pub(crate) struct AttemptMetric<'a> {
    pub op: &'a crate::Operation,
    pub vendor: &'static str,
    pub server: Option<&'a Server>,
    pub status: Option<u16>,
    pub error_type: Option<&'static str>,
    pub seconds: f64,
}

#[cfg(feature = "metrics")]
pub(crate) fn record_attempt(m: AttemptMetric<'_>) {
    let (address, port) = m
        .server
        .map(|s| (s.address.to_string(), s.port.to_string()))
        .unwrap_or_default();
    let mut labels = vec![
        ("http.request.method", m.op.method.to_owned()),
        ("url.template", m.op.path.to_owned()),
        ("server.address", address),
        ("server.port", port),
        ("mitra.vendor", m.vendor.to_owned()),
        ("mitra.operation", m.op.id.to_owned()),
    ];
    if let Some(status) = m.status {
        labels.push(("http.response.status_code", status.to_string()));
    }
    if let Some(error) = m.error_type {
        labels.push(("error.type", error.to_owned()));
    }
    metrics::histogram!("http.client.request.duration", &labels).record(m.seconds);
}

#[cfg(feature = "metrics")]
pub(crate) fn count_call_outcome(
    name: &'static str,
    vendor: &'static str,
    op: &crate::Operation,
    error_type: &'static str,
) {
    metrics::counter!(
        name,
        "mitra.vendor" => vendor,
        "mitra.operation" => op.id,
        "error.type" => error_type
    )
    .increment(1);
}

#[cfg(feature = "metrics")]
pub(crate) fn count_token_fetch(server: &str, outcome: &'static str) {
    metrics::counter!(
        "mitra.token.fetches",
        "server.address" => server.to_owned(),
        "mitra.token.outcome" => outcome
    )
    .increment(1);
}

#[cfg(feature = "metrics")]
pub(crate) fn record_rate_wait(vendor: &'static str, wait: std::time::Duration) {
    if !wait.is_zero() {
        metrics::counter!("mitra.rate_limit.waits", "mitra.vendor" => vendor).increment(1);
        metrics::histogram!("mitra.rate_limit.wait.duration", "mitra.vendor" => vendor)
            .record(wait.as_secs_f64());
    }
}

#[cfg(all(feature = "metrics", feature = "fleet"))]
pub(crate) fn count_shared_fallback() {
    metrics::counter!("mitra.shared.fallbacks").increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_is_the_base_urls_host_and_port() {
        let s = Server::of("https://api.sempoa.example/v1");
        assert_eq!((&*s.address, s.port), ("api.sempoa.example", 443));
        let s = Server::of("http://127.0.0.1:8080/x");
        assert_eq!((&*s.address, s.port), ("127.0.0.1", 8080));
        assert_eq!(Server::of("nonsense").port, 0);
    }
}
