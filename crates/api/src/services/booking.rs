//! Booking appointments (with the prediction made at that moment), recording
//! outcomes (and correcting them), and cancelling, all scoped: a doctor only
//! ever sees their own appointments; anyone else's are "not found".
//!
//! Booking makes a fixed number of round trips whatever the data size (the
//! account, the patient, the doctor when an admin books, the patient's history
//! for the prediction, and the insert, which also decides slot conflicts),
//! each served by an index.

use crate::auth::CurrentUser;
use crate::dto::appointment::{AppointmentIn, CorrectionIn, OutcomeIn};
use crate::error::{ApiError, ApiResult};
use crate::services::appointment_lists;
use crate::state::AppState;
use chrono::{Duration, NaiveDateTime};
use domain::appointment::{check_outcome_time, may_correct, parse_correction_reason, parse_reason, Appointment, AppointmentStatus, Outcome};
use domain::dates::parse_wall_clock;
use domain::patient::{Gender, Patient};
use domain::prediction::{Prediction, PredictionInput, Predictor};
use domain::role::Role;
use domain::ValidationError;
use storage::appointments::{NewAppointment, Subject};

/// The appointment if the user may see it.
pub async fn find_scoped(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<Appointment> {
    state
        .store
        .find_appointment(id)
        .await?
        .filter(|a| user.is_admin() || a.doctor_id == user.id)
        .ok_or(ApiError::NotFound("Appointment"))
}

async fn booking_doctor(state: &AppState, user: &CurrentUser, requested: Option<&str>) -> ApiResult<String> {
    let requested = requested.map(str::trim).filter(|d| !d.is_empty());
    if !user.is_admin() {
        return match requested {
            Some(d) if d != user.id => Err(ApiError::Forbidden("Doctors can only book their own appointments.")),
            _ => Ok(user.id.clone()),
        };
    }
    let id = requested.ok_or_else(|| ApiError::BadRequest("Choose the doctor for this appointment (doctorId).".into()))?;
    let doctor = state.store.find_user(id).await?.filter(|u| u.role == Role::Doctor).ok_or(ApiError::NotFound("Doctor"))?;
    if !doctor.is_active() {
        return Err(ApiError::BadRequest("This doctor's account is not active.".into()));
    }
    Ok(doctor.id)
}

async fn predict(state: &AppState, patient: &Patient, starts_at: NaiveDateTime, sms: bool) -> ApiResult<Option<Prediction>> {
    if state.model.current().is_none() {
        return Ok(None);
    }
    let input = PredictionInput {
        age: patient.current_age(state.today()),
        female: patient.gender == Gender::F,
        booked_at: state.clinic_now(),
        appointment_at: starts_at,
        flags: patient.flags,
        sms_received: sms,
        neighbourhood: patient.neighbourhood.clone(),
        past: Some(state.store.patient_past(&patient.id, state.clinic_now()).await?),
        attendance_score: None,
    };
    Ok(state.model.predict(&input))
}

/// When a booking may happen: a real clinic time, not past, within the horizon.
fn check_time(state: &AppState, starts_at: NaiveDateTime) -> ApiResult<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, NaiveDateTime)> {
    let field = |m: String| ApiError::from(ValidationError::new("appointmentDate", m));
    let starts_at_utc = state.zone().instant(starts_at).map_err(|e| field(e.to_string()))?;
    let now = state.now();
    if starts_at_utc < now {
        return Err(ApiError::BadRequest("The appointment time is in the past.".into()));
    }
    let horizon = state.settings.clinic.booking_horizon_days;
    if starts_at_utc > now + Duration::days(i64::from(horizon)) {
        return Err(field(format!("Appointments can be booked at most {horizon} days ahead.")));
    }
    let length = Duration::minutes(i64::from(state.settings.clinic.slot_minutes));
    let ends_at = starts_at.checked_add_signed(length).ok_or_else(|| field("appointmentDate is out of range.".into()))?;
    Ok((starts_at_utc, starts_at_utc + length, ends_at))
}

pub async fn create(state: &AppState, user: &CurrentUser, body: &AppointmentIn) -> ApiResult<Appointment> {
    let patient_id = body.patient_id_input.trim();
    if patient_id.is_empty() {
        return Err(ValidationError::new("patientIdInput", "Enter the patient's ID (patientIdInput).").into());
    }
    let starts_at = parse_wall_clock("appointmentDate", &body.appointment_date, state.zone())?;
    let (starts_at_utc, ends_at_utc, ends_at) = check_time(state, starts_at)?;
    let reason = parse_reason(body.reason.as_deref())?;
    let patient = state.store.find_patient(patient_id).await?.ok_or(ApiError::NotFound("Patient"))?;
    let doctor_id = booking_doctor(state, user, body.doctor_id.as_deref()).await?;
    let sms_received = body.sms_received.unwrap_or(false);
    let prediction = predict(state, &patient, starts_at, sms_received).await?;
    let age = patient.current_age(starts_at.date());
    let subject = Subject {
        gender: patient.gender,
        age,
        age_band: Some(ml::metrics::age_band(age).to_string()),
        neighbourhood: patient.neighbourhood.clone(),
    };
    let owed = state.cache.owe(&[appointment_lists::CACHE]);
    let appointment = state
        .store
        .insert_appointment(NewAppointment {
            patient_id: patient.id.clone(),
            patient_name: patient.full_name.clone(),
            doctor_id,
            starts_at,
            ends_at,
            starts_at_utc,
            ends_at_utc,
            sms_received,
            reason,
            prediction,
            subject: Some(subject),
            booked_by: user.id.clone(),
            booked_at: state.clinic_now(),
            now: state.now(),
        })
        .await
        .map_err(|e| match e {
            storage::StorageError::Conflict(_) => {
                ApiError::conflict("slot_taken", "This doctor already has an appointment overlapping that time.")
            }
            other => other.into(),
        })?;
    owed.pay().await;
    tracing::info!(appointment_id = %appointment.id, predicted = appointment.prediction.is_some(), "appointment booked");
    Ok(appointment)
}

/// Brings attendance and the training history in line with the outcome. A
/// failure here is repaired by the maintenance sweep, so the request still succeeds.
async fn apply_effects(state: &AppState, id: &str) {
    if let Err(err) = state.store.apply_outcome_effects(id, state.zone()).await {
        tracing::warn!(appointment_id = %id, error = %err, "outcome effects left for the repair sweep");
    }
}

/// Records the real outcome once the appointment has started; the prediction is never touched.
pub async fn record_outcome(state: &AppState, user: &CurrentUser, id: &str, body: &OutcomeIn) -> ApiResult<Appointment> {
    if body.prediction.is_some() {
        return Err(ApiError::BadRequest("Predictions are immutable and cannot be changed.".into()));
    }
    if body.status.as_deref().is_some_and(|s| s != "done") {
        return Err(ApiError::BadRequest("Use the cancel action to cancel; PATCH only records an outcome.".into()));
    }
    let outcome = Outcome::parse(Some(body.showed_up), body.was_late)?;
    let current = find_scoped(state, user, id).await?;
    if current.status == AppointmentStatus::Pending {
        check_outcome_time(current.starts_at_utc, state.now())?;
    }
    let owed = state.cache.owe(&storage::cache::views::OUTCOME);
    let updated = state.store.record_outcome(&current.id, outcome, &user.id, state.now()).await.map_err(|e| match e {
        storage::StorageError::Conflict(_) => ApiError::conflict(
            "not_pending",
            format!("This appointment is already {}; its outcome cannot be changed here. Use a correction.", current.status.as_str()),
        ),
        other => other.into(),
    })?;
    apply_effects(state, &updated.id).await;
    owed.pay().await;
    Ok(updated)
}

/// Corrects a recorded outcome, with a reason: admins at any time, the
/// appointment's doctor within `OUTCOME_CORRECTION_HOURS` of recording it.
pub async fn correct_outcome(state: &AppState, user: &CurrentUser, id: &str, body: &CorrectionIn) -> ApiResult<Appointment> {
    let outcome = Outcome::parse(Some(body.showed_up), body.was_late)?;
    let reason = parse_correction_reason(Some(&body.reason))?;
    let current = find_scoped(state, user, id).await?;
    if current.status != AppointmentStatus::Done {
        return Err(ApiError::conflict("not_done", "Only a recorded outcome can be corrected."));
    }
    let window = Duration::hours(i64::from(state.settings.clinic.outcome_correction_hours));
    if !may_correct(user.is_admin(), current.doctor_id == user.id, current.outcome_recorded_at, state.now(), window) {
        return Err(ApiError::Forbidden("Only an administrator can correct this outcome now: the doctor's correction window has passed."));
    }
    if current.outcome == Some(outcome) {
        return Ok(current);
    }
    let owed = state.cache.owe(&storage::cache::views::OUTCOME);
    let updated = state.store.correct_outcome(&current.id, outcome, &user.id, &reason, state.now()).await.map_err(|e| match e {
        storage::StorageError::Conflict(_) => ApiError::conflict("changed", "The outcome changed meanwhile; reload and try again."),
        other => other.into(),
    })?;
    apply_effects(state, &updated.id).await;
    owed.pay().await;
    Ok(updated)
}

pub async fn cancel(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<Appointment> {
    let current = find_scoped(state, user, id).await?;
    let owed = state.cache.owe(&[appointment_lists::CACHE]);
    let canceled = state.store.cancel_appointment(&current.id, &user.id, state.now()).await.map_err(|e| match e {
        storage::StorageError::Conflict(_) => ApiError::conflict("not_pending", "A completed appointment cannot be canceled."),
        other => other.into(),
    })?;
    owed.pay().await;
    Ok(canceled)
}
