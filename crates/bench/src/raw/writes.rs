//! Raw writes: booking (`services::booking::create` -> `patient_past`,
//! `insert_appointment`) and recording an outcome (`record_outcome` ->
//! `transition`, `apply_outcome_effects`), round trip for round trip.

use super::{without_ledger, without_logs, Raw};
use anyhow::Context;
use chrono::{NaiveDateTime, Utc};
use domain::appointment::{Appointment, AppointmentStatus};
use domain::patient::Gender;
use domain::prediction::Prediction;
use mongodb::bson::{doc, oid::ObjectId, DateTime as BsonDateTime, Document};
use mongodb::options::ReturnDocument;
use storage::appointments::Subject;
use storage::seed::SeedAppointment;

/// One booking: a doctor books their own patient into a free slot.
#[derive(Debug, Clone)]
pub struct Booking {
    pub doctor: ObjectId,
    pub patient_id: String,
    pub starts_at: NaiveDateTime,
    pub sms_received: bool,
}

impl Raw {
    /// `Store::patient_past`: the patient's history and pending bookings, two aggregations sent at once.
    async fn patient_past(&self, patient_id: &str, booked_at: NaiveDateTime) -> anyhow::Result<(Document, Document)> {
        let pipelines = storage::history::PastPipelines::new(patient_id, booked_at);
        let first = |mut cursor: mongodb::Cursor<Document>| async move {
            anyhow::Ok(if cursor.advance().await? { cursor.deserialize_current()? } else { Document::new() })
        };
        let (history, appointments) = (self.collection("appointment_history"), self.collection("appointments"));
        futures_util::future::try_join(
            async { first(history.aggregate(pipelines.history).await?).await },
            async { first(appointments.aggregate(pipelines.pending).await?).await },
        )
        .await
    }

    /// Account, patient, the patient's past, then the insert (the slot index decides conflicts).
    pub async fn book(&self, b: &Booking) -> anyhow::Result<()> {
        self.book_steps(b).await.map(|_| ())
    }

    /// `book`, with the milliseconds of each round trip.
    pub async fn book_steps(&self, b: &Booking) -> anyhow::Result<Vec<(&'static str, f64)>> {
        let mut steps = Steps::start();
        let doctor = self.auth(b.doctor).await?;
        steps.lap("users.findOne (auth)");
        let patient = self
            .collection("patients")
            .find_one(doc! { "_id": &b.patient_id })
            .projection(without_ledger())
            .await?
            .context("no such patient")?;
        steps.lap("patients.findOne");
        let now = Utc::now();
        self.patient_past(&b.patient_id, self.zone.local(now)).await?;
        steps.lap("patient_past (two aggregations at once)");
        let age = u8::try_from(patient.get_i32("age")?).unwrap_or(0);
        let doctor_id = doctor.get_object_id("_id")?.to_hex();
        let seed = SeedAppointment {
            appointment: Appointment {
                id: ObjectId::new().to_hex(),
                patient_id: b.patient_id.clone(),
                patient_name: patient.get_str("full_name")?.to_string(),
                doctor_id: doctor_id.clone(),
                starts_at: b.starts_at,
                starts_at_utc: self.zone.instant(b.starts_at)?,
                sms_received: b.sms_received,
                reason: None,
                status: AppointmentStatus::Pending,
                outcome: None,
                outcome_recorded_at: None,
                prediction: Some(Prediction::new(0.2, false, "raw".into(), now)),
                created_at: now,
            },
            subject: Some(Subject {
                gender: if patient.get_str("gender")? == "F" { Gender::F } else { Gender::M },
                age,
                age_band: Some(ml::metrics::age_band(age).to_string()),
                neighbourhood: patient.get_str("neighbourhood").ok().map(String::from),
            }),
            booked_by: doctor_id,
            closed_by: None,
            canceled_at: None,
        };
        let document = storage::seed::appointment_document(&seed, self.slot_minutes, &self.zone)?;
        steps.lap("building the document");
        self.collection("appointments").insert_one(document).await?;
        steps.lap("appointments.insertOne (slot_keys unique)");
        Ok(steps.done())
    }

    /// The outcome of a pending appointment and its effects: attendance (with
    /// its ledger entry), the history row, then clearing the pending mark.
    pub async fn outcome(&self, admin: ObjectId, id: ObjectId, showed_up: bool) -> anyhow::Result<()> {
        let actor = self.auth(admin).await?.get_object_id("_id")?.to_hex();
        let (appointments, patients) = (self.collection("appointments"), self.collection("patients"));
        let current = appointments.find_one(doc! { "_id": id }).projection(without_logs()).await?.context("no such appointment")?;
        anyhow::ensure!(current.get_str("status")? == "pending", "not pending");
        let at = BsonDateTime::from_chrono(Utc::now());
        let event = doc! {
            "id": format!("{:032x}", rand_u128()), "at": at, "actor": &actor, "kind": "outcome",
            "changes": { "status": "done", "showedUp": showed_up, "wasLate": false },
        };
        let update = doc! {
            "$set": { "status": "done", "outcome": { "showed_up": showed_up, "was_late": false }, "outcome_recorded_at": at, "effects_pending_since": at },
            "$unset": { "slot_keys": "" },
            "$push": { "events": event },
        };
        appointments
            .find_one_and_update(doc! { "_id": id, "status": "pending" }, update)
            .projection(without_logs())
            .return_document(ReturnDocument::After)
            .await?
            .context("not pending any more")?;
        let done = appointments.find_one(doc! { "_id": id }).projection(without_logs()).await?.context("appointment gone")?;
        let patient_id = done.get_str("patient_id")?;
        let patient = patients.find_one(doc! { "_id": patient_id }).projection(without_ledger()).await?.context("no such patient")?;
        let entry = format!("attendance_applied.{}", id.to_hex());
        patients.find_one(doc! { "_id": patient_id }).projection(doc! { &entry: 1 }).await?;
        let kind = if showed_up { "on_time" } else { "missed" };
        let filter = doc! { "_id": patient_id, &entry: { "$exists": false } };
        patients.update_one(filter, doc! { "$inc": { format!("attendance.{kind}"): 1 }, "$set": { &entry: kind } }).await?;
        let flags = patient.get_document("flags")?;
        let flag = |k: &str| flags.get_bool(k).unwrap_or(false);
        let key = format!("live:{}", id.to_hex());
        let row = doc! {
            "_id": &key, "patient_id": patient_id, "appointment_day": done.get_str("day")?, "booked_at": done.get_str("booked_at")?,
            "no_show": !showed_up, "age": patient.get_i32("age")?, "female": patient.get_str("gender")? == "F",
            "neighbourhood": patient.get_str("neighbourhood").unwrap_or(""), "scholarship": flag("scholarship"),
            "hypertension": flag("hypertension"), "diabetes": flag("diabetes"), "alcoholism": flag("alcoholism"),
            "handicap": flags.get_i32("handicap").unwrap_or(0), "sms_received": done.get_bool("sms_received")?,
        };
        self.collection("appointment_history").replace_one(doc! { "_id": &key }, row).upsert(true).await?;
        appointments
            .update_one(doc! { "_id": id, "effects_pending_since": at }, doc! { "$unset": { "effects_pending_since": "" } })
            .await?;
        Ok(())
    }
}

/// For comparison only, not sent by the API: `Store::patient_past`'s counts
/// in one aggregation, the pending appointments joined with `$unionWith`.
pub fn patient_past_union_pipeline(patient_id: &str, booked_at: &NaiveDateTime) -> Vec<Document> {
    let day = booked_at.format("%Y-%m-%d").to_string();
    let at = booked_at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let before = |field: &str, bound: &str| doc! { "$lt": [field, bound] };
    let booked_day = doc! { "$substrBytes": [{ "$ifNull": ["$booked", ""] }, 0, 10] };
    vec![
        doc! { "$match": { "patient_id": patient_id } },
        doc! { "$project": { "_id": 0, "day": "$appointment_day", "booked": "$booked_at", "missed": "$no_show", "known": { "$literal": true } } },
        doc! { "$unionWith": {
            "coll": "appointments",
            "pipeline": [
                { "$match": { "patient_id": patient_id, "status": "pending" } },
                { "$project": { "_id": 0, "day": "$day", "booked": "$booked_at", "missed": { "$literal": false }, "known": { "$literal": false } } },
            ],
        } },
        doc! { "$group": {
            "_id": null,
            "visits": { "$sum": { "$cond": [{ "$and": ["$known", before("$day", &day)] }, 1, 0] } },
            "no_shows": { "$sum": { "$cond": [{ "$and": ["$known", "$missed", before("$day", &day)] }, 1, 0] } },
            "bookings": { "$sum": { "$cond": [before("$booked", &at), 1, 0] } },
            "same_day": { "$sum": { "$cond": [{ "$and": [before("$booked", &at), { "$eq": ["$day", booked_day.clone()] }] }, 1, 0] } },
            "today": { "$sum": { "$cond": [{ "$and": [before("$booked", &at), { "$eq": [booked_day, &day] }] }, 1, 0] } },
        } },
    ]
}

/// Milliseconds between laps.
struct Steps {
    last: std::time::Instant,
    laps: Vec<(&'static str, f64)>,
}

impl Steps {
    fn start() -> Self {
        Self { last: std::time::Instant::now(), laps: Vec::new() }
    }

    fn lap(&mut self, label: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((label, (now - self.last).as_secs_f64() * 1000.0));
        self.last = now;
    }

    fn done(self) -> Vec<(&'static str, f64)> {
        self.laps
    }
}

/// Event ids are 128 random bits (as `domain::audit`); the system clock's
/// nanoseconds mixed through splitmix are plenty for a benchmark.
fn rand_u128() -> u128 {
    let mut rng = crate::seed::names::Rng(Utc::now().timestamp_nanos_opt().unwrap_or(0) as u64);
    (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64())
}
