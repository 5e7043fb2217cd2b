//! The stored appointment: the aggregate every change to an appointment is
//! written to in one atomic update, together with its audit event (`events`,
//! append-only) and, for outreach, its contact log (`contacts`, append-only).
//!
//! Clinic wall-clock times (`starts_at`, `ends_at`) are stored as BSON dates
//! read as UTC, so they sort and range-query as written; `starts_at_utc` is the
//! real instant, from the clinic's time zone.

use crate::docs::{from_bson_time, to_bson_time};
use chrono::{DateTime, Utc};
use domain::appointment::{Appointment, AppointmentStatus, Outcome};
use domain::audit::{Event, EventKind};
use domain::contact::{Channel, Contact, ContactResult};
use domain::patient::Gender;
use domain::prediction::{Prediction, PredictionLabel, Reason, RiskBand};
use mongodb::bson::{doc, oid::ObjectId, Bson, DateTime as BsonDateTime, Document};
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "appointments";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PredictionDoc {
    pub(crate) label: PredictionLabel,
    pub(crate) probability: i32,
    pub(crate) no_show_probability: f64,
    pub(crate) model_version: String,
    pub(crate) created_at: BsonDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) band: Option<RiskBand>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) reasons: Vec<Reason>,
}

/// Who the prediction was about, as known at booking (for per-group figures).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Subject {
    pub gender: Gender,
    pub age: u8,
    /// `0-17`, `18-39`, `40-64` or `65+`.
    #[serde(default)]
    pub age_band: Option<String>,
    pub neighbourhood: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ContactDoc {
    pub(crate) id: String,
    pub(crate) channel: Channel,
    pub(crate) result: ContactResult,
    pub(crate) note: Option<String>,
    pub(crate) by: String,
    pub(crate) at: BsonDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reminder_hours: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EventDoc {
    pub(crate) id: String,
    pub(crate) at: BsonDateTime,
    pub(crate) actor: String,
    pub(crate) kind: EventKind,
    pub(crate) changes: Bson,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AppointmentDoc {
    #[serde(rename = "_id")]
    pub(crate) id: ObjectId,
    pub(crate) patient_id: String,
    pub(crate) patient_name: String,
    #[serde(default)]
    pub(crate) patient_terms: Vec<String>,
    pub(crate) doctor_id: String,
    pub(crate) starts_at: BsonDateTime,
    pub(crate) ends_at: BsonDateTime,
    /// The instant it starts; absent on documents written before time zones (see `backfill`).
    #[serde(default)]
    pub(crate) starts_at_utc: Option<BsonDateTime>,
    /// Clinic day, `YYYY-MM-DD` (grouping).
    #[serde(default)]
    pub(crate) day: Option<String>,
    /// When it was booked, clinic wall-clock `YYYY-MM-DDTHH:MM:SS` (the model's booking features).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) booked_at: Option<String>,
    /// Held while the appointment is pending (see `slots`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) slot_keys: Option<Vec<String>>,
    pub(crate) sms_received: bool,
    pub(crate) reason: Option<String>,
    pub(crate) status: AppointmentStatus,
    pub(crate) outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) outcome_recorded_at: Option<BsonDateTime>,
    /// Set with an outcome (or its correction) until the attendance score and
    /// the training history follow it; a sweep repairs any left behind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) effects_pending_since: Option<BsonDateTime>,
    pub(crate) prediction: Option<PredictionDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<Subject>,
    /// Reminder offsets (hours) whose job has been created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) reminders_scheduled: Vec<i64>,
    #[serde(default)]
    pub(crate) contacts: Vec<ContactDoc>,
    #[serde(default)]
    pub(crate) events: Vec<EventDoc>,
    pub(crate) created_at: BsonDateTime,
}

impl From<&Prediction> for PredictionDoc {
    fn from(p: &Prediction) -> Self {
        Self {
            label: p.label,
            probability: i32::from(p.probability),
            no_show_probability: p.no_show_probability,
            model_version: p.model_version.clone(),
            created_at: to_bson_time(p.created_at),
            band: p.band,
            reasons: p.reasons.clone(),
        }
    }
}

impl From<PredictionDoc> for Prediction {
    fn from(p: PredictionDoc) -> Self {
        Prediction {
            label: p.label,
            probability: u8::try_from(p.probability).unwrap_or(0),
            no_show_probability: p.no_show_probability,
            model_version: p.model_version,
            created_at: from_bson_time(p.created_at),
            band: p.band,
            reasons: p.reasons,
        }
    }
}

impl From<&Contact> for ContactDoc {
    fn from(c: &Contact) -> Self {
        Self {
            id: c.id.clone(),
            channel: c.channel,
            result: c.result,
            note: c.note.clone(),
            by: c.by.clone(),
            at: to_bson_time(c.at),
            reminder_hours: c.reminder_hours.map(i64::from),
        }
    }
}

impl From<ContactDoc> for Contact {
    fn from(c: ContactDoc) -> Self {
        Contact {
            id: c.id,
            channel: c.channel,
            result: c.result,
            note: c.note,
            by: c.by,
            at: from_bson_time(c.at),
            reminder_hours: c.reminder_hours.and_then(|h| u32::try_from(h).ok()),
        }
    }
}

impl EventDoc {
    pub(crate) fn from_event(e: &Event) -> Self {
        Self {
            id: e.id.clone(),
            at: to_bson_time(e.at),
            actor: e.actor.clone(),
            kind: e.kind,
            changes: mongodb::bson::to_bson(&e.changes).unwrap_or(Bson::Null),
        }
    }

    pub(crate) fn into_event(self, appointment_id: &str, patient_id: &str) -> Event {
        Event {
            id: self.id,
            at: from_bson_time(self.at),
            actor: self.actor,
            kind: self.kind,
            appointment_id: Some(appointment_id.to_string()),
            patient_id: Some(patient_id.to_string()),
            changes: serde_json::to_value(&self.changes).unwrap_or(serde_json::Value::Null),
        }
    }

    pub(crate) fn bson(e: &Event) -> Bson {
        mongodb::bson::to_bson(&Self::from_event(e)).unwrap_or(Bson::Null)
    }
}

impl From<AppointmentDoc> for Appointment {
    fn from(d: AppointmentDoc) -> Self {
        let starts_at = from_bson_time(d.starts_at).naive_utc();
        Appointment {
            id: d.id.to_hex(),
            patient_id: d.patient_id,
            patient_name: d.patient_name,
            doctor_id: d.doctor_id,
            starts_at,
            starts_at_utc: d.starts_at_utc.map_or_else(|| starts_at.and_utc(), from_bson_time),
            sms_received: d.sms_received,
            reason: d.reason,
            status: d.status,
            outcome: d.outcome,
            outcome_recorded_at: d.outcome_recorded_at.map(from_bson_time),
            prediction: d.prediction.map(Prediction::from),
            created_at: from_bson_time(d.created_at),
        }
    }
}

/// Reads of appointments leave the logs (events, contacts) on the server.
pub(crate) fn without_logs() -> Document {
    doc! { "events": 0, "contacts": 0, "patient_terms": 0, "slot_keys": 0 }
}

pub(crate) fn wall_clock(t: chrono::NaiveDateTime) -> BsonDateTime {
    to_bson_time(t.and_utc())
}

pub(crate) fn instant(t: DateTime<Utc>) -> BsonDateTime {
    to_bson_time(t)
}
