//! Bulk loading for the HTTP benchmark (`crates/bench`), behind the `seed`
//! feature: never compiled into the binaries.
//!
//! These functions write the documents the repositories write, built from the
//! same private structs and helpers (`patients::to_doc`, `AppointmentDoc`,
//! `PredictionDoc`, `slots::slot_keys`, the history row of an outcome), so
//! loaded data is read, searched, booked against and aggregated exactly like
//! data entered through the API:
//! - a pending appointment holds its `slot_keys`, so a booking that overlaps it
//!   is refused by the unique index; done and canceled ones hold none;
//! - every appointment has `starts_at_utc`, `day`, `booked_at`, `subject` (when
//!   given) and its audit `events` (booked, prediction stored, then outcome or
//!   cancel), as `insert_appointment`, `record_outcome` and `cancel_appointment`
//!   leave them;
//! - a patient carries the attendance ledger (`attendance_applied`) of the
//!   outcomes its counts include, as `apply_attendance` leaves it;
//! - [`history_row`] is the training-history row `apply_outcome_effects` writes
//!   for a recorded outcome (insert it with `Store::insert_history_batch`).
//!
//! What they skip are the per-row business checks of the normal paths: no
//! record-number allocation per patient (reserve a block with
//! [`reserve_record_numbers`] first), no overlap check between appointments
//! (the unique slot index still refuses overlapping pending ones), no cache
//! invalidation. They are for loading prepared, consistent data into an
//! otherwise idle database. Each call is one unordered `insert_many`: callers
//! chunk large loads (a few thousand rows per call).

use crate::appointments::{self, slots::slot_keys, wall_clock, AppointmentDoc, PredictionDoc, Subject};
use crate::docs::{object_id, to_bson_time};
use crate::history::{HistoryRow, DAY_FORMAT, TIME_FORMAT};
use crate::patients;
use crate::{Result, StorageError, Store};
use chrono::{DateTime, Duration, Utc};
use domain::appointment::{Appointment, AppointmentStatus, Attended};
use domain::audit::{Event, EventKind};
use domain::clinic_time::ClinicZone;
use domain::patient::{Patient, PatientFields};
use domain::search_text;
use mongodb::bson::{doc, Bson, Document};
use mongodb::options::ReturnDocument;
use serde_json::json;

/// Reserves `count` consecutive record numbers from the counter `insert_patient`
/// allocates from, so patients registered later never collide with loaded ones.
/// Returns them, formatted as the repository formats them (`P-001`, ...).
pub async fn reserve_record_numbers(store: &Store, count: u64) -> Result<Vec<String>> {
    let count_i64 = i64::try_from(count).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let counter = store
        .collection::<Document>(patients::COUNTERS)
        .find_one_and_update(doc! { "_id": "patient" }, doc! { "$inc": { "seq": count_i64 } })
        .upsert(true)
        .return_document(ReturnDocument::After)
        .await?
        .ok_or_else(|| StorageError::Corrupt("patient counter missing".into()))?;
    let last = counter.get_i64("seq").map_err(|e| StorageError::Corrupt(e.to_string()))?;
    // Same format as `Store::next_record_number`.
    Ok((last - count_i64 + 1..=last).map(|seq| format!("P-{seq:03}")).collect())
}

/// A patient to load, with the outcomes its attendance counts already include.
#[derive(Debug, Clone)]
pub struct SeedPatient {
    pub patient: Patient,
    /// (appointment id, what it counted as): the ledger `apply_attendance` keeps.
    pub applied: Vec<(String, Attended)>,
}

/// An appointment to load, as booked and then resolved.
#[derive(Debug, Clone)]
pub struct SeedAppointment {
    /// `id` must be a 24-hex ObjectId; `created_at` is the booking instant;
    /// `outcome_recorded_at` is set for done appointments.
    pub appointment: Appointment,
    /// Who the prediction was about (gender, age, age band, neighbourhood at booking).
    pub subject: Option<Subject>,
    /// Who booked it (a user id).
    pub booked_by: String,
    /// Who recorded the outcome or canceled it, and when it was canceled.
    pub closed_by: Option<String>,
    pub canceled_at: Option<DateTime<Utc>>,
}

/// The fields a patient was registered with (what the dedupe key is built from).
fn fields_of(p: &Patient) -> PatientFields {
    PatientFields {
        full_name: p.full_name.clone(),
        age: p.age,
        date_of_birth: p.date_of_birth,
        gender: p.gender,
        phone: p.phone.clone(),
        email: p.email.clone(),
        neighbourhood: p.neighbourhood.clone(),
        flags: p.flags,
        reminders_opt_out: p.reminders_opt_out,
    }
}

/// The stored patient document, with its attendance ledger.
pub fn patient_document(seed: &SeedPatient) -> Result<Document> {
    let p = &seed.patient;
    let mut document = mongodb::bson::to_document(&patients::to_doc(p, &fields_of(p)))?;
    if !seed.applied.is_empty() {
        let ledger: Document = seed.applied.iter().map(|(id, kind)| (id.clone(), Bson::from(kind.as_str()))).collect();
        document.insert("attendance_applied", ledger);
    }
    Ok(document)
}

/// Inserts prepared patients as they are (record number, creator, attendance
/// and its ledger, `created_at`), with their search terms and dedupe key. A
/// record number or person already present fails the call with an error (the
/// other rows of the call are still inserted: the insert is unordered).
pub async fn insert_patients(store: &Store, patients: &[SeedPatient]) -> Result<()> {
    if patients.is_empty() {
        return Ok(());
    }
    let docs = patients.iter().map(patient_document).collect::<Result<Vec<_>>>()?;
    store.collection::<Document>(patients::COLLECTION).insert_many(docs).ordered(false).await?;
    Ok(())
}

fn event(actor: &str, kind: EventKind, at: DateTime<Utc>, changes: serde_json::Value) -> Result<Bson> {
    // The shape of `EventDoc` (id, at, actor, kind, changes).
    let e = Event::new(actor, kind, at, changes);
    Ok(Bson::Document(doc! {
        "id": e.id, "at": to_bson_time(e.at), "actor": e.actor,
        "kind": mongodb::bson::to_bson(&e.kind)?, "changes": mongodb::bson::to_bson(&e.changes)?,
    }))
}

/// The audit trail the API leaves on an appointment in this state.
fn events(s: &SeedAppointment) -> Result<Vec<Bson>> {
    let a = &s.appointment;
    let closer = s.closed_by.as_deref().unwrap_or(&a.doctor_id);
    let booked = json!({
        "status": "pending", "patientId": a.patient_id, "doctorId": a.doctor_id,
        "appointmentDate": a.starts_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "appointmentId": a.id, "smsReceived": a.sms_received,
    });
    let mut out = vec![event(&s.booked_by, EventKind::Booked, a.created_at, booked)?];
    if let Some(p) = &a.prediction {
        let changes = json!({
            "label": p.label, "probability": p.probability, "noShowProbability": p.no_show_probability,
            "modelVersion": p.model_version, "band": p.band,
        });
        out.push(event(&s.booked_by, EventKind::PredictionStored, a.created_at, changes)?);
    }
    match (a.status, a.outcome) {
        (AppointmentStatus::Done, Some(o)) => {
            let at = a.outcome_recorded_at.unwrap_or(a.starts_at_utc);
            let changes = json!({ "status": "done", "showedUp": o.showed_up, "wasLate": o.was_late });
            out.push(event(closer, EventKind::Outcome, at, changes)?);
        }
        (AppointmentStatus::Canceled, _) => {
            let at = s.canceled_at.unwrap_or(a.created_at);
            out.push(event(closer, EventKind::Cancel, at, json!({ "status": "canceled" }))?);
        }
        _ => {}
    }
    Ok(out)
}

/// The stored appointment document (`slot_minutes` is the deployment's `SLOT_MINUTES`).
pub fn appointment_document(s: &SeedAppointment, slot_minutes: u32, zone: &ClinicZone) -> Result<Document> {
    let a = &s.appointment;
    let id = object_id(&a.id).map_err(|_| StorageError::Corrupt(format!("appointment id {:?} is not an ObjectId", a.id)))?;
    let length = Duration::minutes(i64::from(slot_minutes));
    let pending = a.status == AppointmentStatus::Pending;
    let done = a.status == AppointmentStatus::Done;
    let doc = AppointmentDoc {
        id,
        patient_id: a.patient_id.clone(),
        patient_name: a.patient_name.clone(),
        patient_terms: search_text::terms([a.patient_name.as_str(), a.patient_id.as_str()]),
        doctor_id: a.doctor_id.clone(),
        starts_at: wall_clock(a.starts_at),
        ends_at: wall_clock(a.starts_at + length),
        starts_at_utc: Some(to_bson_time(a.starts_at_utc)),
        day: Some(a.starts_at.format(DAY_FORMAT).to_string()),
        booked_at: Some(zone.local(a.created_at).format(TIME_FORMAT).to_string()),
        slot_keys: pending.then(|| slot_keys(&a.doctor_id, a.starts_at_utc, a.starts_at_utc + length)),
        sms_received: a.sms_received,
        reason: a.reason.clone(),
        status: a.status,
        outcome: if done { a.outcome } else { None },
        outcome_recorded_at: if done { a.outcome_recorded_at.map(to_bson_time) } else { None },
        effects_pending_since: None,
        prediction: a.prediction.as_ref().map(PredictionDoc::from),
        subject: s.subject.clone(),
        reminders_scheduled: Vec::new(),
        contacts: Vec::new(),
        events: Vec::new(),
        created_at: to_bson_time(a.created_at),
    };
    let mut document = mongodb::bson::to_document(&doc)?;
    document.insert("events", events(s)?);
    Ok(document)
}

/// Inserts prepared appointments as they are. Overlaps are not checked beyond
/// the unique slot index: the caller keeps each doctor's pending appointments apart.
pub async fn insert_appointments(store: &Store, items: &[SeedAppointment], slot_minutes: u32, zone: &ClinicZone) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let docs = items.iter().map(|s| appointment_document(s, slot_minutes, zone)).collect::<Result<Vec<_>>>()?;
    store.collection::<Document>(appointments::COLLECTION).insert_many(docs).ordered(false).await?;
    Ok(())
}

/// The training-history row `apply_outcome_effects` writes for a done
/// appointment (`None` for any other): insert these with `Store::insert_history_batch`.
pub fn history_row(a: &Appointment, p: &Patient, zone: &ClinicZone) -> Option<HistoryRow> {
    let outcome = a.outcome.filter(|_| a.status == AppointmentStatus::Done)?;
    Some(appointments::effects::live_history_row(&a.id, a.starts_at, a.created_at, a.sms_received, p, outcome.no_show(), zone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use domain::appointment::Outcome;
    use domain::patient::{Attendance, ClinicalFlags, Gender};
    use domain::prediction::Prediction;

    fn zone() -> ClinicZone {
        ClinicZone::fixed_offset("-03:00").unwrap()
    }

    fn appointment(status: AppointmentStatus) -> SeedAppointment {
        let starts_at = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(9, 30, 0).unwrap();
        let starts_at_utc = zone().instant(starts_at).unwrap();
        let created_at = starts_at_utc - Duration::days(3);
        let done = status == AppointmentStatus::Done;
        SeedAppointment {
            appointment: Appointment {
                id: mongodb::bson::oid::ObjectId::new().to_hex(),
                patient_id: "P-007".into(),
                patient_name: "João da Silva".into(),
                doctor_id: "d1".into(),
                starts_at,
                starts_at_utc,
                sms_received: true,
                reason: None,
                status,
                outcome: done.then_some(Outcome { showed_up: false, was_late: false }),
                outcome_recorded_at: done.then_some(starts_at_utc + Duration::hours(1)),
                prediction: Some(Prediction::new(0.4, true, "v1".into(), created_at)),
                created_at,
            },
            subject: Some(Subject { gender: Gender::M, age: 40, age_band: Some("40-64".into()), neighbourhood: Some("CENTRO".into()) }),
            booked_by: "d1".into(),
            closed_by: None,
            canceled_at: None,
        }
    }

    #[test]
    fn a_pending_appointment_holds_the_slot_keys_a_booking_would() {
        let seed = appointment(AppointmentStatus::Pending);
        let d = appointment_document(&seed, 30, &zone()).unwrap();
        let a = &seed.appointment;
        let expected = slot_keys("d1", a.starts_at_utc, a.starts_at_utc + Duration::minutes(30));
        let stored: Vec<String> = d.get_array("slot_keys").unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect();
        assert_eq!(stored, expected);
        assert_eq!(d.get_str("day").unwrap(), "2026-03-02");
        assert_eq!(d.get_array("events").unwrap().len(), 2, "booked + prediction stored");
        assert!(d.get_array("patient_terms").unwrap().contains(&Bson::from("joao")));
    }

    #[test]
    fn a_done_appointment_reads_back_with_its_outcome_and_holds_no_slot() {
        let seed = appointment(AppointmentStatus::Done);
        let d = appointment_document(&seed, 30, &zone()).unwrap();
        assert!(d.get("slot_keys").is_none());
        assert_eq!(d.get_array("events").unwrap().len(), 3);
        assert_eq!(d.get_document("subject").unwrap().get_str("age_band").unwrap(), "40-64");
        let back: Appointment = mongodb::bson::from_document::<AppointmentDoc>(d).unwrap().into();
        assert_eq!(back.outcome, seed.appointment.outcome);
        assert_eq!(back.starts_at_utc, seed.appointment.starts_at_utc);
        assert_eq!(back.prediction.unwrap().model_version, "v1");
        let row = history_row(&seed.appointment, &patient(), &zone()).unwrap();
        assert!(row.no_show);
        assert_eq!(row.booked_at, "2026-02-27T09:30:00");
    }

    fn patient() -> Patient {
        Patient {
            id: "P-007".into(),
            full_name: "João da Silva".into(),
            age: 40,
            date_of_birth: None,
            gender: Gender::M,
            phone: Some("(27) 99999-0000".into()),
            email: None,
            neighbourhood: Some("CENTRO".into()),
            flags: ClinicalFlags::default(),
            attendance: Attendance { on_time: 0, late: 0, missed: 1 },
            doctor_id: "d1".into(),
            created_at: Utc::now(),
            reminders_opt_out: false,
        }
    }

    #[test]
    fn a_patient_carries_the_ledger_of_its_counted_outcomes() {
        let seed = SeedPatient { patient: patient(), applied: vec![("abc".into(), Attended::Missed)] };
        let d = patient_document(&seed).unwrap();
        assert_eq!(d.get_document("attendance_applied").unwrap().get_str("abc").unwrap(), "missed");
        let missed = d.get_document("attendance").unwrap().get("missed").cloned();
        assert!(matches!(missed, Some(Bson::Int32(1) | Bson::Int64(1))), "{missed:?}");
        assert!(d.get_array("search_terms").unwrap().contains(&Bson::from("p")));
    }
}
