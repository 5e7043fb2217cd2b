//! What follows from an outcome: the patient's attendance score and the
//! training history row. They are written after the outcome itself, each
//! idempotently, and the outcome's `effects_pending_since` mark is cleared
//! last; a sweep finishes the work for any appointment left marked (a crash
//! or a database failure between the writes), so nothing is lost and nothing
//! is counted twice.

use super::doc::{without_logs, AppointmentDoc};
use crate::docs::{from_bson_time, object_id, to_bson_time};
use crate::history::{HistoryRow, DAY_FORMAT, TIME_FORMAT};
use crate::{Result, Store, StorageError};
use chrono::{DateTime, Utc};
use domain::clinic_time::ClinicZone;
use domain::patient::{Gender, Patient};
use mongodb::bson::doc;

fn history_row(d: &AppointmentDoc, p: &Patient, no_show: bool, zone: &ClinicZone) -> HistoryRow {
    live_history_row(&d.id.to_hex(), from_bson_time(d.starts_at).naive_utc(), from_bson_time(d.created_at), d.sms_received, p, no_show, zone)
}

/// The training-history row of a live appointment's outcome: the patient's
/// features as they are now, the booking in clinic time, keyed by the appointment.
pub(crate) fn live_history_row(
    appointment_id: &str,
    starts_at: chrono::NaiveDateTime,
    created_at: chrono::DateTime<chrono::Utc>,
    sms_received: bool,
    p: &Patient,
    no_show: bool,
    zone: &ClinicZone,
) -> HistoryRow {
    HistoryRow {
        key: format!("live:{appointment_id}"),
        patient_id: p.id.clone(),
        appointment_day: starts_at.format(DAY_FORMAT).to_string(),
        booked_at: zone.local(created_at).format(TIME_FORMAT).to_string(),
        no_show,
        age: p.current_age(starts_at.date()),
        female: p.gender == Gender::F,
        neighbourhood: p.neighbourhood.clone().unwrap_or_default(),
        scholarship: p.flags.scholarship,
        hypertension: p.flags.hypertension,
        diabetes: p.flags.diabetes,
        alcoholism: p.flags.alcoholism,
        handicap: p.flags.handicap,
        sms_received,
    }
}

impl Store {
    /// Brings the patient's attendance and the history row in line with the
    /// appointment's current outcome, then clears the mark, unless a newer
    /// change (a correction) set it again meanwhile. Safe to repeat.
    pub async fn apply_outcome_effects(&self, id: &str, zone: &ClinicZone) -> Result<()> {
        let oid = object_id(id)?;
        let doc = self.appointment_docs().find_one(doc! { "_id": oid }).projection(without_logs()).await?.ok_or(StorageError::NotFound)?;
        let Some(since) = doc.effects_pending_since else { return Ok(()) };
        if let (Some(outcome), Some(patient)) = (doc.outcome, self.find_patient(&doc.patient_id).await?) {
            self.apply_attendance(&patient.id, id, outcome.attended()).await?;
            self.put_history(&history_row(&doc, &patient, outcome.no_show(), zone)).await?;
        }
        self.appointment_docs()
            .update_one(doc! { "_id": oid, "effects_pending_since": since }, doc! { "$unset": { "effects_pending_since": "" } })
            .await?;
        Ok(())
    }

    /// Appointments whose outcome effects have been pending since before `older_than`.
    pub async fn appointments_with_pending_effects(&self, older_than: DateTime<Utc>, limit: i64) -> Result<Vec<String>> {
        let mut cursor = self
            .appointment_docs()
            .find(doc! { "effects_pending_since": { "$lte": to_bson_time(older_than) } })
            .projection(doc! { "_id": 1 })
            .limit(limit)
            .await?;
        let mut ids = Vec::new();
        while cursor.advance().await? {
            if let Ok(id) = cursor.current().get_object_id("_id") {
                ids.push(id.to_hex());
            }
        }
        Ok(ids)
    }
}
