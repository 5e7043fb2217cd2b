//! `api train`: trains and registers a model in-process.

use std::path::Path;
use storage::Store;

pub async fn train(store: &Store, artifacts: &Path, force: bool) -> anyhow::Result<serde_json::Value> {
    let summary = pipeline::training::train_and_register(store, artifacts, force, &mut |percent, step| {
        eprintln!("[{percent:>3}%] {step}");
    })
    .await?;
    Ok(serde_json::to_value(summary)?)
}
