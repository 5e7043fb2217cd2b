//! What a job is asked to do. The arguments live in the job's MongoDB
//! document (the outbox); Redis carries only [`JobRef`], the job's id, so no
//! personal data or code ever sits in Redis.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use storage::jobs::NewJob;

/// The only thing pushed to Redis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JobRef {
    pub job_id: String,
}

/// A kind of job: its name, its queue and its arguments.
pub trait JobKind: Serialize + DeserializeOwned {
    const KIND: &'static str;
    const QUEUE: &'static str;
}

/// Send a fresh activation code to a pending account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendOtpEmail {
    pub user_id: String,
}

/// E-mail the reminder due `hours` before an appointment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendReminder {
    pub appointment_id: String,
    pub hours: u32,
}

/// Ingest a CSV file found under the worker's data directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IngestCsv {
    /// File name relative to `DATA_DIR`.
    pub file: String,
}

/// Train a model on the stored history.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TrainModel {
    /// Activate even when the new model does worse than the active one.
    pub force: bool,
}

pub const EMAIL_QUEUE: &str = "email";
pub const INGEST_QUEUE: &str = "ingest";
pub const TRAIN_QUEUE: &str = "train";

impl JobKind for SendOtpEmail {
    const KIND: &'static str = "send_otp";
    const QUEUE: &'static str = EMAIL_QUEUE;
}

impl JobKind for SendReminder {
    const KIND: &'static str = "send_reminder";
    const QUEUE: &'static str = EMAIL_QUEUE;
}

impl JobKind for IngestCsv {
    const KIND: &'static str = "ingest_csv";
    const QUEUE: &'static str = INGEST_QUEUE;
}

impl JobKind for TrainModel {
    const KIND: &'static str = "train_model";
    const QUEUE: &'static str = TRAIN_QUEUE;
}

/// A new job with a fresh random id.
pub fn new_job<K: JobKind>(args: &K, requested_by: Option<&str>) -> NewJob {
    new_job_with_id(uuid::Uuid::new_v4().simple().to_string(), args, requested_by)
}

/// A new job with a given id (deterministic ids make creation idempotent).
pub fn new_job_with_id<K: JobKind>(id: String, args: &K, requested_by: Option<&str>) -> NewJob {
    NewJob {
        id,
        kind: K::KIND.to_string(),
        queue: K::QUEUE.to_string(),
        payload: serde_json::to_value(args).unwrap_or(serde_json::Value::Null),
        requested_by: requested_by.map(String::from),
    }
}

/// The job id of the reminder due `hours` before an appointment: one per pair, ever.
pub fn reminder_job_id(appointment_id: &str, hours: u32) -> String {
    format!("reminder:{appointment_id}:{hours}")
}
