//! The outreach worklist: a clinic day's pending appointments, highest
//! no-show risk first (no prediction last), with the patient's phone and
//! e-mail, the stored reasons and band, and what was already done.

use crate::dto::appointment::{ContactOut, PredictionOut};
use crate::dto::outreach::{WorklistEntryOut, WorklistPage, WorklistPatient};
use crate::error::ApiError;
use crate::state::AppState;
use domain::appointment::AppointmentStatus;
use domain::pagination::PageRequest;
use std::collections::HashMap;
use storage::appointments::AppointmentFilter;

/// The worklist of `day`, scoped to `doctor_id` when given.
pub async fn worklist(state: &AppState, day: chrono::NaiveDate, doctor_id: Option<String>, page: PageRequest) -> Result<WorklistPage, ApiError> {
    let filter = AppointmentFilter { doctor_id, status: Some(AppointmentStatus::Pending), ..Default::default() }.on_day(day);
    let (entries, total) = state.store.worklist(&filter, page).await?;
    let ids: Vec<String> = entries.iter().map(|e| e.appointment.patient_id.clone()).collect();
    let patients: HashMap<String, WorklistPatient> = state
        .store
        .patients_by_ids(&ids)
        .await?
        .into_iter()
        .map(|p| {
            let out = WorklistPatient { id: p.id.clone(), full_name: p.full_name, phone: p.phone, email: p.email, reminders_opt_out: p.reminders_opt_out };
            (p.id, out)
        })
        .collect();
    let entries = entries
        .into_iter()
        .map(|e| {
            let a = &e.appointment;
            WorklistEntryOut {
                appointment_id: a.id.clone(),
                appointment_date: a.starts_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                doctor_id: a.doctor_id.clone(),
                patient: patients.get(&a.patient_id).cloned(),
                prediction: a.prediction.as_ref().map(PredictionOut::from),
                reminders_sent: e.contacts.iter().filter_map(|c| c.reminder_hours).collect(),
                contacts: e.contacts.iter().map(ContactOut::from).collect(),
            }
        })
        .collect();
    Ok(WorklistPage { date: day.to_string(), entries, total, page: page.page, total_pages: page.total_pages(total) })
}
