//! Conversions between the ML crate's cleaned records and stored history rows.

use crate::PipelineError;
use ml::ingest::CleanRecord;
use storage::history::{HistoryRow, DAY_FORMAT, TIME_FORMAT};

pub fn to_row(r: &CleanRecord) -> HistoryRow {
    HistoryRow {
        key: format!("import:{}", r.appointment_id),
        patient_id: r.patient_id.clone(),
        appointment_day: r.appointment_day.format(DAY_FORMAT).to_string(),
        booked_at: r.booked_at.format(TIME_FORMAT).to_string(),
        no_show: r.no_show,
        age: r.age,
        female: r.female,
        neighbourhood: r.neighbourhood.clone(),
        scholarship: r.scholarship,
        hypertension: r.hypertension,
        diabetes: r.diabetes,
        alcoholism: r.alcoholism,
        handicap: r.handicap,
        sms_received: r.sms_received,
    }
}

/// Stored rows as training records; `appointment_id` is the row's position
/// (live rows have no numeric id), which keeps the data hash stable.
pub fn to_records(rows: &[HistoryRow]) -> Result<Vec<CleanRecord>, PipelineError> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            Ok(CleanRecord {
                patient_id: r.patient_id.clone(),
                appointment_id: i as u64,
                female: r.female,
                booked_at: r.booked()?,
                appointment_day: r.day()?,
                age: r.age,
                neighbourhood: r.neighbourhood.clone(),
                scholarship: r.scholarship,
                hypertension: r.hypertension,
                diabetes: r.diabetes,
                alcoholism: r.alcoholism,
                handicap: r.handicap,
                sms_received: r.sms_received,
                no_show: r.no_show,
            })
        })
        .collect()
}
