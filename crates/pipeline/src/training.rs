//! Trains on the stored history and registers the result: the artifact goes to
//! `artifacts/<version>.json` and into the `models` registry. It becomes
//! active only if, on the candidate's held-out window (its test period), the
//! candidate's held-out fit scores an AUC not worse than the active model
//! scores on the same appointments (or when forced). The active model may have
//! been refitted on some of those appointments, which can only favour it: a
//! candidate replaces it only when clearly not worse.

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
    /// The candidate's held-out AUC on its test window.
    pub window_auc: Option<f64>,
    /// The active model's AUC on the same window.
    pub previous_window_auc: Option<f64>,
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
    let previous = match store.active_model_version().await? {
        Some(v) => store.find_model(&v).await?,
        None => None,
    };
    // An active artifact this version cannot read cannot be compared: the candidate wins.
    let active = previous.as_ref().and_then(|p| ModelArtifact::from_json(&p.artifact).ok());
    progress(25, "training");
    let (mut artifact, previous_window_auc) = tokio::task::spawn_blocking(move || {
        let artifact = ml::train::train(&records, &ml::train::TrainConfig::default(), &mut |_| {})
            .map_err(|e| PipelineError::Training(e.to_string()))?;
        let window = active.map(|a| ml::train::auc_on_window(&records, &a, artifact.split.test_from));
        Ok::<_, PipelineError>((artifact, window.flatten()))
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
    let (activated, reason) = decide(artifact.evaluation.auc, previous.as_ref().map(|p| (p.version.as_str(), previous_window_auc)), force);
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
        window_auc: artifact.evaluation.auc,
        previous_window_auc,
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

/// The promotion rule, kept pure for testing: the candidate's held-out AUC
/// against the active model's `(version, AUC)` on the same window.
pub fn decide(candidate: Option<f64>, active: Option<(&str, Option<f64>)>, force: bool) -> (bool, String) {
    match (force, active) {
        (true, _) => (true, "activated because forced".into()),
        (false, None) => (true, "activated: no model was active".into()),
        (false, Some((old, old_auc))) => match (candidate, old_auc) {
            (Some(new_auc), Some(old_auc)) if new_auc + 1e-12 < old_auc => (
                false,
                format!("kept {old}: on the same recent appointments the new model's AUC {new_auc:.4} is worse than its {old_auc:.4}"),
            ),
            (None, Some(_)) => (false, format!("kept {old}: the new model has no AUC on its test window")),
            (_, None) => (true, format!("activated: {old} could not be scored on the new model's test window")),
            (Some(new_auc), Some(old_auc)) => {
                (true, format!("activated: on the same recent appointments AUC {new_auc:.4}, not worse than {old}'s {old_auc:.4}"))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_is_promoted_only_when_not_worse_on_the_same_window_unless_forced() {
        assert!(decide(Some(0.70), None, false).0, "first model");
        assert!(decide(Some(0.70), Some(("old", Some(0.70))), false).0, "equal is not worse");
        assert!(decide(Some(0.70), Some(("old", Some(0.69))), false).0, "better");
        let (kept, reason) = decide(Some(0.70), Some(("old", Some(0.71))), false);
        assert!(!kept);
        assert!(reason.contains("kept old"), "{reason}");
        assert!(decide(Some(0.70), Some(("old", Some(0.71))), true).0, "forced");
        assert!(!decide(None, Some(("old", Some(0.6))), false).0, "no AUC");
        assert!(decide(Some(0.6), Some(("old", None)), false).0, "an active model that cannot be scored");
    }
}
