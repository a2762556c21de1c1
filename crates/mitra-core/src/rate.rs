//! The client-side rate limit: requests evenly spaced.

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tokio::time::Instant;

/// Spaces requests evenly: at most one every `interval`, across every clone
/// of the client and every concurrent call.
pub(crate) struct RateLimiter {
    pub(crate) interval: std::time::Duration,
    pub(crate) next_slot: std::sync::Mutex<Instant>,
    /// The fleet's budget: slots handed out by the shared state, across
    /// every process; this process's own slots when it fails.
    pub(crate) shared: Option<(crate::shared::Shared, String)>,
    /// [`Self::wait_for_slot`], through a pointer that only [`Self::new`]
    /// names: a program whose clients set no rate limit links none of it.
    acquire: for<'a> fn(&'a RateLimiter) -> BoxFuture<'a, ()>,
}

impl RateLimiter {
    /// At most one request every `interval`.
    pub(crate) fn new(interval: std::time::Duration) -> Self {
        Self {
            interval,
            next_slot: std::sync::Mutex::new(Instant::now()),
            shared: None,
            acquire: |limiter| limiter.wait_for_slot().boxed(),
        }
    }

    /// Waits for this caller's slot.
    pub(crate) fn acquire(&self) -> BoxFuture<'_, ()> {
        (self.acquire)(self)
    }

    async fn wait_for_slot(&self) {
        if let Some((shared, key)) = &self.shared
            && let Some(wait) = shared.ok(shared.state().reserve(key, self.interval).await)
        {
            shared.recovered();
            tokio::time::sleep(wait).await;
            return;
        }
        let slot = {
            let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}
