//! Appointments in and out.

use domain::appointment::{Appointment, AppointmentStatus};
use domain::prediction::{Prediction, PredictionLabel};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PredictionOut {
    pub label: PredictionLabel,
    /// Probability of `label`, 0-100.
    pub probability: u8,
    /// Probability of a no-show, 0.0-1.0.
    pub no_show_probability: f64,
    pub model_version: String,
    pub created_at: String,
}

impl From<&Prediction> for PredictionOut {
    fn from(p: &Prediction) -> Self {
        Self {
            label: p.label,
            probability: p.probability,
            no_show_probability: p.no_show_probability,
            model_version: p.model_version.clone(),
            created_at: p.created_at.to_rfc3339(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
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
            created_at: a.created_at.to_rfc3339(),
        }
    }
}

/// `POST /api/appointments/` body.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppointmentIn {
    #[serde(alias = "patientId")]
    pub patient_id_input: Option<String>,
    pub appointment_date: Option<String>,
    pub sms_received: Option<bool>,
    /// Required for admins (the doctor booked); a doctor books for themselves.
    pub doctor_id: Option<String>,
    pub reason: Option<String>,
    /// Outcome fields are set by PATCH only; accepted here and ignored.
    pub status: Option<serde_json::Value>,
    pub showed_up: Option<serde_json::Value>,
    pub was_late: Option<serde_json::Value>,
    pub prediction: Option<serde_json::Value>,
}

/// `PATCH /api/appointments/{id}/` body: the real outcome.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutcomeIn {
    pub showed_up: Option<bool>,
    pub was_late: Option<bool>,
    /// Only `done` is accepted (the contract's PATCH implies it).
    pub status: Option<String>,
    /// Predictions are immutable: any value here is refused.
    pub prediction: Option<serde_json::Value>,
}

/// `POST /api/appointments/{id}/correct-outcome/` body.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorrectionIn {
    pub showed_up: Option<bool>,
    pub was_late: Option<bool>,
    /// Why the recorded outcome was wrong (kept in the audit trail).
    pub reason: Option<String>,
}
