//! Prediction quality computed by the database: one aggregation turns the
//! resolved, predicted appointments in scope into cells (model version,
//! dimension, group, score bin, missed?, flagged?) with counts and sums, and
//! streams them back. Nothing else leaves the database.
//!
//! Each appointment is counted once per dimension: its model version as a
//! whole (`version`, fine bins), and within its version by gender, age band
//! and neighbourhood (coarser bins). The cells come back as a cursor, not as
//! one document, so the reply has no size limit however many model versions
//! and neighbourhoods there are.

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
    /// The model version that made the predictions.
    pub model: String,
    /// The group within the dimension (the version itself for `by_version`).
    pub key: String,
    pub bin: u32,
    pub missed: bool,
    pub flagged: bool,
    pub count: u64,
    pub sum_p: f64,
    pub sum_p2: f64,
}

/// The tally, by dimension.
#[derive(Debug, Clone, Default)]
pub struct PredictionTally {
    pub by_version: Vec<TallyCell>,
    pub by_gender: Vec<TallyCell>,
    pub by_age_band: Vec<TallyCell>,
    pub by_neighbourhood: Vec<TallyCell>,
}

/// The pipeline [`Store::prediction_tally`] sends for `query` (the scope);
/// public so that the benchmark sends exactly the same.
pub fn tally_pipeline(mut query: Document) -> Vec<Document> {
    query.insert("status", "done");
    query.insert("prediction", doc! { "$ne": null });
    let dimension = |d: &str, key: Bson| doc! { "d": d, "k": key };
    vec![
        doc! { "$match": query },
        doc! { "$project": {
            "_id": 0,
            "v": { "$ifNull": ["$prediction.model_version", "unknown"] },
            "p": "$prediction.no_show_probability",
            "y": { "$cond": [{ "$eq": ["$outcome.showed_up", false] }, 1, 0] },
            "f": { "$cond": [{ "$eq": ["$prediction.label", "No-show"] }, 1, 0] },
            "dims": [
                dimension("v", Bson::String(String::new())),
                dimension("g", doc! { "$ifNull": ["$subject.gender", "unknown"] }.into()),
                dimension("a", doc! { "$ifNull": ["$subject.age_band", "unknown"] }.into()),
                dimension("n", doc! { "$ifNull": ["$subject.neighbourhood", "unknown"] }.into()),
            ],
        } },
        doc! { "$unwind": "$dims" },
        doc! { "$group": {
            "_id": {
                "m": "$v", "d": "$dims.d", "k": "$dims.k",
                "b": { "$floor": { "$multiply": [
                    "$p",
                    { "$cond": [{ "$eq": ["$dims.d", "v"] }, f64::from(FINE_BINS), f64::from(GROUP_BINS)] },
                ] } },
                "y": "$y", "f": "$f",
            },
            "c": { "$sum": 1 },
            "s": { "$sum": "$p" },
            "s2": { "$sum": { "$multiply": ["$p", "$p"] } },
        } },
    ]
}

fn number(d: &Document, key: &str) -> f64 {
    match d.get(key) {
        Some(Bson::Double(v)) => *v,
        Some(Bson::Int32(v)) => f64::from(*v),
        Some(Bson::Int64(v)) => *v as f64,
        _ => 0.0,
    }
}

fn text(d: &Document, key: &str) -> String {
    match d.get(key) {
        Some(Bson::String(s)) => s.clone(),
        _ => "unknown".into(),
    }
}

/// One returned row: its dimension and cell.
fn cell(row: &Document) -> Option<(String, TallyCell)> {
    let id = row.get_document("_id").ok()?;
    let model = text(id, "m");
    let dimension = text(id, "d");
    let key = if dimension == "v" { model.clone() } else { text(id, "k") };
    Some((
        dimension,
        TallyCell {
            model,
            key,
            bin: number(id, "b").max(0.0) as u32,
            missed: number(id, "y") > 0.5,
            flagged: number(id, "f") > 0.5,
            count: number(row, "c") as u64,
            sum_p: number(row, "s"),
            sum_p2: number(row, "s2"),
        },
    ))
}

impl Store {
    /// The tally of resolved, predicted appointments within the filter's scope.
    pub async fn prediction_tally(&self, filter: &AppointmentFilter) -> Result<PredictionTally> {
        let mut cursor = self.appointment_docs().aggregate(tally_pipeline(filter.to_query())).await?;
        let mut tally = PredictionTally::default();
        while cursor.advance().await? {
            let row: Document = cursor.deserialize_current()?;
            let Some((dimension, cell)) = cell(&row) else { continue };
            match dimension.as_str() {
                "v" => tally.by_version.push(cell),
                "g" => tally.by_gender.push(cell),
                "a" => tally.by_age_band.push(cell),
                "n" => tally.by_neighbourhood.push(cell),
                _ => {}
            }
        }
        Ok(tally)
    }
}
