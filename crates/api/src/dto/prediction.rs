//! The what-if prediction, models and jobs.

use super::fields;
use domain::prediction::{PredictionLabel, Reason, RiskBand};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// `POST /api/predictions/predict/`: not stored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WhatIf {
    /// Whole years (`3.0` is read as 3).
    #[schema(schema_with = fields::age)]
    pub age: Value,
    pub gender: domain::patient::Gender,
    /// `0`/`1` (the frontend) or a boolean.
    #[schema(schema_with = fields::flag_or_null)]
    pub sms_received: Option<Value>,
    /// 0-100; stands in for the patient's history.
    #[schema(schema_with = fields::score_or_null)]
    pub attendance_score: Option<f64>,
    /// Clinic wall-clock time, or an instant with its offset (`toISOString()`).
    #[schema(schema_with = fields::date_time)]
    pub appointment_date: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WhatIfReply {
    pub label: PredictionLabel,
    #[schema(minimum = 0, maximum = 100)]
    pub probability: u8,
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub no_show_probability: f64,
    pub model_version: String,
    pub band: Option<RiskBand>,
    pub reasons: Vec<Reason>,
}

/// `POST /api/admin/models/train/` body (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainBody {
    /// Activate even when the new model does worse than the active one.
    #[serde(default)]
    pub force: Option<bool>,
}

/// `POST /api/admin/data/ingest/` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestBody {
    /// A `.csv` file name inside the worker's data directory.
    #[schema(schema_with = fields::csv_file)]
    pub file: String,
}

/// 202 for a queued job.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobQueued {
    pub job_id: String,
    #[schema(schema_with = queued)]
    pub status: String,
}

fn queued() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String).enum_values(Some(["queued"])).into()
}

/// A background job's state.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobOut {
    pub id: String,
    pub kind: String,
    #[schema(schema_with = job_state)]
    pub state: String,
    #[schema(minimum = 0, maximum = 100)]
    pub progress: u8,
    pub message: Option<String>,
    /// The job's output (a cleaning report, a training summary).
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    pub created_at: String,
    pub updated_at: String,
}

fn job_state() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["queued", "running", "succeeded", "failed"]))
        .into()
}

impl From<&storage::jobs::JobRecord> for JobOut {
    fn from(job: &storage::jobs::JobRecord) -> Self {
        let state = serde_json::to_value(job.state).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        Self {
            id: job.id.clone(),
            kind: job.kind.clone(),
            state,
            progress: job.progress,
            message: job.message.clone(),
            result: job.result.clone(),
            created_at: job.created_at.to_rfc3339(),
            updated_at: job.updated_at.to_rfc3339(),
        }
    }
}
