//! The Redis queues, named under the deployment's prefix in both processes
//! (apalis would otherwise name them after Rust types). They carry
//! [`JobRef`]s only.

use crate::JobRef;
use apalis::prelude::TaskSink;
use apalis_redis::{Config, ConnectionManager, RedisStorage};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("cannot reach the job queue: {0}")]
    Connect(#[from] redis::RedisError),
    #[error("cannot enqueue the job: {0}")]
    Push(String),
}

/// `{prefix}:jobs:{name}`, with a heartbeat short enough that a restarted
/// worker reclaims its name quickly.
pub fn queue_config(prefix: &str, name: &str) -> Config {
    Config::default().queue(format!("{prefix}:jobs:{name}")).heartbeat_interval(Duration::from_secs(5))
}

/// Producer handles for every queue. Cheap to clone.
#[derive(Clone)]
pub struct Queues {
    conn: ConnectionManager,
    prefix: String,
}

/// Waiting and dead task counts of one queue.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct QueueStats {
    pub pending: u64,
    pub dead: u64,
}

impl Queues {
    /// Over a shared (lazy) connection: creating the handle never waits for Redis.
    pub fn new(conn: ConnectionManager, prefix: &str) -> Self {
        Self { conn, prefix: prefix.to_string() }
    }

    pub fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A storage for queue `name`, for producing or consuming.
    pub fn storage(&self, name: &str) -> RedisStorage<JobRef> {
        RedisStorage::new(self.conn.clone()).with_config(queue_config(&self.prefix, name))
    }

    /// A consumer's storage that fetches at most `batch` tasks at a time (its concurrency).
    pub fn storage_with_batch(&self, name: &str, batch: usize) -> RedisStorage<JobRef> {
        RedisStorage::new(self.conn.clone()).with_config(queue_config(&self.prefix, name).batch_size(batch.max(1)))
    }

    /// Pushes a job id onto a queue.
    pub async fn push(&self, queue: &str, job_id: &str) -> Result<(), QueueError> {
        self.storage(queue).push(JobRef { job_id: job_id.to_string() }).await.map_err(|e| QueueError::Push(e.to_string()))
    }

    /// Counts read straight from the queue's keys (apalis' own stats call is broken in 1.0).
    pub async fn stats(&self, name: &str) -> Result<QueueStats, QueueError> {
        let cfg = queue_config(&self.prefix, name);
        let mut conn = self.conn.clone();
        let (active, scheduled, dead): (u64, u64, u64) = redis::pipe()
            .cmd("LLEN")
            .arg(cfg.active_jobs_list())
            .cmd("ZCARD")
            .arg(cfg.scheduled_jobs_set())
            .cmd("SCARD")
            .arg(cfg.dead_jobs_set())
            .query_async(&mut conn)
            .await?;
        Ok(QueueStats { pending: active + scheduled, dead })
    }
}
