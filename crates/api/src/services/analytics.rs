//! Prediction quality from stored predictions and recorded outcomes, computed
//! by the database (`Store::prediction_tally`) and cached; an outcome (or a
//! correction) invalidates it. The stored label is the decision that was
//! shown, so counts, precision and recall use it; AUC, Brier and calibration
//! use the stored (calibrated) no-show probability.

use crate::error::ApiError;
use crate::state::AppState;
use ml::metrics::{CalibrationBucket, GroupMargins, GroupTables, ScoreCells};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use storage::appointments::analytics::{TallyCell, BINS};
use storage::appointments::AppointmentFilter;
use utoipa::ToSchema;

/// Cache namespace of the analytics replies.
pub const CACHE: &str = storage::cache::views::ANALYTICS;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfusionOut {
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
}

/// Figures over a set of resolved predictions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    pub total: u64,
    pub correct: u64,
    pub incorrect: u64,
    /// round(100 x correct / total); 0 when empty.
    pub accuracy: u64,
    /// Of the flagged appointments, the share missed.
    pub precision: f64,
    /// Of the missed appointments, the share flagged.
    pub recall: f64,
    pub f1: f64,
    pub auc: Option<f64>,
    pub brier: Option<f64>,
    pub base_rate: Option<f64>,
    /// Expected calibration error over ten equal-width buckets.
    pub expected_calibration_error: Option<f64>,
    pub confusion: ConfusionOut,
    /// Ten buckets: mean predicted against observed rate.
    #[schema(value_type = Vec<Object>)]
    pub calibration: Vec<CalibrationBucket>,
}

/// The analytics reply: the contract's four integers first, then the rest.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Analytics {
    #[serde(flatten)]
    pub overall: Figures,
    /// The same figures per model version.
    pub per_model: BTreeMap<String, Figures>,
    /// Per gender, age band and neighbourhood (with at least `groupMargins.minCount` predictions), all models together.
    #[schema(value_type = Object)]
    pub groups: GroupTables,
    /// The same group tables for each model version, each compared with that model's own figures.
    #[schema(value_type = Object)]
    pub groups_per_model: BTreeMap<String, GroupTables>,
    /// A group is flagged when it differs from everyone by more than these.
    #[schema(value_type = Object)]
    pub group_margins: GroupMargins,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The figures of a set of cells.
pub fn figures(cells: &ScoreCells) -> Figures {
    let c = cells.confusion();
    let total = cells.count();
    let correct = c.tp + c.tn;
    let (precision, recall) = (ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fn_));
    Figures {
        total,
        correct,
        incorrect: total - correct,
        accuracy: if total == 0 { 0 } else { (100.0 * correct as f64 / total as f64).round() as u64 },
        precision,
        recall,
        f1: if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) },
        auc: cells.auc(),
        brier: cells.brier(),
        base_rate: cells.base_rate(),
        expected_calibration_error: cells.ece(10),
        confusion: ConfusionOut { tp: c.tp, fp: c.fp, tn: c.tn, fn_: c.fn_ },
        calibration: cells.calibration(10),
    }
}

/// Cells by group, over the rows of one model version (or of all when `model` is `None`).
fn grouped(rows: &[TallyCell], bins: u32, model: Option<&str>) -> BTreeMap<String, ScoreCells> {
    let mut groups: BTreeMap<String, ScoreCells> = BTreeMap::new();
    for row in rows.iter().filter(|r| model.is_none_or(|m| r.model == m)) {
        groups.entry(row.key.clone()).or_insert_with(|| ScoreCells::new(bins)).add_cell(
            row.bin,
            row.missed,
            row.flagged,
            row.count,
            row.sum_p,
            row.sum_p2,
        );
    }
    groups
}

/// The key the figures of a scope are cached under (public: the benchmark reads it back).
pub fn key(filter: &AppointmentFilter) -> String {
    format!("{filter:?}")
}

/// Figures over the filter's scope, per model version and per group.
pub async fn predictions(state: &AppState, filter: &AppointmentFilter) -> Result<Analytics, ApiError> {
    state
        .cache
        .read_through(CACHE, &key(filter), || async {
            let tally = state.store.prediction_tally(filter).await?;
            let per_version = grouped(&tally.by_version, BINS, None);
            let mut everyone = ScoreCells::new(BINS);
            for cells in per_version.values() {
                everyone.merge(cells);
            }
            let margins = GroupMargins::default();
            let groups_of = |whole: &ScoreCells, model: Option<&str>| {
                GroupTables::compare(
                    whole,
                    grouped(&tally.by_gender, BINS, model),
                    grouped(&tally.by_age_band, BINS, model),
                    grouped(&tally.by_neighbourhood, BINS, model),
                    &margins,
                )
            };
            Ok::<_, ApiError>(Analytics {
                overall: figures(&everyone),
                per_model: per_version.iter().map(|(v, cells)| (v.clone(), figures(cells))).collect(),
                groups: groups_of(&everyone, None),
                groups_per_model: per_version.iter().map(|(v, cells)| (v.clone(), groups_of(cells, Some(v.as_str())))).collect(),
                group_margins: margins,
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(rows: &[(bool, bool, f64)]) -> ScoreCells {
        let mut c = ScoreCells::new(BINS);
        for &(flagged, missed, p) in rows {
            c.add(p, missed, flagged);
        }
        c
    }

    #[test]
    fn an_empty_scope_gives_zeros() {
        let s = figures(&ScoreCells::new(BINS));
        assert_eq!((s.total, s.correct, s.accuracy), (0, 0, 0));
    }

    /// Five resolved predictions worked out by hand:
    /// flagged & missed (TP), flagged & came (FP), not flagged & came (TN) x2, not flagged & missed (FN).
    #[test]
    fn figures_match_a_hand_computed_example() {
        let s = figures(&cells(&[(true, true, 0.8), (true, false, 0.6), (false, false, 0.1), (false, false, 0.2), (false, true, 0.3)]));
        assert_eq!((s.total, s.correct, s.incorrect, s.accuracy), (5, 3, 2, 60));
        assert_eq!((s.confusion.tp, s.confusion.fp, s.confusion.tn, s.confusion.fn_), (1, 1, 2, 1));
        assert!((s.precision - 0.5).abs() < 1e-12 && (s.recall - 0.5).abs() < 1e-12 && (s.f1 - 0.5).abs() < 1e-12);
        // AUC: positives {0.8, 0.3} vs negatives {0.6, 0.1, 0.2}: 0.8 beats all 3, 0.3 beats 2 -> 5/6.
        assert!((s.auc.unwrap() - 5.0 / 6.0).abs() < 1e-12);
        // Brier: (0.2^2 + 0.6^2 + 0.1^2 + 0.2^2 + 0.7^2) / 5 = 0.188.
        assert!((s.brier.unwrap() - 0.188).abs() < 1e-12);
        assert!((s.base_rate.unwrap() - 0.4).abs() < 1e-12);
        let json = serde_json::to_value(&s).unwrap();
        assert!(json["calibration"][0].get("meanPredicted").is_some(), "camelCase throughout: {json}");
    }
}
