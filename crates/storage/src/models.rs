//! The model registry (`models`) and the pointer to the active version
//! (`registry_state`). The full artifact JSON is kept in the database too, so a
//! process on an ephemeral disk (Render) can load any version.

use crate::docs::{collect, from_bson_time, to_bson_time};
use crate::{Result, Store, StorageError};
use chrono::{DateTime, Utc};
use mongodb::bson::{doc, DateTime as BsonDateTime, Document};
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "models";
const STATE: &str = "registry_state";
const ACTIVE_KEY: &str = "active_model";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ModelDoc {
    #[serde(rename = "_id")]
    version: String,
    created_at: BsonDateTime,
    validation_auc: Option<f64>,
    /// JSON of the evaluation on the test split (kept as text for exact round trips).
    evaluation: String,
    artifact_path: String,
    artifact: String,
}

/// One registered model version.
#[derive(Debug, Clone)]
pub struct ModelRecord {
    pub version: String,
    pub created_at: DateTime<Utc>,
    pub validation_auc: Option<f64>,
    pub evaluation: serde_json::Value,
    pub artifact_path: String,
    /// The artifact itself, as JSON.
    pub artifact: String,
}

impl From<ModelDoc> for ModelRecord {
    fn from(d: ModelDoc) -> Self {
        Self {
            version: d.version,
            created_at: from_bson_time(d.created_at),
            validation_auc: d.validation_auc,
            evaluation: serde_json::from_str(&d.evaluation).unwrap_or(serde_json::Value::Null),
            artifact_path: d.artifact_path,
            artifact: d.artifact,
        }
    }
}

impl Store {
    fn models(&self) -> mongodb::Collection<ModelDoc> {
        self.collection(COLLECTION)
    }

    pub async fn insert_model(&self, record: &ModelRecord) -> Result<()> {
        let doc = ModelDoc {
            version: record.version.clone(),
            created_at: to_bson_time(record.created_at),
            validation_auc: record.validation_auc,
            evaluation: record.evaluation.to_string(),
            artifact_path: record.artifact_path.clone(),
            artifact: record.artifact.clone(),
        };
        self.models().insert_one(doc).await?;
        Ok(())
    }

    /// Newest first.
    pub async fn list_models(&self) -> Result<Vec<ModelRecord>> {
        let cursor = self.models().find(doc! {}).sort(doc! { "created_at": -1 }).await?;
        Ok(collect(cursor).await?.into_iter().map(ModelRecord::from).collect())
    }

    pub async fn find_model(&self, version: &str) -> Result<Option<ModelRecord>> {
        Ok(self.models().find_one(doc! { "_id": version }).await?.map(ModelRecord::from))
    }

    pub async fn active_model_version(&self) -> Result<Option<String>> {
        let state = self.collection::<Document>(STATE).find_one(doc! { "_id": ACTIVE_KEY }).await?;
        Ok(state.and_then(|d| d.get_str("version").ok().map(String::from)))
    }

    /// Points the registry at `version`, which must exist.
    pub async fn activate_model(&self, version: &str) -> Result<()> {
        if self.find_model(version).await?.is_none() {
            return Err(StorageError::NotFound);
        }
        self.collection::<Document>(STATE)
            .update_one(
                doc! { "_id": ACTIVE_KEY },
                doc! { "$set": { "version": version, "activated_at": to_bson_time(Utc::now()) } },
            )
            .upsert(true)
            .await?;
        Ok(())
    }
}
