//! Booking appointments (with the prediction made at that moment), recording
//! outcomes and cancelling, all scoped: a doctor only ever sees their own
//! appointments; anyone else's are "not found".

use crate::auth::CurrentUser;
use crate::dto::appointment::{AppointmentIn, OutcomeIn};
use crate::error::{ApiError, ApiResult};
use crate::services::patients;
use crate::state::AppState;
use domain::appointment::{clinic_now, parse_appointment_time, parse_reason, Appointment, Outcome};
use domain::patient::{Gender, Patient};
use domain::prediction::{PredictionInput, Predictor};
use domain::role::Role;
use storage::appointments::{booked_at_clinic, NewAppointment};
use storage::history::{HistoryRow, DAY_FORMAT, TIME_FORMAT};

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

async fn predict(state: &AppState, patient: &Patient, starts_at: chrono::NaiveDateTime, sms: bool) -> ApiResult<Option<domain::prediction::Prediction>> {
    if state.model.current().is_none() {
        return Ok(None);
    }
    let input = PredictionInput {
        age: patient.current_age(patients::today(state)),
        female: patient.gender == Gender::F,
        booked_at: clinic_now(state.settings.clinic_utc_offset_minutes),
        appointment_at: starts_at,
        flags: patient.flags,
        sms_received: sms,
        neighbourhood: patient.neighbourhood.clone(),
        history: state.store.patient_history(&patient.id).await?,
        attendance_score: None,
    };
    Ok(state.model.predict(&input))
}

pub async fn create(state: &AppState, user: &CurrentUser, body: &AppointmentIn) -> ApiResult<Appointment> {
    let patient_id = body.patient_id_input.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let patient_id = patient_id.ok_or_else(|| ApiError::BadRequest("Enter the patient's ID (patientIdInput).".into()))?;
    let raw_time = body.appointment_date.as_deref().ok_or_else(|| ApiError::BadRequest("appointmentDate is required.".into()))?;
    let offset = state.settings.clinic_utc_offset_minutes;
    let starts_at = parse_appointment_time(raw_time, offset)?;
    if starts_at < clinic_now(offset) {
        return Err(ApiError::BadRequest("The appointment time is in the past.".into()));
    }
    let reason = parse_reason(body.reason.as_deref())?;
    let patient = state.store.find_patient(patient_id).await?.ok_or(ApiError::NotFound("Patient"))?;
    let doctor_id = booking_doctor(state, user, body.doctor_id.as_deref()).await?;
    let sms_received = body.sms_received.unwrap_or(false);
    let prediction = predict(state, &patient, starts_at, sms_received).await?;
    let appointment = state
        .store
        .insert_appointment(NewAppointment {
            patient_id: patient.id.clone(),
            patient_name: patient.full_name.clone(),
            doctor_id,
            starts_at,
            slot_minutes: state.settings.slot_minutes,
            sms_received,
            reason,
            prediction,
        })
        .await
        .map_err(|e| match e {
            storage::StorageError::Conflict(_) => {
                ApiError::conflict("slot_taken", "This doctor already has an appointment overlapping that time.")
            }
            other => other.into(),
        })?;
    tracing::info!(appointment_id = %appointment.id, predicted = appointment.prediction.is_some(), "appointment booked");
    Ok(appointment)
}

/// Records the real outcome once; the prediction is never touched.
pub async fn record_outcome(state: &AppState, user: &CurrentUser, id: &str, body: &OutcomeIn) -> ApiResult<Appointment> {
    if body.prediction.is_some() {
        return Err(ApiError::BadRequest("Predictions are immutable and cannot be changed.".into()));
    }
    if body.status.as_deref().is_some_and(|s| s != "done") {
        return Err(ApiError::BadRequest("Use the cancel action to cancel; PATCH only records an outcome.".into()));
    }
    let outcome = Outcome::parse(body.showed_up, body.was_late)?;
    let current = find_scoped(state, user, id).await?;
    let updated = state.store.record_outcome(&current.id, outcome).await.map_err(|e| match e {
        storage::StorageError::Conflict(_) => ApiError::conflict(
            "not_pending",
            format!("This appointment is already {}; its outcome cannot be changed.", current.status.as_str()),
        ),
        other => other.into(),
    })?;
    if let Some(patient) = state.store.find_patient(&updated.patient_id).await? {
        state.store.add_attendance(&patient.id, outcome).await?;
        state.store.record_history(&history_row(state, &updated, &patient, outcome)).await?;
        state.cache.invalidate(patients::CACHE).await;
    }
    Ok(updated)
}

fn history_row(state: &AppState, a: &Appointment, p: &Patient, outcome: Outcome) -> HistoryRow {
    HistoryRow {
        key: format!("live:{}", a.id),
        patient_id: p.id.clone(),
        appointment_day: a.starts_at.format(DAY_FORMAT).to_string(),
        booked_at: booked_at_clinic(a.created_at, state.settings.clinic_utc_offset_minutes).format(TIME_FORMAT).to_string(),
        no_show: outcome.no_show(),
        age: p.current_age(a.starts_at.date()),
        female: p.gender == Gender::F,
        neighbourhood: p.neighbourhood.clone().unwrap_or_default(),
        scholarship: p.flags.scholarship,
        hypertension: p.flags.hypertension,
        diabetes: p.flags.diabetes,
        alcoholism: p.flags.alcoholism,
        handicap: p.flags.handicap,
        sms_received: a.sms_received,
    }
}

pub async fn cancel(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<Appointment> {
    let current = find_scoped(state, user, id).await?;
    state.store.cancel_appointment(&current.id).await.map_err(|e| match e {
        storage::StorageError::Conflict(_) => ApiError::conflict("not_pending", "A completed appointment cannot be canceled."),
        other => other.into(),
    })
}
