//! [`SharedState`] on Redis (feature `redis`): sealed tokens stored with
//! their lifetime as TTL, one fetch for the fleet through a lock with an
//! owner and a TTL (`SET NX PX`, released by compare-and-delete), and the
//! rate budget as an atomic server-side script (a GCRA: evenly spaced slots,
//! the same for every process).
//!
//! Redis never stalls a call: connecting and every command are bounded (250
//! ms by default); concurrent callers share one connect (no one waits for a
//! queue of them); after a failure Redis is skipped for a cool-down (5 s by
//! default), then one call probes it. A dead or black-holed Redis costs at
//! most one bound per cool-down.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::shared::{SharedError, SharedFuture, SharedState};

/// Redis as the fleet's shared state.
///
/// `rediss://` (TLS, certificates checked against the system's roots) to
/// any host; `redis://` (plain TCP) only to this machine, unless allowed
/// with [`danger_allow_plaintext`](Self::danger_allow_plaintext).
///
/// ```no_run
/// # fn demo() -> mitra_core::Result<()> {
/// let redis = mitra_core::redis::RedisState::new("rediss://redis.internal:6380/")?;
/// let shared = mitra_core::shared::Shared::new(redis);
/// # Ok(()) }
/// ```
pub struct RedisState {
    client: redis::Client,
    link: Arc<Mutex<Link>>,
    timeout: Duration,
    cooldown: Duration,
}

/// The state of the connection to Redis.
enum Link {
    /// Not connected: the next caller connects.
    Idle,
    /// One caller is connecting; the others wait for it, told when it ends.
    Connecting(Arc<tokio::sync::Notify>),
    /// Connected (a multiplexed connection, cloned by each caller).
    Up(redis::aio::MultiplexedConnection),
    /// Failed: skipped until then, when one caller probes again.
    Down(Instant),
}

impl std::fmt::Debug for RedisState {
    // The URL may carry a password: not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisState")
            .field("timeout", &self.timeout)
            .field("cooldown", &self.cooldown)
            .finish_non_exhaustive()
    }
}

const GET_TOKEN: &str = r"
local token = redis.call('GET', KEYS[1])
if not token then return nil end
return {token, redis.call('PTTL', KEYS[1])}
";

// Takes a lock for ARGV[1] for ARGV[2] ms if it is free, or if what holds
// it has no TTL or one longer than any lock is given (ARGV[3] ms, a fixed
// maximum, not the caller's own TTL: a live lock of a holder with a longer
// TTL is never taken): planted by hand or by a foreign writer, such a lock
// would never be released, or not for far longer than any fetch.
const TRY_LOCK: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
local left = redis.call('PTTL', KEYS[1])
if left == -1 or left > tonumber(ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
";

/// The longest a lock is ever held (every holder asks for far less).
const MAX_LOCK: Duration = Duration::from_secs(300);

// Compare-and-delete: the value (a token, a lock's owner) is deleted only
// if it is still the one given.
const DELETE_IF: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

// GCRA with a burst of one: each caller takes the next slot, `interval`
// after the last one handed out (or now, if that is past), and waits until
// it. A slot further ahead than the budget allows (`ARGV[2]`: a planted
// value, or Redis's clock stepping back) is reset to now. Times are Redis's own clock, in microseconds, so that processes on
// different machines agree.
const RESERVE: &str = r"
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if slot < now or slot - now > max_wait then slot = now end
redis.call('SET', KEYS[1], slot + interval, 'PX', math.floor((slot + interval - now) / 1000) + 1000)
return slot - now
";

impl RedisState {
    /// Redis at `url`: `rediss://host:port/db` (TLS) anywhere,
    /// `redis://host:port/db` only on this machine (loopback). Connects on
    /// first use; connecting and each command are bounded by 250 ms. A URL
    /// that is not one, or `redis://` to another machine, is
    /// [`Error::Config`](crate::Error::Config).
    pub fn new(url: &str) -> Result<Self, crate::Error> {
        Self::open(url, false)
    }

    /// **Unsafe**: like [`new`](Self::new), but allows `redis://` (plain
    /// TCP) to another machine, so that sealed tokens, keys and the Redis
    /// password travel in clear (`MITRA_REDIS_DANGER_ALLOW_PLAINTEXT=1`).
    pub fn danger_allow_plaintext(url: &str) -> Result<Self, crate::Error> {
        Self::open(url, true)
    }

    /// Like [`new`](Self::new), for a `rediss://` Redis whose certificate
    /// is issued by a private authority: `ca_pem` (PEM) is trusted instead
    /// of the system's roots (`MITRA_REDIS_CA_FILE`). Verification stays
    /// on: the certificate must name the URL's host.
    pub fn with_root_certificate(url: &str, ca_pem: &[u8]) -> Result<Self, crate::Error> {
        let mut state = Self::open(url, false)?;
        if !url.trim().starts_with("rediss://") {
            return Err(crate::Error::config(
                "a Redis root certificate is for rediss:// (TLS) URLs",
            ));
        }
        state.client = redis::Client::build_with_tls(
            url.trim(),
            redis::TlsCertificates {
                client_tls: None,
                root_cert: Some(ca_pem.to_vec()),
            },
        )
        .map_err(|_| crate::Error::config("MITRA_REDIS_CA_FILE is not a PEM certificate"))?;
        Ok(state)
    }

    fn open(url: &str, allow_plaintext: bool) -> Result<Self, crate::Error> {
        let not_a_url = || crate::Error::config("MITRA_REDIS_URL is not a Redis URL");
        let parsed = url::Url::parse(url.trim()).map_err(|_| not_a_url())?;
        // `#insecure` would turn certificate checks off in builds of
        // redis-rs that allow it: no fragment at all.
        if parsed.fragment().is_some() {
            return Err(crate::Error::config(
                "MITRA_REDIS_URL must not have a fragment (#...)",
            ));
        }
        match parsed.scheme() {
            "rediss" => {}
            "redis" if allow_plaintext || is_loopback(&parsed) => {}
            "redis" => {
                return Err(crate::Error::config(
                    "MITRA_REDIS_URL: redis:// to another machine sends the Redis password and the fleet's data in clear: use rediss:// (TLS), or allow it with MITRA_REDIS_DANGER_ALLOW_PLAINTEXT=1",
                ));
            }
            "unix" | "redis+unix" => {}
            _ => return Err(not_a_url()),
        }
        let client = redis::Client::open(url.trim()).map_err(|_| not_a_url())?;
        Ok(Self {
            client,
            link: Arc::new(Mutex::new(Link::Idle)),
            timeout: Duration::from_millis(250),
            cooldown: Duration::from_secs(5),
        })
    }

    /// Sets the bound of connecting and of each command (default 250 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets how long Redis is skipped after a failure before one call tries
    /// it again (default 5 s).
    pub fn cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }

    fn link(&self) -> std::sync::MutexGuard<'_, Link> {
        lock(&self.link)
    }

    /// Marks Redis failed: skipped for the cool-down.
    fn trip(&self) {
        *self.link() = Link::Down(Instant::now() + self.cooldown);
    }

    /// The connection: the one made, or the one being made. The connect
    /// runs in a task of its own that always ends with the link up or in
    /// its cool-down, whatever happens to the callers; they wait for it
    /// (never longer than its bound) rather than starting their own, so a
    /// burst of first calls makes one connect and keeps to the fleet's
    /// budget. An error at once in the cool-down after a failure.
    async fn connection(&self) -> Result<redis::aio::MultiplexedConnection, SharedError> {
        let done = {
            let mut link = self.link();
            match &*link {
                Link::Up(connection) => return Ok(connection.clone()),
                Link::Connecting(done) => done.clone(),
                Link::Down(until) if Instant::now() < *until => {
                    return Err(SharedError(
                        "Redis is skipped for a while after a failure".into(),
                    ));
                }
                Link::Down(_) | Link::Idle => {
                    let done = Arc::new(tokio::sync::Notify::new());
                    *link = Link::Connecting(done.clone());
                    tokio::spawn(connect(
                        self.client.clone(),
                        self.link.clone(),
                        self.timeout,
                        self.cooldown,
                    ));
                    done
                }
            }
        };
        let notified = done.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        // The connect may have ended before this caller listened.
        if matches!(&*self.link(), Link::Connecting(d) if Arc::ptr_eq(d, &done)) {
            let _ = tokio::time::timeout(self.timeout, notified).await;
        }
        match &*self.link() {
            Link::Up(connection) => Ok(connection.clone()),
            _ => Err(SharedError("Redis is not reachable".into())),
        }
    }

    /// Runs `command` on the connection, bounded; a failure trips the
    /// cool-down and drops the connection.
    async fn run<T, F, Fut>(&self, command: F) -> Result<T, SharedError>
    where
        F: FnOnce(redis::aio::MultiplexedConnection) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        let connection = self.connection().await?;
        match tokio::time::timeout(self.timeout, command(connection)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                self.trip();
                Err(SharedError(format!("Redis: {}", e.kind_name())))
            }
            Err(_) => {
                self.trip();
                Err(SharedError("Redis did not answer in time".into()))
            }
        }
    }
}

fn lock(link: &Mutex<Link>) -> std::sync::MutexGuard<'_, Link> {
    link.lock().unwrap_or_else(|p| p.into_inner())
}

/// Connects, bounded by `timeout`, and leaves the link up, or down for
/// `cooldown`; tells whoever waits.
async fn connect(
    client: redis::Client,
    link: Arc<Mutex<Link>>,
    timeout: Duration,
    cooldown: Duration,
) {
    let config = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout));
    let outcome = tokio::time::timeout(
        timeout,
        client.get_multiplexed_async_connection_with_config(&config),
    )
    .await;
    let next = match outcome {
        Ok(Ok(connection)) => Link::Up(connection),
        Ok(Err(e)) => {
            tracing::debug!(error = %e.kind_name(), "connecting to Redis failed");
            Link::Down(Instant::now() + cooldown)
        }
        Err(_) => {
            tracing::debug!("connecting to Redis timed out");
            Link::Down(Instant::now() + cooldown)
        }
    };
    if let Link::Connecting(done) = std::mem::replace(&mut *lock(&link), next) {
        done.notify_waiters();
    }
}

fn is_loopback(url: &url::Url) -> bool {
    // `redis:` is not a special scheme to the URL parser: its hosts come
    // back as text, IP addresses included.
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost")
                || d.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

trait KindName {
    fn kind_name(&self) -> String;
}

impl KindName for redis::RedisError {
    // The error's category only: its text may quote a URL with a password.
    fn kind_name(&self) -> String {
        format!("{:?}", self.kind())
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl SharedState for RedisState {
    fn get_token<'a>(&'a self, key: &'a str) -> SharedFuture<'a, Option<(String, Duration)>> {
        Box::pin(self.run(move |mut c| async move {
            let found: Option<(String, i64)> = redis::Script::new(GET_TOKEN)
                .key(key)
                .invoke_async(&mut c)
                .await?;
            Ok(found.and_then(|(token, pttl)| {
                (pttl > 0).then(|| (token, Duration::from_millis(pttl as u64)))
            }))
        }))
    }

    fn put_token<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Duration,
    ) -> SharedFuture<'a, ()> {
        Box::pin(self.run(move |mut c| async move {
            redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("PX")
                .arg(millis(ttl))
                .query_async::<()>(&mut c)
                .await
        }))
    }

    fn delete_token_if<'a>(&'a self, key: &'a str, value: &'a str) -> SharedFuture<'a, ()> {
        Box::pin(self.run(move |mut c| async move {
            redis::Script::new(DELETE_IF)
                .key(key)
                .arg(value)
                .invoke_async::<i64>(&mut c)
                .await
                .map(drop)
        }))
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> SharedFuture<'a, bool> {
        Box::pin(self.run(move |mut c| async move {
            let taken: i64 = redis::Script::new(TRY_LOCK)
                .key(key)
                .arg(owner)
                .arg(millis(ttl))
                .arg(millis(MAX_LOCK.max(ttl)))
                .invoke_async(&mut c)
                .await?;
            Ok(taken == 1)
        }))
    }

    // Not subject to the cool-down: a lock left held would make every
    // other process of the fleet wait out its TTL. One bounded try on the
    // connection, or on a connection of its own if the link is down.
    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> SharedFuture<'a, ()> {
        Box::pin(async move {
            let up = match &*self.link() {
                Link::Up(connection) => Some(connection.clone()),
                _ => None,
            };
            let attempt = async {
                let mut connection = match up {
                    Some(connection) => connection,
                    None => self.client.get_multiplexed_async_connection().await?,
                };
                redis::Script::new(DELETE_IF)
                    .key(key)
                    .arg(owner)
                    .invoke_async::<i64>(&mut connection)
                    .await
                    .map(drop)
            };
            match tokio::time::timeout(self.timeout, attempt).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(SharedError(format!("Redis: {}", e.kind_name()))),
                Err(_) => Err(SharedError("Redis did not answer in time".into())),
            }
        })
    }

    fn reserve<'a>(&'a self, key: &'a str, interval: Duration) -> SharedFuture<'a, Duration> {
        Box::pin(self.run(move |mut c| async move {
            let micros = u64::try_from(interval.as_micros())
                .unwrap_or(u64::MAX)
                .max(1);
            let max_wait = u64::try_from(crate::rate::max_shared_wait(interval).as_micros())
                .unwrap_or(u64::MAX);
            let wait: i64 = redis::Script::new(RESERVE)
                .key(key)
                .arg(micros)
                .arg(max_wait)
                .invoke_async(&mut c)
                .await?;
            Ok(Duration::from_micros(wait.max(0) as u64))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_redis_only_to_this_machine_unless_allowed() {
        for url in [
            "redis://127.0.0.1:6379/",
            "redis://localhost/",
            "redis://[::1]:6379/0",
            "rediss://redis.internal:6380/",
            "rediss://:password@10.0.0.5:6380/1",
        ] {
            assert!(
                RedisState::new(url).is_ok(),
                "{url}: {:?}",
                RedisState::new(url).err()
            );
        }
        let err = RedisState::new("redis://10.0.0.5:6379/").unwrap_err();
        assert!(err.to_string().contains("rediss://"), "{err}");
        assert!(RedisState::danger_allow_plaintext("redis://10.0.0.5:6379/").is_ok());
        assert!(RedisState::new("http://127.0.0.1/").is_err());
        assert!(RedisState::new("not a url").is_err());
        assert!(RedisState::new("rediss://redis.internal:6380/#insecure").is_err());
    }
}
