//! Appointment history with known outcomes (`appointment_history`): rows
//! ingested from CSV files and live appointments once their outcome is
//! recorded. A patient's history is one indexed query; training reads it all.

use crate::docs::collect;
use crate::error::DUPLICATE_KEY;
use crate::{Result, Store, StorageError};
use chrono::{NaiveDate, NaiveDateTime};
use domain::prediction::PastVisit;
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

    /// The patient's past outcomes, oldest first.
    pub async fn patient_history(&self, patient_id: &str) -> Result<Vec<PastVisit>> {
        let cursor = self.history().find(doc! { "patient_id": patient_id }).sort(doc! { "appointment_day": 1 }).await?;
        collect(cursor).await?.iter().map(|r| Ok(PastVisit { day: r.day()?, no_show: r.no_show })).collect()
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
