//! [`SharedState`] on Redis (feature `redis`): tokens stored with their
//! lifetime as TTL, one fetch for the fleet through a lock with a TTL
//! (`SET NX PX`), and the rate budget as an atomic server-side script (a
//! GCRA: evenly spaced slots, the same for every process). Every command is
//! bounded by a timeout; a lost connection is made again on the next use.

use std::time::Duration;

use crate::shared::{SharedError, SharedFuture, SharedState};

/// Redis as the fleet's shared state.
///
/// ```no_run
/// # fn demo() -> mitra_core::Result<()> {
/// let redis = mitra_core::redis::RedisState::new("redis://127.0.0.1:6379/")?;
/// let shared = mitra_core::shared::Shared::new(redis);
/// # Ok(()) }
/// ```
pub struct RedisState {
    client: redis::Client,
    connection: tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>,
    timeout: Duration,
}

impl std::fmt::Debug for RedisState {
    // The URL may carry a password: not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisState")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

const GET_TOKEN: &str = r"
local token = redis.call('GET', KEYS[1])
if not token then return nil end
return {token, redis.call('PTTL', KEYS[1])}
";

const DELETE_IF: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

// GCRA with a burst of one: each caller takes the next slot, `interval`
// after the last one handed out (or now, if that is past), and waits until
// it. Times are Redis's own clock, in microseconds, so that processes on
// different machines agree.
const RESERVE: &str = r"
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval = tonumber(ARGV[1])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
redis.call('SET', KEYS[1], slot + interval, 'PX', math.floor((slot + interval - now) / 1000) + 1000)
return slot - now
";

impl RedisState {
    /// Redis at `url` (`redis://host:port/db`); connects on first use, with
    /// each command bounded by 250 ms. A URL that is not one is
    /// [`Error::Config`](crate::Error::Config).
    pub fn new(url: &str) -> Result<Self, crate::Error> {
        let client = redis::Client::open(url)
            .map_err(|_| crate::Error::config("MITRA_REDIS_URL is not a Redis URL"))?;
        Ok(Self {
            client,
            connection: tokio::sync::Mutex::new(None),
            timeout: Duration::from_millis(250),
        })
    }

    /// Sets the bound of each command (and of connecting).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn connection(&self) -> Result<redis::aio::MultiplexedConnection, SharedError> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let connection =
            tokio::time::timeout(self.timeout, self.client.get_multiplexed_async_connection())
                .await
                .map_err(|_| SharedError("connecting to Redis timed out".into()))?
                .map_err(|e| SharedError(format!("connecting to Redis: {}", e.kind_name())))?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// Runs `command` on the connection, bounded; a failure drops the
    /// connection so that the next use makes a new one.
    async fn run<T, F, Fut>(&self, command: F) -> Result<T, SharedError>
    where
        F: FnOnce(redis::aio::MultiplexedConnection) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        let connection = self.connection().await?;
        let outcome = tokio::time::timeout(self.timeout, command(connection)).await;
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                *self.connection.lock().await = None;
                Err(SharedError(format!("Redis: {}", e.kind_name())))
            }
            Err(_) => {
                *self.connection.lock().await = None;
                Err(SharedError("Redis did not answer in time".into()))
            }
        }
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
        token: &'a str,
        ttl: Duration,
    ) -> SharedFuture<'a, ()> {
        Box::pin(self.run(move |mut c| async move {
            redis::cmd("SET")
                .arg(key)
                .arg(token)
                .arg("PX")
                .arg(millis(ttl))
                .query_async::<()>(&mut c)
                .await
        }))
    }

    fn delete_token_if<'a>(&'a self, key: &'a str, token: &'a str) -> SharedFuture<'a, ()> {
        Box::pin(self.run(move |mut c| async move {
            redis::Script::new(DELETE_IF)
                .key(key)
                .arg(token)
                .invoke_async::<i64>(&mut c)
                .await
                .map(drop)
        }))
    }

    fn try_lock<'a>(&'a self, key: &'a str, ttl: Duration) -> SharedFuture<'a, bool> {
        Box::pin(self.run(move |mut c| async move {
            let set: Option<String> = redis::cmd("SET")
                .arg(key)
                .arg("1")
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut c)
                .await?;
            Ok(set.is_some())
        }))
    }

    fn unlock<'a>(&'a self, key: &'a str) -> SharedFuture<'a, ()> {
        Box::pin(self.run(move |mut c| async move {
            redis::cmd("DEL")
                .arg(key)
                .query_async::<i64>(&mut c)
                .await
                .map(drop)
        }))
    }

    fn reserve<'a>(&'a self, key: &'a str, interval: Duration) -> SharedFuture<'a, Duration> {
        Box::pin(self.run(move |mut c| async move {
            let micros = u64::try_from(interval.as_micros())
                .unwrap_or(u64::MAX)
                .max(1);
            let wait: i64 = redis::Script::new(RESERVE)
                .key(key)
                .arg(micros)
                .invoke_async(&mut c)
                .await?;
            Ok(Duration::from_micros(wait.max(0) as u64))
        }))
    }
}
