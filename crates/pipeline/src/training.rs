//! Trains on the stored history and registers the result: the artifact goes to
//! `artifacts/<version>.json` and into the `models` registry; it becomes active
//! only if its validation AUC is not worse than the active model's (or when forced).

use crate::{history_rows::to_records, PipelineError};
use chrono::Utc;
use ml::model::ModelArtifact;
use serde::Serialize;
use std::path::Path;
use storage::{models::ModelRecord, Store};

/// The outcome of one training run.
#[derive(Debug, Clone, Serialize)]
pub struct TrainSummary {
    pub version: String,
    pub activated: bool,
    pub reason: String,
    pub validation_auc: Option<f64>,
    pub previous_version: Option<String>,
    pub previous_validation_auc: Option<f64>,
    pub artifact_path: String,
    pub evaluation: serde_json::Value,
    pub baseline: serde_json::Value,
    pub rows: serde_json::Value,
}

/// `progress(percent, step)` is called between the steps.
pub async fn train_and_register(
    store: &Store,
    artifacts_dir: &Path,
    force: bool,
    progress: &mut (dyn FnMut(u8, &str) + Send),
) -> Result<TrainSummary, PipelineError> {
    progress(5, "loading history");
    let records = to_records(&store.all_history().await?)?;
    progress(25, "training");
    let mut artifact = tokio::task::spawn_blocking(move || {
        ml::train::train(&records, &ml::train::TrainConfig::default(), &mut |_| {}).map_err(|e| PipelineError::Training(e.to_string()))
    })
    .await
    .map_err(|e| PipelineError::Training(e.to_string()))??;
    progress(80, "registering");
    artifact.version = format!("v{}-{}", Utc::now().format("%Y%m%d%H%M%S"), artifact.data_hash.get(..8).unwrap_or("0"));
    let path = save(&artifact, artifacts_dir)?;
    let evaluation = serde_json::to_value(&artifact.evaluation).unwrap_or_default();
    store
        .insert_model(&ModelRecord {
            version: artifact.version.clone(),
            created_at: artifact.created_at,
            validation_auc: artifact.validation_auc,
            evaluation: evaluation.clone(),
            artifact_path: path.clone(),
            artifact: artifact.to_json()?,
        })
        .await?;
    let previous = match store.active_model_version().await? {
        Some(v) => store.find_model(&v).await?,
        None => None,
    };
    let (activated, reason) = decide(&artifact, previous.as_ref(), force);
    if activated {
        store.activate_model(&artifact.version).await?;
    }
    tracing::info!(version = %artifact.version, activated, %reason, "model registered");
    Ok(TrainSummary {
        version: artifact.version.clone(),
        activated,
        reason,
        validation_auc: artifact.validation_auc,
        previous_version: previous.as_ref().map(|p| p.version.clone()),
        previous_validation_auc: previous.and_then(|p| p.validation_auc),
        artifact_path: path,
        evaluation,
        baseline: serde_json::to_value(&artifact.baseline).unwrap_or_default(),
        rows: serde_json::to_value(artifact.rows).unwrap_or_default(),
    })
}

fn save(artifact: &ModelArtifact, dir: &Path) -> Result<String, PipelineError> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{}.json", artifact.version));
    artifact.save(&path)?;
    Ok(path.display().to_string())
}

/// The promotion rule, kept pure for testing.
pub fn decide(new: &ModelArtifact, active: Option<&ModelRecord>, force: bool) -> (bool, String) {
    match (force, active) {
        (true, _) => (true, "activated because forced".into()),
        (false, None) => (true, "activated: no model was active".into()),
        (false, Some(old)) => match (new.validation_auc, old.validation_auc) {
            (Some(new_auc), Some(old_auc)) if new_auc + 1e-12 < old_auc => {
                (false, format!("kept {}: validation AUC {new_auc:.4} is worse than {old_auc:.4}", old.version))
            }
            (None, Some(_)) => (false, format!("kept {}: the new model has no validation AUC", old.version)),
            _ => (true, format!("activated: validation AUC not worse than {}", old.version)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(validation_auc: Option<f64>) -> ModelArtifact {
        let file = std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/noshow-sample.csv")).unwrap();
        let (records, _) = ml::ingest::read_all(file).unwrap();
        let mut a = ml::train::train(&records, &ml::train::TrainConfig::default(), &mut |_| {}).unwrap();
        a.validation_auc = validation_auc;
        a
    }

    fn record(version: &str, validation_auc: Option<f64>) -> ModelRecord {
        ModelRecord {
            version: version.into(),
            created_at: Utc::now(),
            validation_auc,
            evaluation: serde_json::Value::Null,
            artifact_path: String::new(),
            artifact: String::new(),
        }
    }

    #[test]
    fn a_model_is_promoted_only_when_not_worse_than_the_active_one_unless_forced() {
        let new = artifact(Some(0.70));
        assert!(decide(&new, None, false).0, "first model");
        assert!(decide(&new, Some(&record("old", Some(0.70))), false).0, "equal is not worse");
        assert!(decide(&new, Some(&record("old", Some(0.69))), false).0, "better");
        let (kept, reason) = decide(&new, Some(&record("old", Some(0.71))), false);
        assert!(!kept);
        assert!(reason.contains("kept old"), "{reason}");
        assert!(decide(&new, Some(&record("old", Some(0.71))), true).0, "forced");
        assert!(!decide(&artifact(None), Some(&record("old", Some(0.6))), false).0, "no validation AUC");
    }
}
