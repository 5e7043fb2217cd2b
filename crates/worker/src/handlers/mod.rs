//! One handler per kind of job; [`handle`] picks it by the job's `kind`.

mod ingest;
mod otp;
mod reminder;
mod train;

use crate::execute::Outcome;
use crate::WorkerState;
use jobs::JobKind;
use storage::jobs::JobRecord;

/// Runs a claimed job.
pub async fn handle(job: &JobRecord, state: &WorkerState) -> Outcome {
    match job.kind.as_str() {
        jobs::SendOtpEmail::KIND => with_args(job, |args| otp::send(args, job, state)).await,
        jobs::SendReminder::KIND => with_args(job, |args| reminder::send(args, job, state)).await,
        jobs::IngestCsv::KIND => with_args(job, |args| ingest::run(args, job, state)).await,
        jobs::TrainModel::KIND => with_args(job, |args| train::run(args, job, state)).await,
        other => Outcome::Failed(format!("unknown job kind {other}")),
    }
}

async fn with_args<K: JobKind, F, Fut>(job: &JobRecord, run: F) -> Outcome
where
    F: FnOnce(K) -> Fut,
    Fut: std::future::Future<Output = Outcome>,
{
    match serde_json::from_value::<K>(job.payload.clone()) {
        Ok(args) => run(args).await,
        Err(err) => Outcome::Failed(format!("the job's arguments are unreadable: {err}")),
    }
}
