//! Running one job: claim it in MongoDB (so a job delivered twice runs once),
//! keep the claim alive while it runs, run the handler for its kind, and record
//! the result. Retries are scheduled in MongoDB (the relay pushes the job again
//! when they are due), so Redis is only ever told "done": a Redis restart
//! loses nothing that matters.

use crate::handlers;
use crate::WorkerState;
use apalis::prelude::{BoxDynError, Data};
use chrono::{Duration, Utc};
use jobs::JobRef;
use storage::jobs::{JobClaim, JobRecord, JobState};

/// What a handler decided.
pub enum Outcome {
    /// Finished; the JSON is the job's result.
    Done(serde_json::Value),
    /// Can never succeed (bad file, unknown account): failed with this reason.
    Failed(String),
    /// Could not run now (SMTP or a database down): try again after the delay.
    Retry { reason: String, after: Duration },
}

/// The delay before retry number `attempt` (1-based): 2 s doubling, at most 5 minutes.
pub fn backoff(attempt: u32) -> Duration {
    Duration::seconds(2_i64.saturating_pow(attempt.clamp(1, 9))).min(Duration::minutes(5))
}

/// A transient storage failure becomes a retry; anything else fails the job.
pub fn storage_outcome(err: storage::StorageError, job: &JobRecord) -> Outcome {
    if err.is_unavailable() {
        Outcome::Retry { reason: err.to_string(), after: backoff(job.attempts) }
    } else {
        Outcome::Failed(err.to_string())
    }
}

/// The apalis handler of every queue.
pub async fn run(job: JobRef, state: Data<WorkerState>) -> Result<(), BoxDynError> {
    let lease = Duration::seconds(i64::try_from(state.settings.jobs.lease.as_secs()).unwrap_or(60));
    let claimed = match state.store.claim_job(&job.job_id, Utc::now(), lease).await {
        Ok(Some(claimed)) => claimed,
        Ok(None) => return Ok(()), // finished already, or running elsewhere: a duplicate delivery
        Err(err) => {
            // The relay pushes it again while it is still queued in MongoDB.
            tracing::warn!(job_id = %job.job_id, error = %err, "could not claim the job; it stays queued");
            return Ok(());
        }
    };
    let Some(claim) = claimed.claim.clone() else {
        tracing::warn!(job_id = %claimed.id, "claimed job carries no claim token; leaving it to its lease");
        return Ok(());
    };
    let started = std::time::Instant::now();
    let outcome = {
        // Dropped with the handler, whether it returns, fails or panics.
        let _renewer = Renewer::start(state.store.clone(), claim.clone(), lease);
        handlers::handle(&claimed, &state).await
    };
    let queue = claimed.queue.clone();
    metrics::histogram!("worker_job_seconds", "queue" => queue.clone()).record(started.elapsed().as_secs_f64());
    let label = match &outcome {
        Outcome::Done(_) => "succeeded",
        Outcome::Failed(_) => "failed",
        Outcome::Retry { .. } => "retried",
    };
    metrics::counter!("worker_jobs_total", "queue" => queue, "outcome" => label).increment(1);
    match &outcome {
        Outcome::Failed(reason) => tracing::warn!(job_id = %claimed.id, kind = %claimed.kind, %reason, "job failed"),
        Outcome::Retry { after, .. } => {
            tracing::warn!(job_id = %claimed.id, kind = %claimed.kind, attempt = claimed.attempts, retry_in_s = after.num_seconds(), "job will be retried");
        }
        Outcome::Done(_) => {}
    }
    record(&state.store, &claim, &outcome).await;
    Ok(())
}

/// How long to keep trying a write that must not be lost while the database
/// is unreachable: writes that record work already done (an e-mail sent),
/// which would otherwise be done again.
pub const RETRY_WRITES_FOR: std::time::Duration = std::time::Duration::from_secs(30);

/// Records what the handler decided: a job that did its work and then failed
/// to say so would run again once its lease expired.
async fn record(store: &storage::Store, claim: &JobClaim, outcome: &Outcome) {
    let recorded = storage::retry::while_unavailable(RETRY_WRITES_FOR, || async {
        match outcome {
            Outcome::Done(result) => store.finish_job(claim, JobState::Succeeded, None, result).await,
            Outcome::Failed(reason) => store.finish_job(claim, JobState::Failed, Some(reason), &serde_json::Value::Null).await,
            Outcome::Retry { reason, after } => store.retry_job_later(claim, Utc::now() + *after, &format!("retrying: {reason}")).await,
        }
    })
    .await;
    match recorded {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(job_id = %claim.job_id, "the job's claim expired while it ran; its result was not recorded (another run holds it)");
        }
        // The claim expires and the relay queues the job again: nothing is lost.
        Err(err) => tracing::warn!(job_id = %claim.job_id, error = %err, "could not record the job's result"),
    }
}

/// Extends the claim every third of the lease while the handler runs; the
/// task is aborted when this guard is dropped.
struct Renewer(tokio::task::JoinHandle<()>);

impl Renewer {
    fn start(store: storage::Store, claim: JobClaim, lease: Duration) -> Self {
        Self(tokio::spawn(async move {
            let every = (lease / 3).to_std().unwrap_or(std::time::Duration::from_secs(20));
            loop {
                tokio::time::sleep(every).await;
                match store.renew_lease(&claim, Utc::now() + lease).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(job_id = %claim.job_id, "the job's claim was lost (lease expired); its result will not be recorded");
                        return;
                    }
                    Err(err) => tracing::warn!(job_id = %claim.job_id, error = %err, "could not renew the job's claim"),
                }
            }
        }))
    }
}

impl Drop for Renewer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_five_minutes() {
        assert_eq!(backoff(1), Duration::seconds(2));
        assert_eq!(backoff(3), Duration::seconds(8));
        assert_eq!(backoff(20), Duration::minutes(5));
    }
}
