//! Pending appointments a reminder may be due for, read by the scheduler with
//! one indexed query (`status`, `starts_at_utc`).

use super::COLLECTION;
use crate::{Result, Store};
use chrono::{DateTime, Duration, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{doc, DateTime as BsonDateTime, Document};

/// A pending appointment starting soon, with the reminder offsets already scheduled.
#[derive(Debug, Clone, PartialEq)]
pub struct UpcomingAppointment {
    pub id: String,
    pub starts_at_utc: DateTime<Utc>,
    /// Its stored prediction's band is `high`.
    pub high_risk: bool,
    /// Hours before the start whose reminder job exists (or was skipped).
    pub scheduled: Vec<u32>,
}

impl Store {
    /// Pending appointments starting after `now` and no later than `now + within`.
    pub async fn upcoming_appointments(&self, now: DateTime<Utc>, within: Duration) -> Result<Vec<UpcomingAppointment>> {
        let filter = doc! {
            "status": "pending",
            "starts_at_utc": { "$gt": BsonDateTime::from_chrono(now), "$lte": BsonDateTime::from_chrono(now + within) },
        };
        let projection = doc! { "_id": 1, "starts_at_utc": 1, "prediction.band": 1, "reminders_scheduled": 1 };
        let cursor = self.collection::<Document>(COLLECTION).find(filter).projection(projection).await?;
        let docs: Vec<Document> = cursor.try_collect().await?;
        Ok(docs
            .into_iter()
            .filter_map(|d| {
                let id = d.get_object_id("_id").ok()?.to_hex();
                let starts_at_utc = d.get_datetime("starts_at_utc").ok()?.to_chrono();
                let high_risk = d.get_document("prediction").ok().and_then(|p| p.get_str("band").ok()) == Some("high");
                let scheduled = d
                    .get_array("reminders_scheduled")
                    .map(|a| a.iter().filter_map(|h| h.as_i64().or_else(|| h.as_i32().map(i64::from))).filter_map(|h| u32::try_from(h).ok()).collect())
                    .unwrap_or_default();
                Some(UpcomingAppointment { id, starts_at_utc, high_risk, scheduled })
            })
            .collect())
    }
}
