//! Capacity per doctor and clinic day, computed by the database: appointments
//! booked (not cancelled), and the attendances to expect from the stored
//! predictions (the sum of P(show)), so a clinic sees where double-booking is safe.

use super::{AppointmentFilter, COLLECTION};
use crate::{Result, Store};
use mongodb::bson::{doc, Bson, Document};

/// One doctor's day.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityDay {
    pub doctor_id: String,
    /// Clinic day, `YYYY-MM-DD`.
    pub day: String,
    /// Appointments booked (pending or done), cancelled ones left out.
    pub booked: u64,
    /// Of them, those with a stored prediction.
    pub predicted: u64,
    /// The sum of P(show) over the predicted ones.
    pub expected_attendances: f64,
}

fn number(d: &Document, key: &str) -> f64 {
    match d.get(key) {
        Some(Bson::Double(v)) => *v,
        Some(Bson::Int32(v)) => f64::from(*v),
        Some(Bson::Int64(v)) => *v as f64,
        _ => 0.0,
    }
}

impl Store {
    /// Per doctor and day in the filter's scope, by day then doctor.
    pub async fn capacity(&self, filter: &AppointmentFilter) -> Result<Vec<CapacityDay>> {
        let mut query = filter.to_query();
        query.insert("status", doc! { "$ne": "canceled" });
        let pipeline = vec![
            doc! { "$match": query },
            doc! { "$group": {
                "_id": { "doctor": "$doctor_id", "day": "$day" },
                "booked": { "$sum": 1 },
                "predicted": { "$sum": { "$cond": [{ "$ifNull": ["$prediction.model_version", false] }, 1, 0] } },
                "no_shows": { "$sum": "$prediction.no_show_probability" },
            } },
            doc! { "$sort": { "_id.day": 1, "_id.doctor": 1 } },
        ];
        let mut cursor = self.collection::<Document>(COLLECTION).aggregate(pipeline).await?;
        let mut days = Vec::new();
        while cursor.advance().await? {
            let row: Document = cursor.deserialize_current()?;
            let Ok(key) = row.get_document("_id") else { continue };
            let predicted = number(&row, "predicted") as u64;
            days.push(CapacityDay {
                doctor_id: key.get_str("doctor").unwrap_or_default().to_string(),
                day: key.get_str("day").unwrap_or_default().to_string(),
                booked: number(&row, "booked") as u64,
                predicted,
                expected_attendances: predicted as f64 - number(&row, "no_shows"),
            });
        }
        Ok(days)
    }
}
