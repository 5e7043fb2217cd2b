//! Prediction quality computed by the database: one aggregation returns the
//! resolved, predicted appointments in scope as cells (score bin, missed?,
//! flagged?) per model version, gender, age band and neighbourhood, with
//! counts and sums. Nothing else leaves the database.

use super::AppointmentFilter;
use crate::{Result, Store};
use mongodb::bson::{doc, Bson, Document};

/// Score bins for the whole and per model version (AUC, calibration).
pub const FINE_BINS: u32 = 1000;
/// Score bins per group (their AUC needs less resolution).
pub const GROUP_BINS: u32 = 100;

/// One cell of the tally.
#[derive(Debug, Clone, PartialEq)]
pub struct TallyCell {
    pub key: String,
    pub bin: u32,
    pub missed: bool,
    pub flagged: bool,
    pub count: u64,
    pub sum_p: f64,
    pub sum_p2: f64,
}

/// The tally's facets.
#[derive(Debug, Clone, Default)]
pub struct PredictionTally {
    pub by_version: Vec<TallyCell>,
    pub by_gender: Vec<TallyCell>,
    pub by_age_band: Vec<TallyCell>,
    pub by_neighbourhood: Vec<TallyCell>,
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

fn number(d: &Document, key: &str) -> f64 {
    match d.get(key) {
        Some(Bson::Double(v)) => *v,
        Some(Bson::Int32(v)) => f64::from(*v),
        Some(Bson::Int64(v)) => *v as f64,
        _ => 0.0,
    }
}

fn cells(rows: Option<&Bson>) -> Vec<TallyCell> {
    let Some(Bson::Array(rows)) = rows else { return Vec::new() };
    rows.iter()
        .filter_map(Bson::as_document)
        .filter_map(|row| {
            let id = row.get_document("_id").ok()?;
            Some(TallyCell {
                key: match id.get("k") {
                    Some(Bson::String(s)) => s.clone(),
                    _ => "unknown".into(),
                },
                bin: number(id, "b").max(0.0) as u32,
                missed: number(id, "y") > 0.5,
                flagged: number(id, "f") > 0.5,
                count: number(row, "c") as u64,
                sum_p: number(row, "s"),
                sum_p2: number(row, "s2"),
            })
        })
        .collect()
}

impl Store {
    /// The tally of resolved, predicted appointments within the filter's scope.
    pub async fn prediction_tally(&self, filter: &AppointmentFilter) -> Result<PredictionTally> {
        let mut query = filter.to_query();
        query.insert("status", "done");
        query.insert("prediction", doc! { "$ne": null });
        let pipeline = vec![
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
        ];
        let mut cursor = self.appointment_docs().aggregate(pipeline).await?;
        if !cursor.advance().await? {
            return Ok(PredictionTally::default());
        }
        let result: Document = cursor.deserialize_current()?;
        Ok(PredictionTally {
            by_version: cells(result.get("version")),
            by_gender: cells(result.get("gender")),
            by_age_band: cells(result.get("age")),
            by_neighbourhood: cells(result.get("neighbourhood")),
        })
    }
}
