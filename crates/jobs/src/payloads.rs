//! Job payloads (JSON in Redis).

use serde::{Deserialize, Serialize};

/// Send a fresh activation code to a pending account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendOtpEmail {
    pub user_id: String,
}

/// Ingest a CSV file found under the worker's data directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IngestCsv {
    /// Status record id in the `jobs` collection.
    pub job_id: String,
    /// File name relative to `DATA_DIR`.
    pub file: String,
}

/// Train a model on the stored history.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TrainModel {
    pub job_id: String,
    /// Activate even when the validation AUC is worse than the active model's.
    pub force: bool,
}
