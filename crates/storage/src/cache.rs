//! Redis read-through cache for hot reads (patient and doctor lists, searches).
//!
//! Invalidation is by generation: each namespace has a counter that is part of
//! every key, and a write bumps it before answering, so nobody reads stale data
//! after their own write; old entries just expire. When Redis is unreachable the
//! cache turns into a no-op (warned once until it recovers) and callers fall
//! back to MongoDB.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::AsyncCommands;
use serde::{de::DeserializeOwned, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct Cache {
    conn: ConnectionManager,
    prefix: String,
    degraded: Arc<AtomicBool>,
    ttl_seconds: u64,
}

impl Cache {
    /// Connects with short timeouts so a hung Redis cannot stall requests.
    pub async fn connect(url: &str, prefix: &str) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_millis(500)))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_with_config(client, config).await?;
        Ok(Self { conn, prefix: prefix.to_string(), degraded: Arc::new(AtomicBool::new(false)), ttl_seconds: 300 })
    }

    /// The shared connection, for other Redis users (health checks).
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
                    tracing::warn!(error = %err, "redis cache unavailable; serving from the database");
                }
                None
            }
        }
    }

    async fn generation(&self, namespace: &str) -> Option<u64> {
        let mut conn = self.conn.clone();
        let gen: redis::RedisResult<Option<u64>> = conn.get(format!("{}:cachegen:{namespace}", self.prefix)).await;
        self.note(gen).map(Option::unwrap_or_default)
    }

    fn key(&self, namespace: &str, generation: u64, key: &str) -> String {
        format!("{}:cache:{namespace}:{generation}:{key}", self.prefix)
    }

    pub async fn get<T: DeserializeOwned>(&self, namespace: &str, key: &str) -> Option<T> {
        let generation = self.generation(namespace).await?;
        let mut conn = self.conn.clone();
        let raw: Option<String> = self.note(conn.get(self.key(namespace, generation, key)).await)?;
        raw.and_then(|r| serde_json::from_str(&r).ok())
    }

    pub async fn put<T: Serialize>(&self, namespace: &str, key: &str, value: &T) {
        let (Some(generation), Ok(raw)) = (self.generation(namespace).await, serde_json::to_string(value)) else { return };
        let mut conn = self.conn.clone();
        let _: Option<()> = self.note(conn.set_ex(self.key(namespace, generation, key), raw, self.ttl_seconds).await);
    }

    /// The cached value for `key`, or `load()`'s, which is then cached. Load
    /// errors are returned and nothing is cached.
    pub async fn read_through<T, E, F, Fut>(&self, namespace: &str, key: &str, load: F) -> Result<T, E>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        if let Some(hit) = self.get(namespace, key).await {
            return Ok(hit);
        }
        let value = load().await?;
        self.put(namespace, key, &value).await;
        Ok(value)
    }

    /// Makes every cached entry of the namespace unreachable.
    pub async fn invalidate(&self, namespace: &str) {
        let mut conn = self.conn.clone();
        let _: Option<u64> = self.note(conn.incr(format!("{}:cachegen:{namespace}", self.prefix), 1).await);
    }

    pub async fn ping(&self) -> bool {
        let mut conn = self.conn.clone();
        self.note(redis::cmd("PING").query_async::<String>(&mut conn).await).is_some()
    }
}
