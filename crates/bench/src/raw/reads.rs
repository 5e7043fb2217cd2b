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
        patients.estimated_document_count().await?;
        let page: Vec<Document> = patients
            .find(doc! {})
            .projection(without_ledger())
            .sort(doc! { "created_at": -1, "_id": -1 })
            .skip(0)
            .limit(20)
            .await?
            .try_collect()
            .await?;
        Ok(page.len())
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

    /// `list_appointments`: the total (estimated when unfiltered), then the page.
    pub async fn appointment_page(&self, user: ObjectId, q: &AppointmentQuery) -> anyhow::Result<usize> {
        self.auth(user).await?;
        let appointments = self.collection("appointments");
        if q.filter.is_empty() {
            appointments.estimated_document_count().await?;
        } else {
            let mut count = appointments.count_documents(q.filter.clone());
            if let Some(h) = &q.hint {
                count = count.hint(Hint::Keys(h.clone()));
            }
            count.await?;
        }
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

    /// `prediction_tally` for an admin (no filter): one `$facet` aggregation.
    pub async fn tally(&self, user: ObjectId) -> anyhow::Result<()> {
        self.auth(user).await?;
        let mut cursor = self.collection("appointments").aggregate(tally_pipeline(doc! {})).await?;
        anyhow::ensure!(cursor.advance().await?, "the tally returned nothing");
        let _row: Document = cursor.deserialize_current()?;
        Ok(())
    }
}

fn facet(key: &str, bins: u32) -> Vec<Document> {
    vec![doc! {
        "$group": {
            "_id": { "k": key, "b": { "$floor": { "$multiply": ["$p", f64::from(bins)] } }, "y": "$y", "f": "$f" },
            "c": { "$sum": 1 },
            "s": { "$sum": "$p" },
            "s2": { "$sum": { "$multiply": ["$p", "$p"] } },
        }
    }]
}

/// The pipeline of `Store::prediction_tally` (`storage/src/appointments/analytics.rs`).
pub fn tally_pipeline(mut query: Document) -> Vec<Document> {
    use storage::appointments::analytics::{FINE_BINS, GROUP_BINS};
    query.insert("status", "done");
    query.insert("prediction", doc! { "$ne": null });
    vec![
        doc! { "$match": query },
        doc! { "$project": {
            "_id": 0,
            "v": "$prediction.model_version",
            "p": "$prediction.no_show_probability",
            "y": { "$cond": [{ "$eq": ["$outcome.showed_up", false] }, 1, 0] },
            "f": { "$cond": [{ "$eq": ["$prediction.label", "No-show"] }, 1, 0] },
            "g": { "$ifNull": ["$subject.gender", "unknown"] },
            "a": { "$ifNull": ["$subject.age_band", "unknown"] },
            "n": { "$ifNull": ["$subject.neighbourhood", "unknown"] },
        } },
        doc! { "$facet": {
            "version": facet("$v", FINE_BINS),
            "gender": facet("$g", GROUP_BINS),
            "age": facet("$a", GROUP_BINS),
            "neighbourhood": facet("$n", GROUP_BINS),
        } },
    ]
}
