//! Background jobs shared by the producer (the api) and the consumer (the
//! worker): job kinds and their arguments, the Redis queues, and the relay
//! that moves jobs from the MongoDB outbox to Redis.
//!
//! A job's arguments live in MongoDB; Redis carries only the job id, so no
//! secret or personal data sits in Redis, where apalis keeps task data.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod payloads;
mod queues;
pub mod relay;

pub use payloads::{
    new_job, new_job_with_id, reminder_job_id, IngestCsv, JobKind, JobRef, SendOtpEmail, SendReminder, TrainModel, EMAIL_QUEUE,
    INGEST_QUEUE, TRAIN_QUEUE,
};
pub use queues::{queue_config, QueueError, QueueStats, Queues};
pub use relay::{Relay, RelayConfig};
