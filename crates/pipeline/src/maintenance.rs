//! Repairs that keep derived data in line with what was recorded, run in the
//! background by both the API and the worker (each repair is idempotent).
//!
//! - Outcome effects: an outcome (or correction) marks its appointment until
//!   the patient's attendance and the training history follow it. The request
//!   does that at once; if it was interrupted (a crash, the database going
//!   away between writes), this sweep finishes it, and then empties the
//!   cached views the effects change (the request emptied them before the
//!   effects were there).

use chrono::{DateTime, Duration, Utc};
use domain::clinic_time::ClinicZone;
use domain::clock::SharedClock;
use storage::{Cache, Store};

/// Outcome effects left pending for longer than this are repaired.
const GRACE: Duration = Duration::seconds(10);

/// Finishes outcome effects pending since before `now - grace`; returns how many appointments were repaired.
pub async fn repair_outcome_effects(
    store: &Store,
    cache: &Cache,
    zone: &ClinicZone,
    now: DateTime<Utc>,
    grace: Duration,
) -> Result<usize, storage::StorageError> {
    let ids = store.appointments_with_pending_effects(now - grace, 200).await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let owed = cache.owe(&storage::cache::views::OUTCOME);
    let repaired = async {
        for id in &ids {
            store.apply_outcome_effects(id, zone).await?;
        }
        Ok::<_, storage::StorageError>(())
    }
    .await;
    owed.pay().await;
    repaired?;
    tracing::info!(repaired = ids.len(), "outcome effects repaired");
    Ok(ids.len())
}

/// Runs the repairs every `every` until the process ends.
pub fn spawn(store: Store, cache: Cache, zone: ClinicZone, clock: SharedClock, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            if let Err(err) = repair_outcome_effects(&store, &cache, &zone, clock.now(), GRACE).await {
                tracing::warn!(error = %err, "maintenance sweep failed; retrying");
            }
        }
    })
}
