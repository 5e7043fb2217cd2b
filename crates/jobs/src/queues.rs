//! The Redis queues, named under the deployment's prefix in both processes
//! (apalis would otherwise name them after Rust types).

use apalis::prelude::TaskSink;
use apalis_redis::{Config, ConnectionManager, RedisStorage};
use serde::{de::DeserializeOwned, Serialize};
use std::time::Duration;

use crate::{IngestCsv, SendOtpEmail, TrainModel};

pub const EMAIL_QUEUE: &str = "email";
pub const INGEST_QUEUE: &str = "ingest";
pub const TRAIN_QUEUE: &str = "train";

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
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, QueueError> {
        Ok(Self { conn: apalis_redis::connect(url).await?, prefix: prefix.to_string() })
    }

    pub fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A storage for queue `name`, for producing or consuming.
    pub fn storage<T>(&self, name: &str) -> RedisStorage<T>
    where
        T: Serialize + DeserializeOwned + Send + Sync + Unpin + 'static,
    {
        RedisStorage::new(self.conn.clone()).with_config(queue_config(&self.prefix, name))
    }

    async fn push<T>(&self, name: &str, job: T) -> Result<(), QueueError>
    where
        T: Serialize + DeserializeOwned + Send + Sync + Unpin + 'static,
    {
        self.storage::<T>(name).push(job).await.map_err(|e| QueueError::Push(e.to_string()))
    }

    pub async fn send_otp_email(&self, job: SendOtpEmail) -> Result<(), QueueError> {
        self.push(EMAIL_QUEUE, job).await
    }

    pub async fn ingest_csv(&self, job: IngestCsv) -> Result<(), QueueError> {
        self.push(INGEST_QUEUE, job).await
    }

    pub async fn train_model(&self, job: TrainModel) -> Result<(), QueueError> {
        self.push(TRAIN_QUEUE, job).await
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
