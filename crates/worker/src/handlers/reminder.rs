//! Sends one appointment reminder (see `crate::reminders` for when they are due).
//!
//! Sent at most once per (appointment, offset): the outbox job id is
//! deterministic, a job runs under one worker's lease at a time, and the
//! handler first checks the contact log, where a sent reminder is recorded
//! (once, however often this runs). Only a worker dying between the SMTP
//! server's acceptance and that record, a few milliseconds, could repeat it;
//! the message then carries the same `Message-ID` both times
//! (`reminder.<appointment>.<hours>@<sender's domain>`), so mail systems can
//! tell the copies apart. A record the database cannot take at once is retried
//! for a while.
//! Nothing is sent for an appointment that is no longer pending or has
//! started, a patient who opted out, or one without an e-mail address.

use crate::execute::{backoff, storage_outcome, Outcome, RETRY_WRITES_FOR};
use crate::mailer::{Letter, MailError};
use crate::WorkerState;
use domain::appointment::AppointmentStatus;
use domain::contact::{Channel, Contact, ContactResult};
use jobs::SendReminder;
use minijinja::{context, Environment};
use serde_json::json;
use storage::jobs::JobRecord;

/// Who the contact log names as the sender.
pub const SYSTEM_ACTOR: &str = "system";

fn skipped(reason: &str) -> Outcome {
    Outcome::Done(json!({ "sent": false, "reason": reason }))
}

fn render(name: &str, source: &str, ctx: &minijinja::Value) -> Result<String, minijinja::Error> {
    let mut env = Environment::new();
    env.add_template(name, source)?;
    env.get_template(name)?.render(ctx)
}

pub async fn send(args: SendReminder, job: &JobRecord, state: &WorkerState) -> Outcome {
    let appointment = match state.store.find_appointment(&args.appointment_id).await {
        Ok(Some(a)) => a,
        Ok(None) => return skipped("the appointment no longer exists"),
        Err(err) => return storage_outcome(err, job),
    };
    let now = state.clock.now();
    if appointment.status != AppointmentStatus::Pending {
        return skipped("the appointment is not pending");
    }
    if appointment.starts_at_utc <= now {
        return skipped("the appointment has started");
    }
    match state.store.appointment_contacts(&appointment.id).await {
        Ok(contacts) if contacts.iter().any(|c| c.reminder_hours == Some(args.hours)) => return skipped("already sent"),
        Ok(_) => {}
        Err(err) => return storage_outcome(err, job),
    }
    let patient = match state.store.find_patient(&appointment.patient_id).await {
        Ok(Some(p)) => p,
        Ok(None) => return skipped("the patient no longer exists"),
        Err(err) => return storage_outcome(err, job),
    };
    if patient.reminders_opt_out {
        return skipped("the patient opted out of reminders");
    }
    let Some(email) = patient.email.clone().filter(|e| !e.is_empty()) else { return skipped("the patient has no e-mail address") };
    let clinic = &state.settings.clinic;
    let local = clinic.zone.local(appointment.starts_at_utc);
    let ctx = context! {
        patient => patient.full_name,
        clinic => clinic.name,
        day => local.format("%A %-d %B %Y").to_string(),
        time => local.format("%H:%M").to_string(),
        zone => clinic.zone.to_string(),
    };
    let (text, html) = match (
        render("reminder.txt", include_str!("../../templates/reminder.txt"), &ctx),
        render("reminder.html", include_str!("../../templates/reminder.html"), &ctx),
    ) {
        (Ok(text), Ok(html)) => (text, html),
        _ => return Outcome::Failed("the reminder template could not be rendered".into()),
    };
    let letter = Letter {
        to: email,
        subject: format!("Reminder: your appointment on {}", local.format("%-d %B at %H:%M")),
        text,
        html: Some(html),
        message_id: Some(format!("reminder.{}.{}@{}", appointment.id, args.hours, sender_domain(&state.settings.smtp.from))),
    };
    match state.mailer.deliver(letter).await {
        Ok(()) => {}
        Err(MailError::Permanent(reason)) => return Outcome::Failed(format!("the mail server refused the reminder: {reason}")),
        Err(MailError::Transient(reason)) => return Outcome::Retry { reason: format!("SMTP unavailable: {reason}"), after: backoff(job.attempts) },
    }
    let contact = Contact {
        id: uuid::Uuid::new_v4().to_string(),
        channel: Channel::Email,
        result: ContactResult::Sent,
        note: Some(format!("automatic reminder {} h before", args.hours)),
        by: SYSTEM_ACTOR.into(),
        at: state.clock.now(),
        reminder_hours: Some(args.hours),
    };
    if let Err(err) = storage::retry::while_unavailable(RETRY_WRITES_FOR, || state.store.add_contact(&appointment.id, &contact)).await {
        // Sent but not logged: retrying would send it again, so report it instead.
        tracing::error!(appointment_id = %appointment.id, error = %err, "reminder sent but not recorded in the contact log");
        return Outcome::Done(json!({ "sent": true, "logged": false }));
    }
    tracing::info!(appointment_id = %appointment.id, hours = args.hours, "reminder sent");
    Outcome::Done(json!({ "sent": true }))
}

/// The domain of the sender's address (`MAIL_FROM`), for message ids.
fn sender_domain(mail_from: &str) -> &str {
    mail_from.rsplit('@').next().map(|d| d.trim_end_matches('>').trim()).filter(|d| !d.is_empty()).unwrap_or("healthsphere.local")
}
