//! apalis keeps every finished task's data and metadata in Redis. An hourly
//! sweep deletes them once they are a day old (the `jobs` collection keeps the
//! status clients read).

use apalis_core::backend::Vacuum;
use jobs::{IngestCsv, Queues, SendOtpEmail, TrainModel, EMAIL_QUEUE, INGEST_QUEUE, TRAIN_QUEUE};
use std::time::Duration;

pub const EVERY: Duration = Duration::from_secs(3600);
pub const KEEP: Duration = Duration::from_secs(24 * 3600);

/// Removes finished tasks older than `older_than` from every queue; returns how many.
pub async fn sweep(queues: &Queues, older_than: Duration) -> usize {
    let results = [
        queues.storage::<SendOtpEmail>(EMAIL_QUEUE).vacuum_before(older_than).await,
        queues.storage::<IngestCsv>(INGEST_QUEUE).vacuum_before(older_than).await,
        queues.storage::<TrainModel>(TRAIN_QUEUE).vacuum_before(older_than).await,
    ];
    results
        .into_iter()
        .filter_map(|r| r.map_err(|e| tracing::warn!(error = %e, "queue vacuum failed")).ok())
        .sum()
}

pub fn spawn(queues: Queues) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(EVERY).await;
            let removed = sweep(&queues, KEEP).await;
            tracing::info!(removed, "finished tasks vacuumed");
        }
    });
}
