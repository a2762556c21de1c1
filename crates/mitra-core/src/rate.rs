//! The client-side rate limit: requests evenly spaced.

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tokio::time::Instant;

/// Spaces requests evenly: at most one every `interval`, across every clone
/// of the client and every concurrent call.
pub(crate) struct RateLimiter {
    pub(crate) interval: std::time::Duration,
    /// The vendor, for the rate-limit metrics.
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    vendor: &'static str,
    pub(crate) next_slot: std::sync::Mutex<Instant>,
    /// The fleet's budget: slots handed out by the shared state, across
    /// every process; this process's own slots when it fails.
    #[cfg(feature = "fleet")]
    pub(crate) shared: Option<(crate::shared::Shared, String)>,
    /// [`Self::wait_for_slot`], through a pointer that only [`Self::new`]
    /// names: a program whose clients set no rate limit links none of it.
    acquire: for<'a> fn(&'a RateLimiter) -> BoxFuture<'a, ()>,
}

/// The longest wait for a slot of a fleet's budget of one call every
/// `interval`: a thousand slots (callers queued across the fleet), at
/// least a second. A longer answer is no budget a mitra fleet keeps (a
/// planted value, a clock that stepped back): the store resets it, and this
/// process uses its own slots meanwhile.
#[cfg(feature = "fleet")]
pub(crate) fn max_shared_wait(interval: std::time::Duration) -> std::time::Duration {
    std::time::Duration::from_secs(1).max(interval.saturating_mul(1000))
}

impl RateLimiter {
    /// At most one request every `interval`.
    pub(crate) fn new(interval: std::time::Duration, vendor: &'static str) -> Self {
        Self {
            interval,
            vendor,
            next_slot: std::sync::Mutex::new(Instant::now()),
            #[cfg(feature = "fleet")]
            shared: None,
            acquire: |limiter| limiter.wait_for_slot().boxed(),
        }
    }

    /// Waits for this caller's slot.
    pub(crate) fn acquire(&self) -> BoxFuture<'_, ()> {
        (self.acquire)(self)
    }

    #[cfg(feature = "fleet")]
    fn max_shared_wait(&self) -> std::time::Duration {
        max_shared_wait(self.interval)
    }

    async fn wait_for_slot(&self) {
        #[cfg(feature = "fleet")]
        if let Some((shared, key)) = &self.shared
            && let Some(wait) = shared.ok(shared.state().reserve(key, self.interval).await)
        {
            shared.recovered();
            if wait <= self.max_shared_wait() {
                #[cfg(feature = "metrics")]
                crate::telemetry::record_rate_wait(self.vendor, wait);
                tokio::time::sleep(wait).await;
                return;
            }
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "the fleet's rate budget answered an impossible wait: this process's own is used"
            );
        }
        let slot = {
            let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        #[cfg(feature = "metrics")]
        crate::telemetry::record_rate_wait(
            self.vendor,
            slot.saturating_duration_since(Instant::now()),
        );
        tokio::time::sleep_until(slot).await;
    }
}
