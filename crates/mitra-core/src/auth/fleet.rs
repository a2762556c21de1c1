//! One token for a fleet of processes: the fleet's lock, its sealed store,
//! and a stored token read back (feature `fleet`).

use std::time::Duration;

use tokio::time::Instant;

use crate::Error;

use super::*;

/// The fleet's fetch lock as one process holds it: released by
/// compare-and-delete of its owner value, and released even when the
/// fetching call is dropped halfway (a caller's timeout), so that the next
/// process need not wait out the lock's TTL.
#[cfg(feature = "fleet")]
struct FleetLock {
    shared: crate::shared::Shared,
    name: String,
    owner: String,
    held: bool,
}

#[cfg(feature = "fleet")]
impl FleetLock {
    async fn release(&mut self) {
        if self.held {
            let released = self.shared.state().unlock(&self.name, &self.owner).await;
            // Only now: a call dropped during the unlock leaves it to `Drop`.
            self.held = false;
            self.shared.ok(released);
        }
    }
}

#[cfg(feature = "fleet")]
impl Drop for FleetLock {
    fn drop(&mut self) {
        if !self.held {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (shared, name, owner) = (
                self.shared.clone(),
                std::mem::take(&mut self.name),
                std::mem::take(&mut self.owner),
            );
            runtime.spawn(async move {
                let released = shared.state().unlock(&name, &owner).await;
                shared.ok(released);
            });
        }
    }
}

/// The longest value read back from the fleet's store as a token.
#[cfg(feature = "fleet")]
const MAX_STORED_VALUE: usize = 8 * 1024;

/// What is sealed in the fleet's store for `token`, used for `ttl` from
/// now: `<end, in Unix milliseconds>:<token>`.
#[cfg(feature = "fleet")]
fn stored_value(token: &str, ttl: Duration) -> String {
    let until = unix_millis().saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
    format!("{until}:{token}")
}

#[cfg(feature = "fleet")]
fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl TokenSource {
    /// Shares the token with every process that uses the same `shared`
    /// state and `key` (see [`FleetKey`](crate::shared::FleetKey)): one
    /// fetch for the fleet, through a lock with an owner and a TTL; the
    /// others take the stored token, sealed with `key`. When the shared
    /// state fails, this process fetches its own. Feature `fleet` (which
    /// `redis` includes).
    #[cfg(feature = "fleet")]
    pub fn shared(mut self, shared: crate::shared::Shared, key: crate::shared::FleetKey) -> Self {
        self.shared = Some((shared, key));
        self
    }

    /// A token: the fleet's stored one, or a new one fetched by whoever
    /// takes the fleet's lock first (this process, or another it waits for).
    #[cfg(feature = "fleet")]
    pub(super) async fn obtain(&self) -> Result<AccessToken, Error> {
        let Some((shared, key)) = &self.shared else {
            return self.fetch_with_retries().await;
        };
        match shared.ok(shared.state().get_token(key.name()).await) {
            None => return self.fetch_with_retries().await,
            Some(found) => {
                shared.recovered();
                if let Some(token) = self.stored_token(key, found) {
                    return Ok(token);
                }
            }
        }
        // Long enough for a fetch with its retries; a holder that dies frees
        // it when the TTL runs out, one that is dropped at once.
        let lock_ttl = Duration::from_secs(30);
        let mut lock = FleetLock {
            shared: shared.clone(),
            name: key.lock_name(),
            owner: crate::shared::lock_owner(),
            held: false,
        };
        let deadline = Instant::now() + lock_ttl;
        loop {
            // Held from the moment the lock is asked for: a call dropped
            // before the answer arrives still releases it (a compare-and-
            // delete of its own owner value is harmless if never taken).
            lock.held = true;
            let taken = shared
                .state()
                .try_lock(&lock.name, &lock.owner, lock_ttl)
                .await;
            lock.held = matches!(taken, Ok(true));
            match shared.ok(taken) {
                None => return self.fetch_with_retries().await,
                Some(true) => {
                    // Another process may have stored a token between the
                    // read above and the lock: no second fetch then.
                    let stored = shared.ok(shared.state().get_token(key.name()).await);
                    if let Some(token) = stored.and_then(|found| self.stored_token(key, found)) {
                        lock.release().await;
                        return Ok(token);
                    }
                    let mut fetched = self.fetch_with_retries().await;
                    if let Ok(token) = &mut fetched {
                        // Stored until this token's refresh point, not its
                        // expiry: the fleet's next fetch then happens a
                        // margin before the token dies, once, under the lock.
                        let ttl = token.refresh_at.saturating_duration_since(Instant::now());
                        if !ttl.is_zero() {
                            let sealed = key.seal(&stored_value(token.token_text(), ttl));
                            let stored = shared.state().put_token(key.name(), &sealed, ttl).await;
                            if shared.ok(stored).is_some() {
                                token.stored = Some(sealed);
                            }
                        }
                    }
                    lock.release().await;
                    return fetched;
                }
                Some(false) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let stored = shared.ok(shared.state().get_token(key.name()).await);
                    if let Some(token) = stored.and_then(|found| self.stored_token(key, found)) {
                        return Ok(token);
                    }
                    if Instant::now() >= deadline {
                        return self.fetch_with_retries().await;
                    }
                }
            }
        }
    }

    /// A token from the fleet's store, which keeps it until its refresh
    /// point (`left` from now): used until then, no second margin taken.
    /// Nothing if it has no time left, more than a token can live (a value
    /// no mitra process wrote), does not open with `key`, or is not a
    /// token.
    #[cfg(feature = "fleet")]
    pub(super) fn stored_token(
        &self,
        key: &crate::shared::FleetKey,
        found: Option<(String, Duration)>,
    ) -> Option<AccessToken> {
        let (sealed, left) = found?;
        if left.is_zero() || left > MAX_LIFETIME || sealed.len() > MAX_STORED_VALUE {
            return None;
        }
        let Some(opened) = key.open(&sealed) else {
            tracing::debug!("a stored token did not open with this client's key: ignored");
            return None;
        };
        // The token's own end, sealed with it, bounds the store's TTL (which
        // anyone with write access to the store could stretch).
        let (until_ms, token) = opened.split_once(':')?;
        let left = left.min(Duration::from_millis(
            until_ms.parse::<u64>().ok()?.saturating_sub(unix_millis()),
        ));
        if left.is_zero() {
            return None;
        }
        let header = bearer_header(token)?;
        let mut token = self.token_used_for(header, left);
        token.stored = Some(sealed);
        tracing::Span::current().record("mitra.token.outcome", "shared");
        #[cfg(feature = "metrics")]
        crate::telemetry::count_token_fetch(&self.server.0.address, "shared");
        Some(token)
    }

    #[cfg(feature = "fleet")]
    pub(super) async fn invalidate_shared_now(&self, rejected: &AccessToken) {
        if let (Some((shared, key)), Some(stored)) = (&self.shared, &rejected.stored) {
            let deleted = shared.state().delete_token_if(key.name(), stored).await;
            shared.ok(deleted);
        }
    }
}
