//! Every change to an appointment: one atomic write that also appends its
//! audit event.

use super::doc::{instant, wall_clock, AppointmentDoc, ContactDoc, EventDoc, PredictionDoc, Subject, COLLECTION};
use super::slots::slot_keys;
use crate::docs::{object_id, to_bson_time};
use crate::{Result, StorageError, Store};
use chrono::{DateTime, NaiveDateTime, Utc};
use domain::appointment::{Appointment, AppointmentStatus, Outcome};
use domain::audit::{Event, EventKind};
use domain::contact::Contact;
use domain::prediction::Prediction;
use domain::search_text;
use mongodb::bson::{doc, oid::ObjectId, Document};
use mongodb::options::ReturnDocument;
use serde_json::json;

/// A booking to store.
pub struct NewAppointment {
    pub patient_id: String,
    pub patient_name: String,
    pub doctor_id: String,
    /// Clinic wall-clock start and end.
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// The instants they happen.
    pub starts_at_utc: DateTime<Utc>,
    pub ends_at_utc: DateTime<Utc>,
    pub sms_received: bool,
    pub reason: Option<String>,
    pub prediction: Option<Prediction>,
    pub subject: Option<Subject>,
    /// Who booked it, and when on the clinic's clock.
    pub booked_by: String,
    pub booked_at: NaiveDateTime,
    pub now: DateTime<Utc>,
}

impl NewAppointment {
    fn events(&self, id: &ObjectId) -> Vec<EventDoc> {
        let mut events = vec![EventDoc::from_event(&Event::new(
            &self.booked_by,
            EventKind::Booked,
            self.now,
            json!({
                "status": "pending", "patientId": self.patient_id, "doctorId": self.doctor_id,
                "appointmentDate": self.starts_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                "appointmentId": id.to_hex(), "smsReceived": self.sms_received,
            }),
        ))];
        if let Some(p) = &self.prediction {
            events.push(EventDoc::from_event(&Event::new(
                &self.booked_by,
                EventKind::PredictionStored,
                self.now,
                json!({
                    "label": p.label, "probability": p.probability, "noShowProbability": p.no_show_probability,
                    "modelVersion": p.model_version, "band": p.band,
                }),
            )));
        }
        events
    }
}

fn event(actor: &str, kind: EventKind, at: DateTime<Utc>, changes: serde_json::Value) -> mongodb::bson::Bson {
    EventDoc::bson(&Event::new(actor, kind, at, changes))
}

impl Store {
    pub(crate) fn appointment_docs(&self) -> mongodb::Collection<AppointmentDoc> {
        self.collection(COLLECTION)
    }

    /// Stores a booking, with its prediction and audit events, in one insert.
    /// A slot overlapping another live appointment of the doctor is
    /// `Conflict("slot_taken")`: the unique slot index decides, so of any
    /// number of concurrent bookings of one slot exactly one is stored.
    pub async fn insert_appointment(&self, new: NewAppointment) -> Result<Appointment> {
        let id = ObjectId::new();
        let doc = AppointmentDoc {
            id,
            patient_terms: search_text::terms([new.patient_name.as_str(), new.patient_id.as_str()]),
            slot_keys: Some(slot_keys(&new.doctor_id, new.starts_at_utc, new.ends_at_utc)),
            events: new.events(&id),
            patient_id: new.patient_id,
            patient_name: new.patient_name,
            doctor_id: new.doctor_id,
            starts_at: wall_clock(new.starts_at),
            ends_at: wall_clock(new.ends_at),
            starts_at_utc: Some(instant(new.starts_at_utc)),
            day: Some(new.starts_at.format("%Y-%m-%d").to_string()),
            booked_at: Some(new.booked_at.format(crate::history::TIME_FORMAT).to_string()),
            sms_received: new.sms_received,
            reason: new.reason,
            status: AppointmentStatus::Pending,
            outcome: None,
            outcome_recorded_at: None,
            effects_pending_since: None,
            prediction: new.prediction.as_ref().map(PredictionDoc::from),
            subject: new.subject,
            reminders_scheduled: Vec::new(),
            contacts: Vec::new(),
            created_at: to_bson_time(new.now),
        };
        match crate::docs::insert_checked(self, COLLECTION, &doc).await {
            Ok(()) => Ok(doc.into()),
            Err(StorageError::Duplicate { key }) if key == "slot_keys" => Err(StorageError::Conflict("slot_taken")),
            Err(err) => Err(err),
        }
    }

    /// Sets the outcome of a pending appointment (`Conflict("not_pending")` once
    /// resolved or canceled), frees its slot and marks the derived writes
    /// (attendance, history) as pending, in one update.
    pub async fn record_outcome(&self, id: &str, outcome: Outcome, actor: &str, now: DateTime<Utc>) -> Result<Appointment> {
        let changes = json!({ "status": "done", "showedUp": outcome.showed_up, "wasLate": outcome.was_late });
        let update = doc! {
            "$set": {
                "status": "done", "outcome": mongodb::bson::to_bson(&outcome)?,
                "outcome_recorded_at": to_bson_time(now), "effects_pending_since": to_bson_time(now),
            },
            "$unset": { "slot_keys": "" },
            "$push": { "events": event(actor, EventKind::Outcome, now, changes) },
        };
        self.transition(id, doc! { "status": "pending" }, update).await
    }

    /// Replaces a recorded outcome (the caller checked who may), keeping the
    /// prediction, and marks the derived writes as pending again.
    pub async fn correct_outcome(&self, id: &str, outcome: Outcome, actor: &str, reason: &str, now: DateTime<Utc>) -> Result<Appointment> {
        let current = self.find_appointment(id).await?.ok_or(StorageError::NotFound)?;
        let previous = current.outcome.ok_or(StorageError::Conflict("not_done"))?;
        let changes = json!({
            "showedUp": outcome.showed_up, "wasLate": outcome.was_late,
            "previous": { "showedUp": previous.showed_up, "wasLate": previous.was_late }, "reason": reason,
        });
        let update = doc! {
            "$set": { "outcome": mongodb::bson::to_bson(&outcome)?, "effects_pending_since": to_bson_time(now) },
            "$push": { "events": event(actor, EventKind::Correction, now, changes) },
        };
        let expected = doc! { "status": "done", "outcome": mongodb::bson::to_bson(&previous)? };
        self.transition(id, expected, update).await
    }

    /// Cancels a pending appointment and frees its slot; cancelling twice is
    /// harmless; a done one is `Conflict("not_pending")`.
    pub async fn cancel_appointment(&self, id: &str, actor: &str, now: DateTime<Utc>) -> Result<Appointment> {
        let update = doc! {
            "$set": { "status": "canceled" },
            "$unset": { "slot_keys": "" },
            "$push": { "events": event(actor, EventKind::Cancel, now, json!({ "status": "canceled" })) },
        };
        match self.transition(id, doc! { "status": "pending" }, update).await {
            Err(StorageError::Conflict(_)) => match self.find_appointment(id).await? {
                Some(a) if a.status == AppointmentStatus::Canceled => Ok(a),
                Some(_) => Err(StorageError::Conflict("not_pending")),
                None => Err(StorageError::NotFound),
            },
            other => other,
        }
    }

    /// Appends a contact attempt and its audit event.
    pub async fn add_contact(&self, id: &str, contact: &Contact) -> Result<()> {
        let oid = object_id(id)?;
        let kind = if contact.reminder_hours.is_some() { EventKind::Reminder } else { EventKind::Contact };
        let changes = json!({
            "contactId": contact.id, "channel": contact.channel, "result": contact.result, "reminderHours": contact.reminder_hours,
        });
        let mut filter = doc! { "_id": oid };
        if let Some(hours) = contact.reminder_hours {
            // A reminder is logged once, however often its job runs.
            filter.insert("contacts.reminder_hours", doc! { "$ne": i64::from(hours) });
        }
        let update = doc! {
            "$push": {
                "contacts": mongodb::bson::to_bson(&ContactDoc::from(contact))?,
                "events": event(&contact.by, kind, contact.at, changes),
            },
        };
        let result = self.appointment_docs().update_one(filter, update).await?;
        if result.matched_count == 0 && self.find_appointment(id).await?.is_none() {
            return Err(StorageError::NotFound);
        }
        Ok(())
    }

    /// Records that the reminder job for `hours` before the appointment exists.
    pub async fn mark_reminder_scheduled(&self, id: &str, hours: u32) -> Result<()> {
        let oid = object_id(id)?;
        self.appointment_docs()
            .update_one(doc! { "_id": oid }, doc! { "$addToSet": { "reminders_scheduled": i64::from(hours) } })
            .await?;
        Ok(())
    }

    /// Compare-and-set on the appointment's state, returning it as stored after.
    async fn transition(&self, id: &str, expected: Document, update: Document) -> Result<Appointment> {
        let oid = object_id(id)?;
        let mut filter = doc! { "_id": oid };
        filter.extend(expected);
        let updated = self
            .appointment_docs()
            .find_one_and_update(filter, update)
            .projection(super::doc::without_logs())
            .return_document(ReturnDocument::After)
            .await?;
        match updated {
            Some(doc) => Ok(doc.into()),
            None if self.find_appointment(id).await?.is_some() => Err(StorageError::Conflict("not_pending")),
            None => Err(StorageError::NotFound),
        }
    }
}
