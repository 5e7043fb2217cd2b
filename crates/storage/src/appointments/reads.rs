//! Reading appointments: one, pages of them, their logs.

use super::doc::{without_logs, ContactDoc, EventDoc};
use super::{AppointmentFilter, AppointmentOrder};
use crate::docs::{collect, object_id, page_total};
use crate::{Result, Store, StorageError};
use domain::appointment::Appointment;
use domain::audit::Event;
use domain::clinic_time::ClinicZone;
use domain::contact::Contact;
use domain::pagination::PageRequest;
use domain::search_text;
use mongodb::bson::{doc, DateTime as BsonDateTime};
use serde::Deserialize;

#[derive(Deserialize)]
struct Logs {
    patient_id: String,
    #[serde(default)]
    events: Vec<EventDoc>,
    #[serde(default)]
    contacts: Vec<ContactDoc>,
}

impl Store {
    pub async fn find_appointment(&self, id: &str) -> Result<Option<Appointment>> {
        let Ok(oid) = object_id(id) else { return Ok(None) };
        Ok(self.appointment_docs().find_one(doc! { "_id": oid }).projection(without_logs()).await?.map(Appointment::from))
    }

    async fn logs(&self, id: &str) -> Result<Logs> {
        let oid = object_id(id)?;
        self.collection::<Logs>(super::COLLECTION)
            .find_one(doc! { "_id": oid })
            .projection(doc! { "patient_id": 1, "events": 1, "contacts": 1 })
            .await?
            .ok_or(StorageError::NotFound)
    }

    /// The appointment's audit trail, oldest first.
    pub async fn appointment_events(&self, id: &str) -> Result<Vec<Event>> {
        let logs = self.logs(id).await?;
        Ok(logs.events.into_iter().map(|e| e.into_event(id, &logs.patient_id)).collect())
    }

    /// Appointment changes matching `filter` (on `events.actor` / `events.at`),
    /// newest first, at most `limit`.
    pub(crate) async fn appointment_events_matching(&self, filter: mongodb::bson::Document, limit: i64) -> Result<Vec<Event>> {
        let pipeline = vec![
            doc! { "$match": filter.clone() },
            doc! { "$project": { "patient_id": 1, "events": 1 } },
            doc! { "$unwind": "$events" },
            doc! { "$match": filter },
            doc! { "$sort": { "events.at": -1, "events.id": -1 } },
            doc! { "$limit": limit },
        ];
        let mut cursor = self.appointment_docs().aggregate(pipeline).await?;
        let mut events = Vec::new();
        while cursor.advance().await? {
            let row = cursor.deserialize_current()?;
            let (Ok(id), Ok(patient), Ok(event)) = (row.get_object_id("_id"), row.get_str("patient_id"), row.get_document("events")) else {
                continue;
            };
            let event: EventDoc = mongodb::bson::from_document(event.clone())?;
            events.push(event.into_event(&id.to_hex(), patient));
        }
        Ok(events)
    }

    /// The appointment's contact log, oldest first.
    pub async fn appointment_contacts(&self, id: &str) -> Result<Vec<Contact>> {
        Ok(self.logs(id).await?.contacts.into_iter().map(Contact::from).collect())
    }

    /// A page of appointments with the total count, both sent at once.
    pub async fn list_appointments(
        &self,
        filter: &AppointmentFilter,
        order: AppointmentOrder,
        page: PageRequest,
    ) -> Result<(Vec<Appointment>, u64)> {
        let collection = self.appointment_docs();
        let total = page_total(&collection, filter.to_query(), filter.hint());
        let (total, items) = futures_util::future::try_join(total, self.find_appointments(filter, order, page)).await?;
        Ok((items, total))
    }

    /// A page of appointments, without counting them all (searches return no total).
    pub async fn find_appointments(&self, filter: &AppointmentFilter, order: AppointmentOrder, page: PageRequest) -> Result<Vec<Appointment>> {
        let sort = match order {
            AppointmentOrder::NewestBooked => doc! { "created_at": -1, "_id": -1 },
            AppointmentOrder::StartTime => doc! { "starts_at": 1, "_id": 1 },
        };
        let collection = self.appointment_docs();
        let mut find = collection
            .find(filter.to_query())
            .projection(without_logs())
            .sort(sort)
            .skip(page.skip())
            .limit(i64::from(page.page_size));
        if let Some(hint) = filter.hint() {
            find = find.hint(hint);
        }
        let cursor = find.await?;
        Ok(collect(cursor).await?.into_iter().map(Appointment::from).collect())
    }

    pub async fn count_patient_appointments(&self, patient_id: &str) -> Result<u64> {
        Ok(self.appointment_docs().count_documents(doc! { "patient_id": patient_id }).limit(1).await?)
    }

    pub(crate) async fn rename_patient_in_appointments(&self, patient_id: &str, name: &str) -> Result<()> {
        let terms = search_text::terms([name, patient_id]);
        self.appointment_docs()
            .update_many(doc! { "patient_id": patient_id }, doc! { "$set": { "patient_name": name, "patient_terms": terms } })
            .await?;
        Ok(())
    }

    /// Gives appointments written before time zones their instant and day,
    /// reading their wall-clock time in `zone`. Idempotent; returns how many.
    pub async fn backfill_appointment_instants(&self, zone: &ClinicZone) -> Result<u64> {
        let mut cursor = self.appointment_docs().find(doc! { "starts_at_utc": null }).projection(without_logs()).await?;
        let mut fixed = 0;
        while cursor.advance().await? {
            let doc = cursor.deserialize_current()?;
            let wall = crate::docs::from_bson_time(doc.starts_at).naive_utc();
            let at = zone.instant(wall).unwrap_or_else(|_| wall.and_utc());
            let mut set = doc! { "starts_at_utc": BsonDateTime::from_chrono(at), "day": wall.format("%Y-%m-%d").to_string() };
            if doc.status == domain::appointment::AppointmentStatus::Pending {
                let end = at + (doc.ends_at.to_chrono() - doc.starts_at.to_chrono());
                set.insert("slot_keys", super::slots::slot_keys(&doc.doctor_id, at, end));
            }
            let filter = doc! { "_id": doc.id, "starts_at_utc": null };
            match crate::docs::update_checked(self, super::COLLECTION, filter, doc! { "$set": set }).await {
                Ok(_) => fixed += 1,
                Err(StorageError::Duplicate { .. }) => tracing::warn!(appointment_id = %doc.id, "an older appointment overlaps another; its slot is not reserved"),
                Err(err) => return Err(err),
            }
        }
        Ok(fixed)
    }
}
