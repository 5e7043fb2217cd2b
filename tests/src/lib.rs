//! Helpers for tests that talk to real services: where the services are
//! (`TEST_*` variables, set by `scripts/test.sh`), a fresh database name and
//! Redis prefix per test, the SMTP sink's maildir, and the built binaries.

#![allow(clippy::unwrap_used)]

pub mod mailbox;
pub mod process;
pub mod services;
pub mod stack;

use std::time::Duration;

/// Where the test services listen (defaults match `scripts/services.sh test`).
#[derive(Debug, Clone)]
pub struct Services {
    pub mongo_uri: String,
    pub redis_url: String,
    pub smtp_url: String,
    pub maildir: std::path::PathBuf,
}

fn var(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_string())
}

impl Services {
    pub fn from_env() -> Self {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        Self {
            mongo_uri: var("TEST_MONGO_URI", "mongodb://127.0.0.1:27018"),
            redis_url: var("TEST_REDIS_URL", "redis://127.0.0.1:6379"),
            smtp_url: var("TEST_SMTP_URL", "smtp://127.0.0.1:1026"),
            maildir: var("TEST_MAILDIR", &root.join(".dev/test-mail").display().to_string()).into(),
        }
    }
}

/// One test's private namespace: database `t_<id>` and Redis prefix `t:<id>`.
#[derive(Debug, Clone)]
pub struct Isolation {
    pub id: String,
    pub services: Services,
}

impl Isolation {
    pub fn new() -> Self {
        Self { id: uuid::Uuid::new_v4().simple().to_string()[..12].to_string(), services: Services::from_env() }
    }

    pub fn database(&self) -> String {
        format!("t_{}", self.id)
    }

    pub fn redis_prefix(&self) -> String {
        format!("t:{}", self.id)
    }

    pub fn mongo_uri(&self) -> String {
        format!("{}/{}", self.services.mongo_uri.trim_end_matches('/'), self.database())
    }

    /// Environment for the `api` and `worker` binaries (or `Settings::from_lookup`).
    pub fn env(&self, port: u16) -> Vec<(String, String)> {
        [
            ("SECRET_KEY", "test-secret-key-test-secret-key-0123456789"),
            ("MONGO_URI", self.mongo_uri().as_str()),
            ("REDIS_URL", self.services.redis_url.as_str()),
            ("REDIS_PREFIX", self.redis_prefix().as_str()),
            ("SMTP_URL", self.services.smtp_url.as_str()),
            ("MAIL_FROM", "Health Sphere <no-reply@healthsphere.test>"),
            ("HOST", "127.0.0.1"),
            ("PORT", port.to_string().as_str()),
            ("ARTIFACTS_DIR", std::env::temp_dir().join(format!("hs-artifacts-{}", self.id)).display().to_string().as_str()),
            ("RUST_LOG", "warn"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// Drops the database and deletes the Redis keys (call at the end of a test).
    pub async fn cleanup(&self) {
        if let Ok(client) = mongodb::Client::with_uri_str(&self.services.mongo_uri).await {
            let _ = client.database(&self.database()).drop().await;
        }
        if let Ok(client) = redis::Client::open(self.services.redis_url.as_str()) {
            if let Ok(mut conn) = client.get_multiplexed_async_connection().await {
                let keys: Vec<String> = redis::cmd("KEYS").arg(format!("{}:*", self.redis_prefix())).query_async(&mut conn).await.unwrap_or_default();
                if !keys.is_empty() {
                    let _: redis::RedisResult<()> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
                }
            }
        }
    }
}

impl Default for Isolation {
    fn default() -> Self {
        Self::new()
    }
}

/// A free local port (bound, then released).
/// A port nothing listens on, below the kernel's ephemeral range (32768 and
/// up on Linux): a port handed out by the kernel could be handed out again
/// while a fault test has its service stopped, and the restart would find
/// another test's service there.
pub fn free_port() -> u16 {
    loop {
        let port = 20_000 + (uuid::Uuid::new_v4().as_u128() % 12_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Polls `check` until it returns `Some` or `timeout` passes.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
