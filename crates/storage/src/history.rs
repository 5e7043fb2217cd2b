//! Appointment history with known outcomes (`appointment_history`): rows
//! ingested from CSV files and live appointments once their outcome is
//! recorded. A patient's history is one indexed query; training reads it all.

use crate::docs::collect;
use crate::error::DUPLICATE_KEY;
use crate::{Result, Store, StorageError};
use chrono::{NaiveDate, NaiveDateTime};
use futures_util::TryStreamExt;
use mongodb::bson::doc;
use mongodb::error::ErrorKind;
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "appointment_history";

/// One appointment with its outcome and the model's inputs as they were then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// `import:<AppointmentID>` or `live:<appointment id>`: idempotency key.
    #[serde(rename = "_id")]
    pub key: String,
    pub patient_id: String,
    /// `YYYY-MM-DD`, sortable.
    pub appointment_day: String,
    /// Clinic wall-clock booking time, `YYYY-MM-DDTHH:MM:SS`.
    pub booked_at: String,
    pub no_show: bool,
    pub age: u8,
    pub female: bool,
    pub neighbourhood: String,
    pub scholarship: bool,
    pub hypertension: bool,
    pub diabetes: bool,
    pub alcoholism: bool,
    pub handicap: u8,
    pub sms_received: bool,
}

pub const DAY_FORMAT: &str = "%Y-%m-%d";
pub const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

impl HistoryRow {
    pub fn day(&self) -> Result<NaiveDate> {
        NaiveDate::parse_from_str(&self.appointment_day, DAY_FORMAT).map_err(|e| StorageError::Corrupt(e.to_string()))
    }

    pub fn booked(&self) -> Result<NaiveDateTime> {
        NaiveDateTime::parse_from_str(&self.booked_at, TIME_FORMAT).map_err(|e| StorageError::Corrupt(e.to_string()))
    }
}

/// What a batch insert did: new rows, and rows already present (by key).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchOutcome {
    pub inserted: u64,
    pub duplicates: u64,
}

impl Store {
    fn history(&self) -> mongodb::Collection<HistoryRow> {
        self.collection(COLLECTION)
    }

    /// Inserts rows, skipping keys already stored (re-ingesting adds nothing).
    pub async fn insert_history_batch(&self, rows: &[HistoryRow]) -> Result<BatchOutcome> {
        if rows.is_empty() {
            return Ok(BatchOutcome::default());
        }
        match self.history().insert_many(rows).ordered(false).await {
            Ok(done) => Ok(BatchOutcome { inserted: done.inserted_ids.len() as u64, duplicates: 0 }),
            Err(err) => match err.kind.as_ref() {
                ErrorKind::InsertMany(failure) => {
                    let errors = failure.write_errors.as_deref().unwrap_or_default();
                    if let Some(other) = errors.iter().find(|e| e.code != DUPLICATE_KEY) {
                        return Err(StorageError::Corrupt(other.message.clone()));
                    }
                    if failure.write_concern_error.is_some() {
                        return Err(err.into());
                    }
                    let duplicates = errors.len() as u64;
                    Ok(BatchOutcome { inserted: rows.len() as u64 - duplicates, duplicates })
                }
                _ => Err(err.into()),
            },
        }
    }

    /// Writes a live outcome's row, replacing an earlier one for the same
    /// appointment (a corrected outcome); repeating it changes nothing.
    pub async fn put_history(&self, row: &HistoryRow) -> Result<()> {
        self.history().replace_one(doc! { "_id": &row.key }, row).upsert(true).await?;
        Ok(())
    }

    /// The patient's history rows (for tests and tools), oldest first.
    pub async fn patient_history(&self, patient_id: &str) -> Result<Vec<HistoryRow>> {
        let cursor = self.history().find(doc! { "patient_id": patient_id }).sort(doc! { "appointment_day": 1 }).await?;
        collect(cursor).await
    }

    /// Every row, streamed in appointment-day order.
    pub async fn all_history(&self) -> Result<Vec<HistoryRow>> {
        let mut cursor = self.history().find(doc! {}).sort(doc! { "appointment_day": 1, "_id": 1 }).batch_size(5000).await?;
        let mut rows = Vec::new();
        while let Some(row) = cursor.try_next().await? {
            rows.push(row);
        }
        Ok(rows)
    }

    pub async fn count_history(&self) -> Result<u64> {
        Ok(self.history().estimated_document_count().await?)
    }
}

/// The two aggregations behind [`Store::patient_past`]: over the patient's
/// history (`appointment_history`) and over their pending appointments
/// (`appointments`). Each ends in one `$group`, so each returns one small
/// row whatever the patient's length of history; public so that the
/// benchmark sends exactly the same.
pub struct PastPipelines {
    pub history: Vec<mongodb::bson::Document>,
    pub pending: Vec<mongodb::bson::Document>,
}

impl PastPipelines {
    pub fn new(patient_id: &str, booked_at: NaiveDateTime) -> Self {
        let day = booked_at.format(DAY_FORMAT).to_string();
        let at = booked_at.format(TIME_FORMAT).to_string();
        let before = |field: &str, bound: &str| doc! { "$lt": [field, bound] };
        let booked_day = doc! { "$substrBytes": [{ "$ifNull": ["$booked", ""] }, 0, 10] };
        // Outcomes count only from the history (a pending appointment has none yet).
        let group = |known: bool| {
            let visits = if known { doc! { "$cond": [before("$day", &day), 1, 0] } } else { doc! { "$literal": 0 } };
            let no_shows = if known { doc! { "$cond": [{ "$and": ["$missed", before("$day", &day)] }, 1, 0] } } else { doc! { "$literal": 0 } };
            doc! { "$group": {
                "_id": null,
                "visits": { "$sum": visits },
                "no_shows": { "$sum": no_shows },
                "bookings": { "$sum": { "$cond": [before("$booked", &at), 1, 0] } },
                "same_day": { "$sum": { "$cond": [{ "$and": [before("$booked", &at), { "$eq": ["$day", booked_day.clone()] }] }, 1, 0] } },
                "today": { "$sum": { "$cond": [{ "$and": [before("$booked", &at), { "$eq": [booked_day.clone(), &day] }] }, 1, 0] } },
            } }
        };
        Self {
            history: vec![
                doc! { "$match": { "patient_id": patient_id } },
                doc! { "$project": { "_id": 0, "day": "$appointment_day", "booked": "$booked_at", "missed": "$no_show" } },
                group(true),
            ],
            pending: vec![
                // Two stages: MongoDB merges them; SecantusDB's planner seeks
                // `patient_id_1_starts_at_1` only for a filter on the patient alone.
                doc! { "$match": { "patient_id": patient_id } },
                doc! { "$match": { "status": "pending" } },
                doc! { "$project": { "_id": 0, "day": "$day", "booked": "$booked_at" } },
                group(false),
            ],
        }
    }
}

/// Reads the one row of a `$group` (none when nothing matched) as counts.
async fn group_counts(mut cursor: mongodb::Cursor<mongodb::bson::Document>) -> Result<domain::prediction::PatientPast> {
    if !cursor.advance().await? {
        return Ok(domain::prediction::PatientPast::default());
    }
    let row: mongodb::bson::Document = cursor.deserialize_current()?;
    let count = |k: &str| row.get_i32(k).map(i64::from).or_else(|_| row.get_i64(k)).unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32;
    Ok(domain::prediction::PatientPast {
        visits: count("visits"),
        no_shows: count("no_shows"),
        bookings: count("bookings"),
        same_day_bookings: count("same_day"),
        bookings_today: count("today"),
    })
}

impl Store {
    /// The patient's record when booking at clinic time `booked_at`: outcomes
    /// of appointments whose day is before the booking date, and every
    /// booking made before this moment, from the history and from the
    /// patient's pending appointments (whose outcome is not known yet).
    /// Canceled appointments are left out, as they are from the history
    /// training reads. Two indexed aggregations sent at once (one `$unionWith`
    /// would be a single round trip, but SecantusDB runs it a hundred times
    /// slower than the two halves).
    pub async fn patient_past(&self, patient_id: &str, booked_at: chrono::NaiveDateTime) -> Result<domain::prediction::PatientPast> {
        let pipelines = PastPipelines::new(patient_id, booked_at);
        let appointments = self.collection::<mongodb::bson::Document>(crate::appointments::COLLECTION);
        let (history, pending) = futures_util::future::try_join(
            async { group_counts(self.history_docs().aggregate(pipelines.history).await?).await },
            async { group_counts(appointments.aggregate(pipelines.pending).await?).await },
        )
        .await?;
        Ok(domain::prediction::PatientPast {
            visits: history.visits,
            no_shows: history.no_shows,
            bookings: history.bookings.saturating_add(pending.bookings),
            same_day_bookings: history.same_day_bookings.saturating_add(pending.same_day_bookings),
            bookings_today: history.bookings_today.saturating_add(pending.bookings_today),
        })
    }

    fn history_docs(&self) -> mongodb::Collection<mongodb::bson::Document> {
        self.collection(COLLECTION)
    }
}
