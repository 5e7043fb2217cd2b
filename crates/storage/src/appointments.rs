//! Appointments (`appointments`). Clinic wall-clock times are stored as BSON
//! dates read as UTC, so they sort and range-query without any zone shift.
//! The prediction is written once, at insert; no update here touches it.

use crate::docs::{all_terms, collect, from_bson_time, object_id, page_total, to_bson_time};
use crate::{Result, Store, StorageError};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use domain::appointment::{Appointment, AppointmentStatus, Outcome};
use domain::pagination::PageRequest;
use domain::prediction::{Prediction, PredictionLabel};
use domain::search_text;
use mongodb::bson::{doc, oid::ObjectId, DateTime as BsonDateTime, Document};
use mongodb::options::{Hint, ReturnDocument};
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "appointments";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PredictionDoc {
    pub(crate) label: PredictionLabel,
    pub(crate) probability: i32,
    pub(crate) no_show_probability: f64,
    pub(crate) model_version: String,
    pub(crate) created_at: BsonDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AppointmentDoc {
    #[serde(rename = "_id")]
    pub(crate) id: ObjectId,
    pub(crate) patient_id: String,
    pub(crate) patient_name: String,
    pub(crate) patient_terms: Vec<String>,
    pub(crate) doctor_id: String,
    pub(crate) starts_at: BsonDateTime,
    pub(crate) ends_at: BsonDateTime,
    pub(crate) sms_received: bool,
    pub(crate) reason: Option<String>,
    pub(crate) status: AppointmentStatus,
    pub(crate) outcome: Option<Outcome>,
    pub(crate) prediction: Option<PredictionDoc>,
    pub(crate) created_at: BsonDateTime,
}

pub(crate) fn wall_clock(t: NaiveDateTime) -> BsonDateTime {
    to_bson_time(t.and_utc())
}

impl From<AppointmentDoc> for Appointment {
    fn from(d: AppointmentDoc) -> Self {
        Appointment {
            id: d.id.to_hex(),
            patient_id: d.patient_id,
            patient_name: d.patient_name,
            doctor_id: d.doctor_id,
            starts_at: from_bson_time(d.starts_at).naive_utc(),
            sms_received: d.sms_received,
            reason: d.reason,
            status: d.status,
            outcome: d.outcome,
            prediction: d.prediction.map(|p| Prediction {
                label: p.label,
                probability: u8::try_from(p.probability).unwrap_or(0),
                no_show_probability: p.no_show_probability,
                model_version: p.model_version,
                created_at: from_bson_time(p.created_at),
            }),
            created_at: from_bson_time(d.created_at),
        }
    }
}

/// A booking to store.
pub struct NewAppointment {
    pub patient_id: String,
    pub patient_name: String,
    pub doctor_id: String,
    pub starts_at: NaiveDateTime,
    pub slot_minutes: u32,
    pub sms_received: bool,
    pub reason: Option<String>,
    pub prediction: Option<Prediction>,
}

/// List and search filters (all optional, ANDed).
#[derive(Debug, Default, Clone)]
pub struct AppointmentFilter {
    pub doctor_id: Option<String>,
    pub patient_id: Option<String>,
    pub status: Option<AppointmentStatus>,
    /// Appointments starting on or after this clinic time.
    pub from: Option<NaiveDateTime>,
    /// Appointments starting before this clinic time.
    pub to: Option<NaiveDateTime>,
    /// Words every match's patient name or record number must have.
    pub patient_words: Vec<String>,
}

impl AppointmentFilter {
    /// Restricts to one clinic day.
    pub fn on_day(mut self, day: NaiveDate) -> Self {
        let start = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        self.from = Some(start);
        self.to = Some(start + Duration::days(1));
        self
    }

    fn to_query(&self) -> Document {
        let mut q = doc! {};
        if let Some(d) = &self.doctor_id {
            q.insert("doctor_id", d);
        }
        if let Some(p) = &self.patient_id {
            q.insert("patient_id", p);
        }
        if let Some(s) = self.status {
            q.insert("status", s.as_str());
        }
        let mut range = doc! {};
        if let Some(from) = self.from {
            range.insert("$gte", wall_clock(from));
        }
        if let Some(to) = self.to {
            range.insert("$lt", wall_clock(to));
        }
        if !range.is_empty() {
            q.insert("starts_at", range);
        }
        if !self.patient_words.is_empty() {
            q.extend(all_terms("patient_terms", &self.patient_words));
        }
        q
    }

    /// Word searches name their index: SecantusDB (the dev and test server)
    /// plans `$all` as a collection scan otherwise. Everything else is left to
    /// the planner: hints measured slower on SecantusDB, and MongoDB picks the
    /// same indexes by itself.
    fn hint(&self) -> Option<Hint> {
        (!self.patient_words.is_empty()).then(|| Hint::Keys(doc! { "patient_terms": 1 }))
    }
}

/// List order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentOrder {
    NewestBooked,
    StartTime,
}

/// One resolved, predicted appointment, for analytics.
#[derive(Debug, Clone)]
pub struct ResolvedPrediction {
    pub no_show: bool,
    pub flagged: bool,
    pub no_show_probability: f64,
    pub model_version: String,
}

impl Store {
    fn appointments(&self) -> mongodb::Collection<AppointmentDoc> {
        self.collection(COLLECTION)
    }

    /// Stores a booking unless it overlaps another live appointment of the same
    /// doctor (`Conflict`). Insert-then-verify: of two racing overlapping
    /// bookings at most one survives, without transactions.
    pub async fn insert_appointment(&self, new: NewAppointment) -> Result<Appointment> {
        let ends = new.starts_at + Duration::minutes(i64::from(new.slot_minutes));
        let doc = AppointmentDoc {
            id: ObjectId::new(),
            patient_terms: search_text::terms([new.patient_name.as_str(), new.patient_id.as_str()]),
            patient_id: new.patient_id,
            patient_name: new.patient_name,
            doctor_id: new.doctor_id,
            starts_at: wall_clock(new.starts_at),
            ends_at: wall_clock(ends),
            sms_received: new.sms_received,
            reason: new.reason,
            status: AppointmentStatus::Pending,
            outcome: None,
            prediction: new.prediction.map(|p| PredictionDoc {
                label: p.label,
                probability: i32::from(p.probability),
                no_show_probability: p.no_show_probability,
                model_version: p.model_version,
                created_at: to_bson_time(p.created_at),
            }),
            created_at: to_bson_time(Utc::now()),
        };
        self.appointments().insert_one(&doc).await?;
        let overlapping = doc! {
            "doctor_id": &doc.doctor_id,
            "_id": { "$ne": doc.id },
            "status": { "$ne": "canceled" },
            "starts_at": { "$lt": doc.ends_at },
            "ends_at": { "$gt": doc.starts_at },
        };
        if self.appointments().count_documents(overlapping).limit(1).await? > 0 {
            self.appointments().delete_one(doc! { "_id": doc.id }).await?;
            return Err(StorageError::Conflict("slot_taken"));
        }
        Ok(doc.into())
    }

    pub async fn find_appointment(&self, id: &str) -> Result<Option<Appointment>> {
        let Ok(oid) = object_id(id) else { return Ok(None) };
        Ok(self.appointments().find_one(doc! { "_id": oid }).await?.map(Appointment::from))
    }

    /// A page of appointments with the total count.
    pub async fn list_appointments(
        &self,
        filter: &AppointmentFilter,
        order: AppointmentOrder,
        page: PageRequest,
    ) -> Result<(Vec<Appointment>, u64)> {
        let query = filter.to_query();
        let sort = match order {
            AppointmentOrder::NewestBooked => doc! { "created_at": -1, "_id": -1 },
            AppointmentOrder::StartTime => doc! { "starts_at": 1, "_id": 1 },
        };
        let hint = filter.hint();
        let total = page_total(&self.appointments(), query.clone(), hint.clone()).await?;
        let collection = self.appointments();
        let mut find = collection.find(query).sort(sort).skip(page.skip()).limit(i64::from(page.page_size));
        if let Some(hint) = hint {
            find = find.hint(hint);
        }
        let cursor = find.await?;
        Ok((collect(cursor).await?.into_iter().map(Appointment::from).collect(), total))
    }

    /// Sets the outcome of a pending appointment (`Conflict` once resolved or canceled).
    pub async fn record_outcome(&self, id: &str, outcome: Outcome) -> Result<Appointment> {
        let outcome = mongodb::bson::to_bson(&outcome)?;
        self.transition(id, "pending", doc! { "status": "done", "outcome": outcome }).await
    }

    /// Cancels a pending appointment; cancelling twice is harmless; a done one is `Conflict`.
    pub async fn cancel_appointment(&self, id: &str) -> Result<Appointment> {
        match self.transition(id, "pending", doc! { "status": "canceled" }).await {
            Err(StorageError::Conflict(_)) => match self.find_appointment(id).await? {
                Some(a) if a.status == AppointmentStatus::Canceled => Ok(a),
                Some(_) => Err(StorageError::Conflict("not_pending")),
                None => Err(StorageError::NotFound),
            },
            other => other,
        }
    }

    /// Atomic compare-and-set on `status`.
    async fn transition(&self, id: &str, from: &str, set: Document) -> Result<Appointment> {
        let oid = object_id(id)?;
        let updated = self
            .appointments()
            .find_one_and_update(doc! { "_id": oid, "status": from }, doc! { "$set": set })
            .return_document(ReturnDocument::After)
            .await?;
        match updated {
            Some(doc) => Ok(doc.into()),
            None if self.find_appointment(id).await?.is_some() => Err(StorageError::Conflict("not_pending")),
            None => Err(StorageError::NotFound),
        }
    }

    pub async fn count_patient_appointments(&self, patient_id: &str) -> Result<u64> {
        Ok(self.appointments().count_documents(doc! { "patient_id": patient_id }).await?)
    }

    pub(crate) async fn rename_patient_in_appointments(&self, patient_id: &str, name: &str) -> Result<()> {
        let terms = search_text::terms([name, patient_id]);
        self.appointments()
            .update_many(doc! { "patient_id": patient_id }, doc! { "$set": { "patient_name": name, "patient_terms": terms } })
            .await?;
        Ok(())
    }

    /// Done appointments that carry a prediction, within the filter's scope.
    pub async fn resolved_predictions(&self, filter: &AppointmentFilter) -> Result<Vec<ResolvedPrediction>> {
        let mut query = filter.to_query();
        query.insert("status", "done");
        query.insert("prediction", doc! { "$ne": null });
        let cursor = self.appointments().find(query).await?;
        Ok(collect(cursor)
            .await?
            .into_iter()
            .filter_map(|d| {
                let (p, o) = (d.prediction?, d.outcome?);
                Some(ResolvedPrediction {
                    no_show: o.no_show(),
                    flagged: p.label == PredictionLabel::NoShow,
                    no_show_probability: p.no_show_probability,
                    model_version: p.model_version,
                })
            })
            .collect())
    }
}

/// The creation time is also used as the booking time for history.
pub fn booked_at_clinic(created_at: DateTime<Utc>, clinic_offset_minutes: i32) -> NaiveDateTime {
    created_at.naive_utc() + Duration::minutes(i64::from(clinic_offset_minutes))
}
