//! Activation codes: generated here (never in Redis or the logs), stored as a
//! keyed hash, e-mailed with lettre.

use crate::execute::{backoff, storage_outcome, Outcome};
use crate::mailer::MailError;
use crate::WorkerState;
use chrono::{Duration, Utc};
use domain::user::AccountStatus;
use jobs::SendOtpEmail;
use storage::jobs::JobRecord;

/// An account that is still missing this long after its job was written never will exist.
const ACCOUNT_GRACE: Duration = Duration::minutes(2);

pub async fn send(args: SendOtpEmail, job: &JobRecord, state: &WorkerState) -> Outcome {
    let user = match state.store.find_user(&args.user_id).await {
        Ok(Some(user)) => user,
        Ok(None) if Utc::now() - job.created_at < ACCOUNT_GRACE => {
            return Outcome::Retry { reason: "the account is not visible yet".into(), after: backoff(job.attempts) }
        }
        Ok(None) => return Outcome::Failed("the account no longer exists".into()),
        Err(err) => return storage_outcome(err, job),
    };
    if user.status != AccountStatus::Pending {
        tracing::info!(user_id = %user.id, "account already activated; no code sent");
        return Outcome::Done(serde_json::json!({ "sent": false, "reason": "already active" }));
    }
    let code = domain::otp::generate();
    let ttl = state.settings.auth.otp_ttl_minutes;
    if let Err(err) = state.store.put_otp(&user.id, &state.otp.digest(&user.id, &code), Utc::now() + Duration::minutes(ttl)).await {
        return storage_outcome(err, job);
    }
    let body = format!(
        "Hello {},\n\nAn administrator created your Health Sphere account.\n\nYour activation code is: {code}\n\n\
         It expires in {ttl} minutes. Use it with your e-mail address to set your password.\n\n\
         If you did not expect this e-mail, you can ignore it.\n",
        user.full_name
    );
    match state.mailer.send(&user.email, "Your Health Sphere activation code", body).await {
        Ok(()) => {
            tracing::info!(user_id = %user.id, attempt = job.attempts, "activation code sent");
            Outcome::Done(serde_json::json!({ "sent": true }))
        }
        Err(MailError::Permanent(reason)) => Outcome::Failed(format!("the mail server refused the message: {reason}")),
        Err(MailError::Transient(reason)) => Outcome::Retry { reason: format!("SMTP unavailable: {reason}"), after: backoff(job.attempts) },
    }
}
