//! The client-side rate limit: requests evenly spaced.

use tokio::time::Instant;

/// Spaces requests evenly: at most one every `interval`, across every clone
/// of the client and every concurrent call.
pub(crate) struct RateLimiter {
    pub(crate) interval: std::time::Duration,
    pub(crate) next_slot: std::sync::Mutex<Instant>,
    /// The fleet's budget: slots handed out by the shared state, across
    /// every process; this process's own slots when it fails.
    pub(crate) shared: Option<(crate::shared::Shared, String)>,
}

impl RateLimiter {
    /// Waits for this caller's slot.
    pub(crate) async fn acquire(&self) {
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
