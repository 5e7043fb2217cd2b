//! Bulk loading, for benchmarks and demo data (`crates/api/examples/bench_http.rs`).
//!
//! These functions write exactly the documents the repositories write (the same
//! private document structs and conversions: `patients::to_doc`, the
//! `AppointmentDoc` that `insert_appointment` builds), so everything loaded here
//! is read back by the API like data entered through it. What they do not do is
//! the per-row business checks of the normal paths: no record-number allocation
//! per patient (reserve a block with [`reserve_record_numbers`] first), no
//! duplicate-person refusal beyond the unique `dedupe_key` index, no overlap
//! check between appointments, no cache invalidation. They are for loading
//! prepared, consistent data into an otherwise idle database, not for the
//! application's own writes.
//!
//! Each call is one `insert_many` (unordered; the driver splits it into wire
//! batches as needed): callers chunk large loads, e.g. a few thousand rows per call.

use crate::appointments::{self, wall_clock, AppointmentDoc, PredictionDoc};
use crate::docs::{object_id, to_bson_time};
use crate::patients::{self, PatientDoc};
use crate::{Result, StorageError, Store};
use chrono::Duration;
use domain::appointment::Appointment;
use domain::patient::{Patient, PatientFields};
use domain::search_text;
use mongodb::bson::{doc, Document};
use mongodb::options::ReturnDocument;

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
    }
}

/// Inserts prepared patients as they are (record number, creator, attendance
/// counts and `created_at` included), with their search terms and dedupe key.
/// A record number or person already present fails the call with `Duplicate`
/// (the other rows of the call are still inserted: the insert is unordered).
pub async fn insert_patients(store: &Store, patients: &[Patient]) -> Result<()> {
    if patients.is_empty() {
        return Ok(());
    }
    let docs: Vec<PatientDoc> = patients.iter().map(|p| patients::to_doc(p, &fields_of(p))).collect();
    store.collection::<PatientDoc>(patients::COLLECTION).insert_many(docs).ordered(false).await?;
    Ok(())
}

/// The document `insert_appointment` would have stored for this appointment,
/// with its status, outcome, prediction and `created_at` as given.
fn appointment_doc(a: &Appointment, slot_minutes: u32) -> Result<AppointmentDoc> {
    Ok(AppointmentDoc {
        id: object_id(&a.id)
            .map_err(|_| StorageError::Corrupt(format!("appointment id {:?} is not an ObjectId", a.id)))?,
        patient_id: a.patient_id.clone(),
        patient_name: a.patient_name.clone(),
        patient_terms: search_text::terms([a.patient_name.as_str(), a.patient_id.as_str()]),
        doctor_id: a.doctor_id.clone(),
        starts_at: wall_clock(a.starts_at),
        ends_at: wall_clock(a.starts_at + Duration::minutes(i64::from(slot_minutes))),
        sms_received: a.sms_received,
        reason: a.reason.clone(),
        status: a.status,
        outcome: a.outcome,
        prediction: a.prediction.as_ref().map(|p| PredictionDoc {
            label: p.label,
            probability: i32::from(p.probability),
            no_show_probability: p.no_show_probability,
            model_version: p.model_version.clone(),
            created_at: to_bson_time(p.created_at),
        }),
        created_at: to_bson_time(a.created_at),
    })
}

/// Inserts prepared appointments as they are. `id` must be a 24-hex ObjectId
/// (e.g. `ObjectId::new().to_hex()`); `slot_minutes` gives the stored end time
/// (use the deployment's `SLOT_MINUTES`). Overlaps are not checked: the caller
/// keeps each doctor's live appointments apart.
pub async fn insert_appointments(store: &Store, items: &[Appointment], slot_minutes: u32) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let docs = items.iter().map(|a| appointment_doc(a, slot_minutes)).collect::<Result<Vec<_>>>()?;
    store.collection::<AppointmentDoc>(appointments::COLLECTION).insert_many(docs).ordered(false).await?;
    Ok(())
}
