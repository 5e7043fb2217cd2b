//! apalis keeps every finished task's data and metadata in Redis, and their
//! ids in the `done` and `dead` sets, forever. An hourly sweep deletes the
//! data of tasks finished more than a day ago, then the ids whose data is
//! gone (the `jobs` collection keeps the status clients read). Tasks are never
//! left waiting for a Redis-side retry (retries are scheduled in MongoDB), so
//! nothing the vacuum deletes can still be needed.

use apalis_core::backend::Vacuum;
use jobs::{queue_config, Queues, EMAIL_QUEUE, INGEST_QUEUE, TRAIN_QUEUE};
use std::time::Duration;

pub const EVERY: Duration = Duration::from_secs(3600);
pub const KEEP: Duration = Duration::from_secs(24 * 3600);

/// Removes finished tasks older than `older_than` from every queue; returns how many.
pub async fn sweep(queues: &Queues, older_than: Duration) -> usize {
    let mut removed = 0;
    for queue in [EMAIL_QUEUE, INGEST_QUEUE, TRAIN_QUEUE] {
        match queues.storage(queue).vacuum_before(older_than).await {
            Ok(n) => removed += n,
            Err(err) => tracing::warn!(error = %err, queue, "queue vacuum failed"),
        }
        if let Err(err) = prune_finished_ids(queues, queue).await {
            tracing::warn!(error = %err, queue, "pruning finished task ids failed");
        }
    }
    removed
}

/// Drops ids from the `done` and `dead` sets whose task data was vacuumed.
async fn prune_finished_ids(queues: &Queues, queue: &str) -> redis::RedisResult<()> {
    let config = queue_config(queues.prefix(), queue);
    let data = config.job_data_hash();
    let mut conn = queues.connection();
    for set in [config.done_jobs_set(), config.dead_jobs_set()] {
        let mut cursor: u64 = 0;
        loop {
            let (next, ids): (u64, Vec<String>) =
                redis::cmd("SSCAN").arg(&set).arg(cursor).arg("COUNT").arg(500).query_async(&mut conn).await?;
            for id in ids {
                let present: bool = redis::cmd("HEXISTS").arg(&data).arg(&id).query_async(&mut conn).await?;
                if !present {
                    let _: () = redis::cmd("SREM").arg(&set).arg(&id).query_async(&mut conn).await?;
                }
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
    }
    Ok(())
}

pub fn spawn(queues: Queues) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(EVERY).await;
            let removed = sweep(&queues, KEEP).await;
            tracing::info!(removed, "finished tasks vacuumed");
        }
    })
}
