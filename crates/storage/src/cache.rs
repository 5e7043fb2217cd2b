//! Redis read-through cache for hot reads (patient and doctor lists, searches,
//! analytics).
//!
//! Invalidation is by generation: each namespace has a counter that is part of
//! every key, and a write bumps it before answering, so nobody reads stale data
//! after their own write. The rules that keep that true:
//! - a reader takes the generation *before* loading, and stores what it loaded
//!   only if the generation is still the same (one Lua script), so a load that
//!   raced with a write is never cached under the new generation;
//! - keys are `{prefix}:cache:{namespace}:{generation}:{sha256 of the key}`;
//! - a missing counter is created with a random value, never 0, so entries left
//!   over from a counter that was deleted can never be read again;
//! - an invalidation that cannot be confirmed (Redis slow or down) turns the
//!   namespace's cache off in this process and retries in the background until
//!   it succeeds; the stale window for other processes is bounded by the entry
//!   TTL (60 s), and the failure is logged;
//! - on a miss, one request per key loads at a time in this process and the
//!   others wait for it and take its result when it was loaded at the
//!   generation they read (an expensive read such as the analytics is not run
//!   64 times at once after each invalidation);
//! - a write states the invalidations it owes before it starts ([`Cache::owe`]),
//!   so they happen even if its request is dropped or fails half-way.
//!
//! When Redis is unreachable the cache is a no-op (warned once until it
//! recovers) and callers read from MongoDB.

/// The cached views, by namespace, shared by every process that writes what they show.
pub mod views {
    pub const PATIENTS: &str = "patients";
    pub const APPOINTMENTS: &str = "appointments";
    pub const ANALYTICS: &str = "analytics";
    pub const DOCTORS: &str = "doctors";
    /// What an outcome (or its repaired effects) changes: scores, appointment pages, analytics.
    pub const OUTCOME: [&str; 3] = [PATIENTS, ANALYTICS, APPOINTMENTS];
}

use redis::aio::ConnectionManager;
use redis::AsyncCommands;
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Entries live this long; it bounds how long another process can serve an
/// entry after an invalidation it could not see.
const TTL: Duration = Duration::from_secs(60);

/// Stores the value only if the namespace generation is still the one read before loading.
const PUT_IF_CURRENT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
";

/// Bumps the namespace generation; a missing counter gets a random start
/// (never 1, 2, ...), so entries of a lost counter are never read again.
const BUMP: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCR', KEYS[1])
end
redis.call('SET', KEYS[1], ARGV[1])
return tonumber(ARGV[1])
";

fn random_start() -> i64 {
    i64::from(rand::random::<u32>()) + 1
}

#[derive(Clone)]
pub struct Cache {
    conn: ConnectionManager,
    prefix: String,
    degraded: Arc<AtomicBool>,
    /// Namespaces whose last invalidation is not confirmed: not read from the cache here.
    unconfirmed: Arc<Mutex<HashMap<String, ()>>>,
    /// One loader per key at a time (single flight), and the last result it
    /// loaded with the generation read before loading.
    loading: Arc<Mutex<HashMap<String, Flight>>>,
}

/// A key's single flight: whoever holds the lock loads; the result is kept
/// with the generation read before the load, for those who waited.
type Flight = Arc<tokio::sync::Mutex<Option<(String, String)>>>;

/// Holds a flight while it is used; the last user removes it from the map,
/// also when its request is dropped half-way.
struct FlightGuard<'a> {
    map: &'a Mutex<HashMap<String, Flight>>,
    key: String,
    flight: Flight,
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut map) = self.map.lock() {
            // The map's reference and this one: nobody else is waiting.
            if Arc::strong_count(&self.flight) <= 2 && map.get(&self.key).is_some_and(|f| Arc::ptr_eq(f, &self.flight)) {
                map.remove(&self.key);
            }
        }
    }
}

/// Invalidations owed by a write: [`Cache::owe`] before the write,
/// [`Owed::pay`] once it is done. If the request is dropped or fails in
/// between, they are made in the background anyway, so a write whose
/// client went away still reaches every reader.
pub struct Owed {
    cache: Cache,
    namespaces: Vec<&'static str>,
    paid: bool,
}

impl Owed {
    /// Makes the invalidations now (before the write is answered).
    pub async fn pay(mut self) {
        invalidate_all(&self.cache, &self.namespaces).await;
        // Only now: a request dropped during the invalidations still owes them all.
        self.paid = true;
    }
}

async fn invalidate_all(cache: &Cache, namespaces: &[&'static str]) {
    for namespace in namespaces {
        cache.invalidate(namespace).await;
    }
}

impl Drop for Owed {
    fn drop(&mut self) {
        if self.paid {
            return;
        }
        let (cache, namespaces) = (self.cache.clone(), std::mem::take(&mut self.namespaces));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { invalidate_all(&cache, &namespaces).await });
        }
    }
}

/// A generation read before a load, to store the loaded value under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation(String);

impl Cache {
    pub fn new(conn: ConnectionManager, prefix: &str) -> Self {
        Self {
            conn,
            prefix: prefix.to_string(),
            degraded: Arc::new(AtomicBool::new(false)),
            unconfirmed: Arc::new(Mutex::new(HashMap::new())),
            loading: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The shared connection, for other Redis users (health checks, rate limits).
    pub fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    pub fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    fn note<T>(&self, result: redis::RedisResult<T>) -> Option<T> {
        match result {
            Ok(v) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("redis cache reachable again");
                }
                Some(v)
            }
            Err(err) => {
                if !self.degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = ?err.kind(), "redis cache unavailable; serving from the database");
                }
                None
            }
        }
    }

    fn counter_key(&self, namespace: &str) -> String {
        format!("{}:cachegen:{namespace}", self.prefix)
    }

    fn key(&self, namespace: &str, generation: &Generation, key: &str) -> String {
        let digest = hex::encode(Sha256::digest(key.as_bytes()));
        format!("{}:cache:{namespace}:{}:{digest}", self.prefix, generation.0)
    }

    fn usable(&self, namespace: &str) -> bool {
        self.unconfirmed.lock().map(|u| !u.contains_key(namespace)).unwrap_or(false)
    }

    /// The namespace's current generation, creating the counter (at a random value) if missing.
    pub async fn generation(&self, namespace: &str) -> Option<Generation> {
        if !self.usable(namespace) {
            return None;
        }
        let mut conn = self.conn.clone();
        let counter = self.counter_key(namespace);
        let current: Option<String> = self.note(conn.get(&counter).await)?;
        if let Some(value) = current {
            return Some(Generation(value));
        }
        let _: Option<bool> = self.note(conn.set_nx(&counter, random_start()).await);
        let value: Option<String> = self.note(conn.get(&counter).await)?;
        value.map(Generation)
    }

    pub async fn get<T: DeserializeOwned>(&self, namespace: &str, generation: &Generation, key: &str) -> Option<T> {
        let mut conn = self.conn.clone();
        let raw: Option<String> = self.note(conn.get(self.key(namespace, generation, key)).await)?;
        raw.and_then(|r| serde_json::from_str(&r).ok())
    }

    /// Stores `value` under `generation` if that is still the namespace's generation.
    pub async fn put<T: Serialize>(&self, namespace: &str, generation: &Generation, key: &str, value: &T) {
        let Ok(raw) = serde_json::to_string(value) else { return };
        let mut conn = self.conn.clone();
        let script = redis::Script::new(PUT_IF_CURRENT);
        let result: redis::RedisResult<i32> = script
            .key(self.counter_key(namespace))
            .key(self.key(namespace, generation, key))
            .arg(&generation.0)
            .arg(raw)
            .arg(TTL.as_secs())
            .invoke_async(&mut conn)
            .await;
        let _ = self.note(result);
    }

    /// The cached value for `key`, or `load()`'s, which is then cached (unless a
    /// write happened meanwhile). Load errors are returned and nothing is cached.
    pub async fn read_through<T, E, F, Fut>(&self, namespace: &str, key: &str, load: F) -> Result<T, E>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let Some(generation) = self.generation(namespace).await else { return load().await };
        if let Some(hit) = self.get(namespace, &generation, key).await {
            return Ok(hit);
        }
        // Single flight: one load of a key at a time here; those who waited
        // take its result if it was loaded at their generation (it then
        // reflects every write they could have made before asking).
        let name = format!("{namespace}\u{1f}{key}");
        let flight = match self.loading.lock() {
            Ok(mut loading) => loading.entry(name.clone()).or_default().clone(),
            Err(_) => return load().await,
        };
        let held = FlightGuard { map: &self.loading, key: name, flight };
        let mut last = held.flight.lock().await;
        if let Some((at, json)) = last.as_ref() {
            if *at == generation.0 {
                if let Ok(shared) = serde_json::from_str(json) {
                    return Ok(shared);
                }
            }
        }
        if let Some(hit) = self.get(namespace, &generation, key).await {
            return Ok(hit);
        }
        let value = load().await?;
        self.put(namespace, &generation, key, &value).await;
        *last = serde_json::to_string(&value).ok().map(|json| (generation.0.clone(), json));
        Ok(value)
    }

    /// Invalidations a write will owe (see [`Owed`]).
    pub fn owe(&self, namespaces: &[&'static str]) -> Owed {
        Owed { cache: self.clone(), namespaces: namespaces.to_vec(), paid: false }
    }

    /// Makes every cached entry of the namespace unreachable. If Redis does not
    /// confirm it, this process stops reading the namespace from the cache and
    /// keeps retrying in the background until the invalidation is confirmed.
    pub async fn invalidate(&self, namespace: &str) {
        if self.try_invalidate(namespace).await {
            return;
        }
        let first = self.unconfirmed.lock().map(|mut u| u.insert(namespace.to_string(), ()).is_none()).unwrap_or(false);
        tracing::warn!(namespace, "cache invalidation not confirmed; bypassing this cache here and retrying");
        if first {
            let cache = self.clone();
            let namespace = namespace.to_string();
            tokio::spawn(async move { cache.confirm_later(namespace).await });
        }
    }

    async fn try_invalidate(&self, namespace: &str) -> bool {
        let mut conn = self.conn.clone();
        let result: redis::RedisResult<i64> =
            redis::Script::new(BUMP).key(self.counter_key(namespace)).arg(random_start()).invoke_async(&mut conn).await;
        self.note(result).is_some()
    }

    async fn confirm_later(&self, namespace: String) {
        let mut delay = Duration::from_millis(200);
        loop {
            tokio::time::sleep(delay).await;
            if self.try_invalidate(&namespace).await {
                if let Ok(mut u) = self.unconfirmed.lock() {
                    u.remove(&namespace);
                }
                tracing::info!(namespace = %namespace, "cache invalidation confirmed; cache in use again");
                return;
            }
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    pub async fn ping(&self) -> bool {
        let mut conn = self.conn.clone();
        self.note(redis::cmd("PING").query_async::<String>(&mut conn).await).is_some()
    }
}
