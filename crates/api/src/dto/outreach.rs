//! The outreach worklist's shapes.

use super::appointment::{ContactOut, PredictionOut};
use serde::Serialize;
use utoipa::ToSchema;

/// Who to call, and how to reach them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorklistPatient {
    pub id: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub reminders_opt_out: bool,
}

/// One pending appointment to act on.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorklistEntryOut {
    pub appointment_id: String,
    /// Clinic wall-clock start, `YYYY-MM-DDTHH:MM:SS`.
    pub appointment_date: String,
    pub doctor_id: String,
    /// `null` when the patient record is gone.
    pub patient: Option<WorklistPatient>,
    /// The prediction stored at booking (probability, band, reasons); `null` without a model.
    pub prediction: Option<PredictionOut>,
    /// Hours before the appointment of each reminder already sent.
    pub reminders_sent: Vec<u32>,
    /// Contact attempts and reminders, oldest first.
    pub contacts: Vec<ContactOut>,
}

/// A page of the worklist, highest risk first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorklistPage {
    /// The clinic day listed.
    pub date: String,
    pub entries: Vec<WorklistEntryOut>,
    pub total: u64,
    pub page: u32,
    pub total_pages: u64,
}
