use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::Error;

/// When and how often a failed call is tried again.
///
/// - At most [`max_attempts`](Self::max_attempts) attempts in all (the first
///   included).
/// - Between attempts: exponential backoff from
///   [`initial_backoff`](Self::initial_backoff), doubling, capped at
///   [`max_backoff`](Self::max_backoff), with "equal jitter" (a random half of
///   the delay) so that many clients do not retry in step.
/// - A `Retry-After` from the vendor (seconds or an HTTP date) replaces the
///   backoff; if it asks for more than [`max_retry_after`](Self::max_retry_after)
///   the call is not retried and the error carries the vendor's wish.
/// - Retried: rate limiting (429), 502/503/504, timeouts and transport errors,
///   for operations that are safe to repeat. An operation that changes state
///   (e.g. creating an order) is retried only when the connection was never
///   made, since otherwise it may already have been carried out.
///
/// ```
/// use std::time::Duration;
/// let policy = mitra_core::RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(100));
/// assert_eq!(policy.get_max_attempts(), 5);
/// let never = mitra_core::RetryPolicy::none();
/// assert_eq!(never.get_max_attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, backoff from 200 ms up to 5 s, `Retry-After` up to 30 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the delay before the first retry.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Sets the longest delay between two attempts.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Sets the longest `Retry-After` the client waits for before retrying.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// The number of attempts in all.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait before attempt `attempt + 1` after `error`, or `None`
    /// when the call must not be retried. `attempt` counts from 1.
    pub fn delay_before_retry(
        &self,
        error: &Error,
        attempt: u32,
        retry_safe: bool,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !error.is_retryable() {
            return None;
        }
        if !retry_safe && !error.certainly_not_sent() {
            return None;
        }
        match error.retry_after() {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempt)),
        }
    }

    /// Backoff before attempt `attempt + 1`: `initial * 2^(attempt-1)`, capped,
    /// then a random value in its upper half.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(16);
        let full = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Reads `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn rate_limited(after: Option<u64>) -> Error {
        Error::RateLimited {
            request_id: None,
            status: Some(429),
            retry_after: after.map(Duration::from_secs),
            message: String::new(),
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));

        let future = SystemTime::now() + Duration::from_secs(120);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(future)).unwrap(),
        );
        let got = retry_after(&h).unwrap();
        assert!(got > Duration::from_secs(110) && got <= Duration::from_secs(120));

        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(
            retry_after(&h),
            Some(Duration::ZERO),
            "a past date means now"
        );

        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(1000));
        for _ in 0..50 {
            let b1 = p.backoff(1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b3 = p.backoff(3);
            assert!(b3 >= Duration::from_millis(200) && b3 <= Duration::from_millis(400));
            let b10 = p.backoff(10);
            assert!(b10 >= Duration::from_millis(500) && b10 <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn honours_retry_after_up_to_the_cap() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        assert_eq!(
            p.delay_before_retry(&rate_limited(Some(3)), 1, true),
            Some(Duration::from_secs(3))
        );
        assert_eq!(p.delay_before_retry(&rate_limited(Some(60)), 1, true), None);
    }

    #[test]
    fn stops_after_max_attempts() {
        let p = RetryPolicy::default().max_attempts(2);
        assert!(p.delay_before_retry(&rate_limited(None), 1, true).is_some());
        assert!(p.delay_before_retry(&rate_limited(None), 2, true).is_none());
        assert!(
            RetryPolicy::none()
                .delay_before_retry(&rate_limited(None), 1, true)
                .is_none()
        );
    }

    #[test]
    fn a_call_that_changes_state_is_retried_only_if_never_sent() {
        let p = RetryPolicy::default();
        let refused = Error::Transport {
            connect: true,
            message: "connection refused".into(),
        };
        let reset = Error::Transport {
            connect: false,
            message: "connection reset".into(),
        };
        let timeout = Error::Timeout {
            message: "timed out".into(),
        };
        assert!(p.delay_before_retry(&refused, 1, false).is_some());
        assert!(p.delay_before_retry(&reset, 1, false).is_none());
        assert!(p.delay_before_retry(&timeout, 1, false).is_none());
        assert!(
            p.delay_before_retry(&rate_limited(None), 1, false)
                .is_none()
        );
        assert!(p.delay_before_retry(&reset, 1, true).is_some());
    }

    #[test]
    fn client_errors_are_not_retried() {
        let p = RetryPolicy::default();
        let e = Error::Vendor {
            request_id: None,
            status: Some(400),
            code: None,
            message: "bad".into(),
            retry_after: None,
        };
        assert!(p.delay_before_retry(&e, 1, true).is_none());
        let e503 = Error::Vendor {
            request_id: None,
            status: Some(503),
            code: None,
            message: "maintenance".into(),
            retry_after: Some(Duration::from_secs(1)),
        };
        assert_eq!(
            p.delay_before_retry(&e503, 1, true),
            Some(Duration::from_secs(1))
        );
    }
}
