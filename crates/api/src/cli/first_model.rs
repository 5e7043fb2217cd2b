//! `api first-model [CSV]`: on a fresh install with no active model, ingest
//! the shipped sample and train on it, so the first booking already has a
//! prediction with reasons. Does nothing once a model is active.

use std::path::Path;
use storage::Store;

pub async fn first_model(store: &Store, csv: &Path, artifacts: &Path) -> anyhow::Result<String> {
    if let Some(version) = store.active_model_version().await? {
        return Ok(format!("model {version} is already active"));
    }
    let ingested = super::ingest(store, csv).await?;
    let summary = super::train(store, artifacts, true).await?;
    Ok(format!(
        "ingested {} new rows from {}; trained and activated model {} (held-out AUC {})",
        ingested["inserted"],
        csv.display(),
        summary["version"].as_str().unwrap_or("?"),
        summary["window_auc"].as_f64().map_or("n/a".into(), |a| format!("{a:.3}"))
    ))
}
