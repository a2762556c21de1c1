//! The client-side rate limit: requests evenly spaced.

use tokio::time::Instant;

/// Spaces requests evenly: at most one every `interval`, across every clone
/// of the client and every concurrent call.
pub(crate) struct RateLimiter {
    pub(crate) interval: std::time::Duration,
    pub(crate) next_slot: std::sync::Mutex<Instant>,
}

impl RateLimiter {
    /// Waits for this caller's slot.
    pub(crate) async fn acquire(&self) {
        let slot = {
            let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}
