//! Status of background jobs (`jobs`), written by the worker and read by the
//! API, so a client can follow a job by id whatever the queue keeps.

use crate::docs::{from_bson_time, to_bson_time};
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use mongodb::bson::{doc, DateTime as BsonDateTime};
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "jobs";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JobDoc {
    #[serde(rename = "_id")]
    id: String,
    kind: String,
    state: JobState,
    progress: u8,
    message: Option<String>,
    result: Option<String>,
    requested_by: Option<String>,
    created_at: BsonDateTime,
    updated_at: BsonDateTime,
}

/// A job as reported to clients; `result` is the job's JSON output.
#[derive(Debug, Clone)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub state: JobState,
    pub progress: u8,
    pub message: Option<String>,
    pub result: Option<serde_json::Value>,
    pub requested_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<JobDoc> for JobRecord {
    fn from(d: JobDoc) -> Self {
        Self {
            id: d.id,
            kind: d.kind,
            state: d.state,
            progress: d.progress,
            message: d.message,
            result: d.result.and_then(|r| serde_json::from_str(&r).ok()),
            requested_by: d.requested_by,
            created_at: from_bson_time(d.created_at),
            updated_at: from_bson_time(d.updated_at),
        }
    }
}

impl Store {
    fn jobs(&self) -> mongodb::Collection<JobDoc> {
        self.collection(COLLECTION)
    }

    pub async fn create_job(&self, id: &str, kind: &str, requested_by: Option<&str>) -> Result<()> {
        let now = to_bson_time(Utc::now());
        let doc = JobDoc {
            id: id.into(),
            kind: kind.into(),
            state: JobState::Queued,
            progress: 0,
            message: None,
            result: None,
            requested_by: requested_by.map(String::from),
            created_at: now,
            updated_at: now,
        };
        self.jobs().insert_one(doc).await?;
        Ok(())
    }

    pub async fn update_job(&self, id: &str, state: JobState, progress: u8, message: Option<&str>) -> Result<()> {
        let state = mongodb::bson::to_bson(&state)?;
        let set = doc! { "state": state, "progress": i32::from(progress), "message": message, "updated_at": to_bson_time(Utc::now()) };
        self.jobs().update_one(doc! { "_id": id }, doc! { "$set": set }).await?;
        Ok(())
    }

    pub async fn finish_job(&self, id: &str, state: JobState, message: Option<&str>, result: &serde_json::Value) -> Result<()> {
        let state = mongodb::bson::to_bson(&state)?;
        let set = doc! {
            "state": state, "progress": 100, "message": message,
            "result": result.to_string(), "updated_at": to_bson_time(Utc::now()),
        };
        self.jobs().update_one(doc! { "_id": id }, doc! { "$set": set }).await?;
        Ok(())
    }

    pub async fn find_job(&self, id: &str) -> Result<Option<JobRecord>> {
        Ok(self.jobs().find_one(doc! { "_id": id }).await?.map(JobRecord::from))
    }
}
