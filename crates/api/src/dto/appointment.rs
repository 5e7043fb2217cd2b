//! Appointments in and out, their contact log and audit trail.

use super::fields;
use domain::appointment::{Appointment, AppointmentStatus};
use domain::audit::{Event, EventKind};
use domain::contact::{Channel, Contact, ContactResult};
use domain::prediction::{Prediction, PredictionLabel, Reason, RiskBand};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PredictionOut {
    pub label: PredictionLabel,
    /// Probability of `label`, 0-100.
    #[schema(minimum = 0, maximum = 100)]
    pub probability: u8,
    /// Probability of a no-show, 0.0-1.0 (calibrated).
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub no_show_probability: f64,
    pub model_version: String,
    pub created_at: String,
    /// `low`, `medium` or `high`, when the model defines bands.
    pub band: Option<RiskBand>,
    /// The factors that moved this prediction most, largest first.
    pub reasons: Vec<Reason>,
}

impl From<&Prediction> for PredictionOut {
    fn from(p: &Prediction) -> Self {
        Self {
            label: p.label,
            probability: p.probability,
            no_show_probability: p.no_show_probability,
            model_version: p.model_version.clone(),
            created_at: p.created_at.to_rfc3339(),
            band: p.band,
            reasons: p.reasons.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentOut {
    pub id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub doctor_id: String,
    /// Clinic day, `YYYY-MM-DD`.
    pub date: String,
    /// Clinic time, `HH:MM`.
    pub time: String,
    pub sms_received: bool,
    pub status: AppointmentStatus,
    pub showed_up: Option<bool>,
    pub was_late: Option<bool>,
    pub prediction: Option<PredictionOut>,
    pub reason: Option<String>,
    /// Clinic wall-clock date and time, as booked.
    pub appointment_date: String,
    /// The instant it starts (RFC 3339, UTC).
    pub starts_at: String,
    pub created_at: String,
}

impl From<&Appointment> for AppointmentOut {
    fn from(a: &Appointment) -> Self {
        Self {
            id: a.id.clone(),
            patient_id: a.patient_id.clone(),
            patient_name: a.patient_name.clone(),
            doctor_id: a.doctor_id.clone(),
            date: a.starts_at.format("%Y-%m-%d").to_string(),
            time: a.starts_at.format("%H:%M").to_string(),
            sms_received: a.sms_received,
            status: a.status,
            showed_up: a.outcome.map(|o| o.showed_up),
            was_late: a.outcome.map(|o| o.was_late),
            prediction: a.prediction.as_ref().map(PredictionOut::from),
            reason: a.reason.clone(),
            appointment_date: a.starts_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            starts_at: a.starts_at_utc.to_rfc3339(),
            created_at: a.created_at.to_rfc3339(),
        }
    }
}

/// `POST /api/appointments/` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppointmentIn {
    /// The patient's record number.
    #[serde(alias = "patientId")]
    #[schema(schema_with = fields::non_blank)]
    pub patient_id_input: String,
    /// Clinic wall-clock `YYYY-MM-DDTHH:MM[:SS]`, or an instant with its offset.
    #[schema(schema_with = fields::date_time)]
    pub appointment_date: String,
    pub sms_received: Option<bool>,
    /// Required for admins (the doctor booked); a doctor books for themselves.
    pub doctor_id: Option<String>,
    #[schema(schema_with = fields::reason_or_null)]
    pub reason: Option<String>,
    /// Outcome fields are set by PATCH only; accepted here and ignored.
    #[schema(schema_with = fields::ignored)]
    pub status: Option<Value>,
    #[schema(schema_with = fields::ignored)]
    pub showed_up: Option<Value>,
    #[schema(schema_with = fields::ignored)]
    pub was_late: Option<Value>,
    #[schema(schema_with = fields::ignored)]
    pub prediction: Option<Value>,
}

/// `PATCH /api/appointments/{id}/` body: the real outcome. Late but absent is refused.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutcomeIn {
    pub showed_up: bool,
    pub was_late: Option<bool>,
    /// Only `done` is accepted (the contract's PATCH implies it).
    #[schema(schema_with = fields::done_or_null)]
    pub status: Option<String>,
    /// Predictions are immutable: any value other than `null` is refused.
    #[schema(schema_with = fields::only_null)]
    pub prediction: Option<Value>,
}

/// `POST /api/appointments/{id}/correct-outcome/` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorrectionIn {
    pub showed_up: bool,
    pub was_late: Option<bool>,
    /// Why the recorded outcome was wrong (kept in the audit trail).
    #[schema(schema_with = fields::required_reason)]
    pub reason: String,
}

/// `POST /api/appointments/{id}/contacts/` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactIn {
    pub channel: Channel,
    /// What came of it (`sent` is recorded by the system for reminders only).
    #[schema(schema_with = staff_result)]
    pub result: ContactResult,
    #[schema(schema_with = fields::note_or_null)]
    pub note: Option<String>,
}

fn staff_result() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["reached", "no_answer", "confirmed", "rescheduled", "cancelled_by_patient"]))
        .into()
}

/// One entry of the contact log.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactOut {
    pub id: String,
    pub channel: Channel,
    pub result: ContactResult,
    pub note: Option<String>,
    /// The staff member's id, or `system` for automated reminders.
    pub by: String,
    pub at: String,
    /// For automated reminders: how many hours before the appointment it was due.
    pub reminder_hours: Option<u32>,
}

impl From<&Contact> for ContactOut {
    fn from(c: &Contact) -> Self {
        Self {
            id: c.id.clone(),
            channel: c.channel,
            result: c.result,
            note: c.note.clone(),
            by: c.by.clone(),
            at: c.at.to_rfc3339(),
            reminder_hours: c.reminder_hours,
        }
    }
}

/// One entry of the audit trail.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventOut {
    pub id: String,
    pub at: String,
    /// A user id, or `system`.
    pub actor: String,
    pub kind: EventKind,
    pub appointment_id: Option<String>,
    pub patient_id: Option<String>,
    /// What changed.
    #[schema(value_type = Object)]
    pub changes: Value,
}

impl From<&Event> for EventOut {
    fn from(e: &Event) -> Self {
        Self {
            id: e.id.clone(),
            at: e.at.to_rfc3339(),
            actor: e.actor.clone(),
            kind: e.kind,
            appointment_id: e.appointment_id.clone(),
            patient_id: e.patient_id.clone(),
            changes: e.changes.clone(),
        }
    }
}
