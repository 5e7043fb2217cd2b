//! The outreach worklist: a day's pending appointments, highest no-show risk
//! first (appointments without a prediction last: a descending sort puts a
//! missing value after every number), with their contact logs.

use super::doc::AppointmentDoc;
use super::AppointmentFilter;
use crate::docs::collect;
use crate::{Result, Store};
use domain::appointment::Appointment;
use domain::contact::Contact;
use domain::pagination::PageRequest;
use domain::patient::Patient;
use mongodb::bson::doc;

/// One appointment to act on.
#[derive(Debug, Clone)]
pub struct WorklistEntry {
    pub appointment: Appointment,
    /// Contact attempts and reminders sent, oldest first.
    pub contacts: Vec<Contact>,
}

impl Store {
    /// A page of the filter's appointments by risk, with the total; the caller scopes the filter.
    pub async fn worklist(&self, filter: &AppointmentFilter, page: PageRequest) -> Result<(Vec<WorklistEntry>, u64)> {
        let query = filter.to_query();
        let collection = self.appointment_docs();
        let total = collection.count_documents(query.clone()).await?;
        let cursor = collection
            .find(query)
            .projection(doc! { "events": 0, "patient_terms": 0, "slot_keys": 0 })
            .sort(doc! { "prediction.no_show_probability": -1, "starts_at": 1, "_id": 1 })
            .skip(page.skip())
            .limit(i64::from(page.page_size))
            .await?;
        let docs: Vec<AppointmentDoc> = collect(cursor).await?;
        Ok((
            docs.into_iter()
                .map(|mut d| {
                    let contacts = std::mem::take(&mut d.contacts).into_iter().map(Contact::from).collect();
                    WorklistEntry { appointment: Appointment::from(d), contacts }
                })
                .collect(),
            total,
        ))
    }

    /// The patients with these ids (one query), in no particular order.
    pub async fn patients_by_ids(&self, ids: &[String]) -> Result<Vec<Patient>> {
        let cursor = self.collection::<crate::patients::PatientDoc>(crate::patients::COLLECTION).find(doc! { "_id": { "$in": ids } }).await?;
        let docs: Vec<crate::patients::PatientDoc> = collect(cursor).await?;
        Ok(docs.into_iter().filter_map(|d| Patient::try_from(d).ok()).collect())
    }
}
