//! State shared by every process of a fleet: OAuth2 tokens and rate
//! budgets. Nothing is shared unless a backend is configured (the Redis one,
//! feature `redis`); without one, each client keeps its own, in process.
//!
//! What a backend holds gives nothing away to someone who can read it but
//! does not hold the client's secret ([`FleetKey`]):
//! - keys are `mitra:<kind>:<HMAC-SHA256>` of everything that makes the item
//!   differ (vendor, base URL, client id, grant, user name, scope), keyed by
//!   the client's secret: no credential, no user name, and no way to find the
//!   key of another identity without its secret;
//! - tokens are sealed (XChaCha20-Poly1305, with a key derived by HKDF-SHA256
//!   from the client's secret and bound to the key's name): a value read
//!   without the secret is useless, and one that does not open is ignored;
//! - locks hold a random owner value, and budgets a time slot.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::Sha256;

/// A future of a shared-state operation.
pub type SharedFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, SharedError>> + Send + 'a>>;

/// A shared-state operation that failed (the backend is unreachable or
/// answered nonsense). Callers fall back to their in-process state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedError(pub String);

impl fmt::Display for SharedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shared state: {}", self.0)
    }
}

impl std::error::Error for SharedError {}

/// What a fleet shares. Every method is bounded in time by the backend.
///
/// Values are opaque strings: tokens arrive sealed ([`FleetKey::seal`]).
pub trait SharedState: Send + Sync + fmt::Debug + 'static {
    /// The value stored under `key`, and how long it has left.
    fn get_token<'a>(&'a self, key: &'a str) -> SharedFuture<'a, Option<(String, Duration)>>;
    /// Stores `value` under `key` for `ttl`.
    fn put_token<'a>(&'a self, key: &'a str, value: &'a str, ttl: Duration)
    -> SharedFuture<'a, ()>;
    /// Deletes the value under `key` if it is still `value` (a rejected token).
    fn delete_token_if<'a>(&'a self, key: &'a str, value: &'a str) -> SharedFuture<'a, ()>;
    /// Takes the lock `key` for `owner` for `ttl` if no one holds it; true
    /// if taken.
    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> SharedFuture<'a, bool>;
    /// Releases the lock `key` if `owner` still holds it (a holder whose
    /// lock expired must not free the next holder's).
    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> SharedFuture<'a, ()>;
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
                tracing::debug!(error = %error, "shared state skipped: this process's own is used");
                #[cfg(feature = "metrics")]
                crate::telemetry::count_shared_fallback();
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

/// The name and the sealing key of one item a fleet shares (a token or a
/// rate budget), derived from the identity it belongs to and the secret
/// that only that identity's holders know.
///
/// ```
/// use secrecy::SecretString;
/// use mitra_core::shared::FleetKey;
/// let secret = SecretString::from("client-secret");
/// let alice = FleetKey::new("token", &["pos-indonesia", "https://api", "key", "password", "alice"], &[&secret]);
/// let bob = FleetKey::new("token", &["pos-indonesia", "https://api", "key", "password", "bob"], &[&secret]);
/// assert_ne!(alice.name(), bob.name());
/// assert!(!alice.name().contains("alice"));
/// let sealed = alice.seal("the-token");
/// assert!(!sealed.contains("the-token"));
/// assert_eq!(alice.open(&sealed).as_deref(), Some("the-token"));
/// assert_eq!(bob.open(&sealed), None);
/// ```
#[derive(Clone)]
pub struct FleetKey {
    name: String,
    sealing: Arc<SecretBox<[u8; 32]>>,
}

impl fmt::Debug for FleetKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FleetKey")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The prefix of a sealed value: the format's version.
const SEALED_PREFIX: &str = "v1.";
const NONCE_LEN: usize = 24;

impl FleetKey {
    /// The key of the item of `kind` (`"token"`, `"rate"`) for `identity`
    /// (every value that makes the item differ: vendor, base URL, client
    /// id, grant type, user name, scope), protected by `secrets` (the client
    /// secret, and a user's password for a password grant): its name is
    /// their HMAC-SHA256, its sealing key their HKDF-SHA256.
    pub fn new(kind: &str, identity: &[&str], secrets: &[&SecretString]) -> Self {
        let mut material = Vec::new();
        for secret in secrets {
            push_framed(&mut material, secret.expose_secret().as_bytes());
        }
        let mut message = Vec::new();
        push_framed(&mut message, kind.as_bytes());
        for part in identity {
            push_framed(&mut message, part.as_bytes());
        }
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&material)
            .expect("HMAC takes a key of any length");
        mac.update(&message);
        let digest = mac.finalize().into_bytes();
        let mut name = format!("mitra:{kind}:");
        for byte in digest {
            name.push_str(&format!("{byte:02x}"));
        }
        let mut sealing = Box::new([0u8; 32]);
        hkdf::Hkdf::<Sha256>::new(Some(b"mitra fleet sealing v1"), &material)
            .expand(name.as_bytes(), sealing.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        material.fill(0);
        Self {
            name,
            sealing: Arc::new(SecretBox::new(sealing)),
        }
    }

    /// The item's key in the store: `mitra:<kind>:<64 hex digits>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key of the lock that lets one process of the fleet fetch the item.
    pub fn lock_name(&self) -> String {
        format!("{}:lock", self.name)
    }

    /// `value` encrypted and authenticated for this key (a fresh random
    /// nonce each time): `v1.<base64url of nonce and ciphertext>`.
    pub fn seal(&self, value: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce);
        let cipher = XChaCha20Poly1305::new(self.sealing.expose_secret().into());
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: value.as_bytes(),
                    aad: self.name.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 seals any value that fits in memory");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!(
            "{SEALED_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
        )
    }

    /// The value `sealed` holds, if it was sealed by [`seal`](Self::seal)
    /// for this very key (same identity, same secret) and not altered.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sealed.strip_prefix(SEALED_PREFIX)?)
            .ok()?;
        if raw.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(self.sealing.expose_secret().into());
        let plain = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: self.name.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Appends `bytes` with its length first, so that no two lists of parts
/// frame to the same bytes (`["ab", "c"]` and `["a", "bc"]` differ).
fn push_framed(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Fills `out` from the operating system's random source.
fn fill_random(out: &mut [u8]) {
    // The OS source failing is not something a program can go on from
    // safely (a repeated nonce or a guessable lock owner): fail loudly.
    getrandom::getrandom(out).expect("the operating system's random source failed");
}

/// A random value naming one holder of a fleet lock (128 bits, hex).
pub fn lock_owner() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s)
    }

    #[test]
    fn names_are_stable_keyed_and_hold_no_identity() {
        let s = secret("client-secret");
        let k = FleetKey::new(
            "token",
            &["pos-indonesia", "consumer-key-123", "https://api"],
            &[&s],
        );
        let again = FleetKey::new(
            "token",
            &["pos-indonesia", "consumer-key-123", "https://api"],
            &[&s],
        );
        assert_eq!(k.name(), again.name());
        assert!(k.name().starts_with("mitra:token:") && k.name().len() == 12 + 64);
        assert!(!k.name().contains("consumer-key-123"));
        let other_id = FleetKey::new(
            "token",
            &["pos-indonesia", "consumer-key-124", "https://api"],
            &[&s],
        );
        assert_ne!(k.name(), other_id.name());
        // Without the secret, the name of an identity cannot be computed.
        let other_secret = FleetKey::new(
            "token",
            &["pos-indonesia", "consumer-key-123", "https://api"],
            &[&secret("guess")],
        );
        assert_ne!(k.name(), other_secret.name());
        assert_ne!(
            FleetKey::new("token", &["ab", "c"], &[&s]).name(),
            FleetKey::new("token", &["a", "bc"], &[&s]).name()
        );
        assert!(!format!("{k:?}").contains("client-secret"));
    }

    #[test]
    fn sealed_values_open_only_for_their_key_and_unaltered() {
        let s = secret("client-secret");
        let k = FleetKey::new("token", &["v", "id"], &[&s]);
        let sealed = k.seal("tok-123");
        assert_ne!(sealed, k.seal("tok-123"), "a fresh nonce each time");
        assert_eq!(k.open(&sealed).as_deref(), Some("tok-123"));
        // Another secret, another identity, an altered or foreign value: nothing.
        assert_eq!(
            FleetKey::new("token", &["v", "id"], &[&secret("x")]).open(&sealed),
            None
        );
        assert_eq!(
            FleetKey::new("token", &["v", "id2"], &[&s]).open(&sealed),
            None
        );
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(k.open(&String::from_utf8(altered).unwrap()), None);
        for junk in ["tok-123", "", "v1.", "v1.!!", "v1.AAAA"] {
            assert_eq!(k.open(junk), None, "{junk}");
        }
    }

    #[test]
    fn lock_owners_differ() {
        let a = lock_owner();
        assert_eq!(a.len(), 32);
        assert_ne!(a, lock_owner());
    }
}
