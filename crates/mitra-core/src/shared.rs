//! State shared by every process of a fleet: OAuth2 tokens and rate
//! budgets. Nothing is shared unless a backend is configured (the Redis one,
//! feature `redis`); without one, each client keeps its own, in process.
//!
//! Keys never hold a credential: they are a hash of what identifies the
//! token or the budget (vendor, client id, endpoint).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A future of a shared-state operation.
pub type SharedFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, SharedError>> + Send + 'a>>;

/// A shared-state operation that failed (the backend is unreachable or
/// answered nonsense). Callers fall back to their in-process state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("shared state: {0}")]
pub struct SharedError(pub String);

/// What a fleet shares. Every method is bounded in time by the backend.
pub trait SharedState: Send + Sync + fmt::Debug + 'static {
    /// The token stored under `key`, and how long it has left.
    fn get_token<'a>(&'a self, key: &'a str) -> SharedFuture<'a, Option<(String, Duration)>>;
    /// Stores `token` under `key` for `ttl`.
    fn put_token<'a>(&'a self, key: &'a str, token: &'a str, ttl: Duration)
    -> SharedFuture<'a, ()>;
    /// Deletes the token under `key` if it is still `token` (a rejected one).
    fn delete_token_if<'a>(&'a self, key: &'a str, token: &'a str) -> SharedFuture<'a, ()>;
    /// Takes the lock `key` for `ttl` if no one holds it; true if taken.
    fn try_lock<'a>(&'a self, key: &'a str, ttl: Duration) -> SharedFuture<'a, bool>;
    /// Releases the lock `key`.
    fn unlock<'a>(&'a self, key: &'a str) -> SharedFuture<'a, ()>;
    /// Reserves the next slot of the budget `key` (one request every
    /// `interval`, evenly spaced across the fleet); how long to wait for it.
    fn reserve<'a>(&'a self, key: &'a str, interval: Duration) -> SharedFuture<'a, Duration>;
}

/// A shared backend, and whether its loss has been reported yet.
#[derive(Clone)]
pub struct Shared {
    state: Arc<dyn SharedState>,
    warned: Arc<AtomicBool>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Shared").field(&self.state).finish()
    }
}

impl Shared {
    /// Shares state through `state`.
    pub fn new(state: impl SharedState) -> Self {
        Self {
            state: Arc::new(state),
            warned: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The backend.
    pub fn state(&self) -> &dyn SharedState {
        self.state.as_ref()
    }

    /// `result`, or `None` after one warning event for the whole client when
    /// the backend fails: the caller falls back to its own state.
    pub fn ok<T>(&self, result: Result<T, SharedError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                if !self.warned.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        error = %error,
                        "shared state unreachable: this process goes on with its own tokens and rate budget"
                    );
                }
                None
            }
        }
    }

    /// The backend answers again: a later loss is reported again.
    pub fn recovered(&self) {
        self.warned.store(false, Ordering::Relaxed);
    }
}

/// A key for `parts` that does not contain them: `mitra:<kind>:<hex of a
/// 64-bit FNV-1a hash>`. Stable across processes and builds.
pub fn key(kind: &str, parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("mitra:{kind}:{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_hold_no_credential() {
        let k = key(
            "token",
            &["pos-indonesia", "consumer-key-123", "https://api"],
        );
        assert_eq!(
            k,
            key(
                "token",
                &["pos-indonesia", "consumer-key-123", "https://api"]
            )
        );
        assert!(!k.contains("consumer-key-123"));
        assert_ne!(
            k,
            key(
                "token",
                &["pos-indonesia", "consumer-key-124", "https://api"]
            )
        );
        assert_ne!(key("token", &["ab", "c"]), key("token", &["a", "bc"]));
    }
}
