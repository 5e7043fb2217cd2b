//! Appointment reminders (see `crate::reminders` for when they are due).

use crate::execute::Outcome;
use crate::WorkerState;
use jobs::SendReminder;
use storage::jobs::JobRecord;

pub async fn send(_args: SendReminder, _job: &JobRecord, _state: &WorkerState) -> Outcome {
    Outcome::Failed("reminders are not implemented yet".into())
}
