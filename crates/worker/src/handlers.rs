//! One handler per queue. `Err` retries (with backoff, then Redis re-queues);
//! `AbortError` sends the task to the dead-letter set at once.

use crate::mailer::MailError;
use crate::progress::Progress;
use crate::WorkerState;
use apalis::prelude::{AbortError, Attempt, BoxDynError, Data};
use chrono::{Duration, Utc};
use domain::user::AccountStatus;
use jobs::{IngestCsv, SendOtpEmail, TrainModel};
use pipeline::PipelineError;
use storage::jobs::JobState;

fn abort(reason: impl Into<String>) -> BoxDynError {
    AbortError::new(reason.into()).into()
}

/// Generates a fresh code, stores only its keyed hash, and e-mails it. The code
/// never reaches the logs or Redis.
pub async fn send_otp(job: SendOtpEmail, state: Data<WorkerState>, attempt: Attempt) -> Result<(), BoxDynError> {
    let Some(user) = state.store.find_user(&job.user_id).await? else {
        return Err(abort("the account no longer exists"));
    };
    if user.status != AccountStatus::Pending {
        tracing::info!(user_id = %user.id, "account already activated; no code sent");
        return Ok(());
    }
    let code = domain::otp::generate();
    let ttl = state.settings.auth.otp_ttl_minutes;
    state.store.put_otp(&user.id, &state.otp.digest(&user.id, &code), Utc::now() + Duration::minutes(ttl)).await?;
    let body = format!(
        "Hello {},\n\nAn administrator created your Health Sphere account.\n\nYour activation code is: {code}\n\n\
         It expires in {ttl} minutes. Use it with your e-mail address to set your password.\n\n\
         If you did not expect this e-mail, you can ignore it.\n",
        user.full_name
    );
    match state.mailer.send(&user.email, "Your Health Sphere activation code", body).await {
        Ok(()) => {
            tracing::info!(user_id = %user.id, attempt = attempt.current(), "activation code sent");
            metrics::counter!("worker_jobs_total", "queue" => "email", "outcome" => "succeeded").increment(1);
            Ok(())
        }
        Err(MailError::Permanent(reason)) => {
            tracing::error!(user_id = %user.id, %reason, "activation e-mail refused permanently");
            metrics::counter!("worker_jobs_total", "queue" => "email", "outcome" => "aborted").increment(1);
            Err(abort(reason))
        }
        Err(MailError::Transient(reason)) => {
            tracing::warn!(user_id = %user.id, attempt = attempt.current(), %reason, "SMTP unavailable; will retry");
            metrics::counter!("worker_jobs_total", "queue" => "email", "outcome" => "retried").increment(1);
            Err(reason.into())
        }
    }
}

/// Failures of the data itself (bad file, too little data) will not change on retry.
fn is_permanent(err: &PipelineError) -> bool {
    matches!(err, PipelineError::BadFile(_) | PipelineError::Io(_) | PipelineError::Training(_) | PipelineError::Model(_))
}

async fn finish(state: &WorkerState, queue: &'static str, job_id: &str, result: Result<serde_json::Value, PipelineError>) -> Result<(), BoxDynError> {
    match result {
        Ok(json) => {
            state.store.finish_job(job_id, JobState::Succeeded, None, &json).await?;
            metrics::counter!("worker_jobs_total", "queue" => queue, "outcome" => "succeeded").increment(1);
            Ok(())
        }
        Err(err) if is_permanent(&err) => {
            state.store.finish_job(job_id, JobState::Failed, Some(&err.to_string()), &serde_json::Value::Null).await?;
            metrics::counter!("worker_jobs_total", "queue" => queue, "outcome" => "failed").increment(1);
            Err(abort(err.to_string()))
        }
        Err(err) => {
            state.store.update_job(job_id, JobState::Queued, 0, Some(&format!("retrying: {err}"))).await?;
            Err(err.to_string().into())
        }
    }
}

pub async fn ingest(job: IngestCsv, state: Data<WorkerState>) -> Result<(), BoxDynError> {
    let started = std::time::Instant::now();
    let path = state.settings.data_dir.join(&job.file);
    let progress = Progress::start(state.store.clone(), job.job_id.clone());
    progress.report(0, "reading");
    let result = pipeline::ingest::ingest_file(&state.store, &path, &mut |rows| progress.report(0, &format!("{rows} rows read"))).await;
    progress.finish().await;
    metrics::histogram!("worker_job_seconds", "queue" => "ingest").record(started.elapsed().as_secs_f64());
    finish(&state, "ingest", &job.job_id, result.map(|s| serde_json::to_value(s).unwrap_or_default())).await
}

pub async fn train(job: TrainModel, state: Data<WorkerState>) -> Result<(), BoxDynError> {
    let started = std::time::Instant::now();
    let progress = Progress::start(state.store.clone(), job.job_id.clone());
    let result = pipeline::training::train_and_register(&state.store, &state.settings.artifacts_dir, job.force, &mut |percent, step| {
        progress.report(percent, step)
    })
    .await;
    progress.finish().await;
    metrics::histogram!("worker_job_seconds", "queue" => "train").record(started.elapsed().as_secs_f64());
    finish(&state, "train", &job.job_id, result.map(|s| serde_json::to_value(s).unwrap_or_default())).await
}
