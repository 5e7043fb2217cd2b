//! Raw reads: what `list_patients`, `search_patients`, `list_appointments`,
//! `find_appointment` and `prediction_tally` send.

use super::{all_terms, without_ledger, without_logs, Raw};
use anyhow::Context;
use futures_util::TryStreamExt;
use mongodb::bson::{doc, oid::ObjectId, Document};
use mongodb::options::Hint;

/// An appointment list query as `AppointmentFilter::to_query` builds it.
#[derive(Debug, Clone)]
pub struct AppointmentQuery {
    pub filter: Document,
    pub sort: Document,
    /// Only word searches name their index.
    pub hint: Option<Document>,
}

impl Raw {
    /// `GET /api/patients/` page 1 (unfiltered): the estimated total and the page.
    pub async fn patient_page(&self, user: ObjectId) -> anyhow::Result<usize> {
        self.auth(user).await?;
        let patients = self.collection("patients");
        let page = async {
            let page: Vec<Document> = patients
                .find(doc! {})
                .projection(without_ledger())
                .sort(doc! { "created_at": -1, "_id": -1 })
                .skip(0)
                .limit(20)
                .await?
                .try_collect()
                .await?;
            anyhow::Ok(page.len())
        };
        let (_, found) = futures_util::future::try_join(async { Ok(patients.estimated_document_count().await?) }, page).await?;
        Ok(found)
    }

    /// `GET /api/patients/search/`: up to 500 index matches (ranked in memory by the API).
    pub async fn patient_search(&self, user: ObjectId, words: &[String]) -> anyhow::Result<usize> {
        self.auth(user).await?;
        let found: Vec<Document> = self
            .collection("patients")
            .find(all_terms("search_terms", words))
            .projection(without_ledger())
            .hint(Hint::Keys(doc! { "search_terms": 1 }))
            .limit(500)
            .await?
            .try_collect()
            .await?;
        Ok(found.len())
    }

    /// `list_appointments`: the total (estimated when unfiltered) and the page, sent at once.
    pub async fn appointment_page(&self, user: ObjectId, q: &AppointmentQuery) -> anyhow::Result<usize> {
        self.auth(user).await?;
        let appointments = self.collection("appointments");
        let total = async {
            if q.filter.is_empty() {
                appointments.estimated_document_count().await?;
            } else {
                let mut count = appointments.count_documents(q.filter.clone());
                if let Some(h) = &q.hint {
                    count = count.hint(Hint::Keys(h.clone()));
                }
                count.await?;
            }
            anyhow::Ok(())
        };
        let ((), found) = futures_util::future::try_join(total, self.appointment_find(q)).await?;
        Ok(found)
    }

    /// `find_appointments` (a search: the page, no total).
    pub async fn appointment_search(&self, user: ObjectId, q: &AppointmentQuery) -> anyhow::Result<usize> {
        self.auth(user).await?;
        self.appointment_find(q).await
    }

    async fn appointment_find(&self, q: &AppointmentQuery) -> anyhow::Result<usize> {
        let appointments = self.collection("appointments");
        let mut find = appointments.find(q.filter.clone()).projection(without_logs()).sort(q.sort.clone()).skip(0).limit(20);
        if let Some(h) = &q.hint {
            find = find.hint(Hint::Keys(h.clone()));
        }
        let page: Vec<Document> = find.await?.try_collect().await?;
        Ok(page.len())
    }

    /// `GET /api/appointments/{id}/`.
    pub async fn appointment(&self, user: ObjectId, id: ObjectId) -> anyhow::Result<()> {
        self.auth(user).await?;
        self.collection("appointments").find_one(doc! { "_id": id }).projection(without_logs()).await?.context("no such appointment")?;
        Ok(())
    }

    /// `prediction_tally` for an admin (no filter): one aggregation, every cell read.
    pub async fn tally(&self, user: ObjectId) -> anyhow::Result<()> {
        self.auth(user).await?;
        let mut cursor = self.collection("appointments").aggregate(tally_pipeline(doc! {})).await?;
        let mut cells = 0usize;
        while cursor.advance().await? {
            let _row: Document = cursor.deserialize_current()?;
            cells += 1;
        }
        anyhow::ensure!(cells > 0, "the tally returned nothing");
        Ok(())
    }
}

/// The pipeline of `Store::prediction_tally`, as the repository builds it.
pub fn tally_pipeline(query: Document) -> Vec<Document> {
    storage::appointments::analytics::tally_pipeline(query)
}
