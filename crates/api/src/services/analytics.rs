//! Prediction quality from stored predictions and recorded outcomes. The stored
//! label is the decision that was shown, so counts, precision and recall use it;
//! AUC, Brier and calibration use the stored no-show probability.

use serde_json::json;
use std::collections::BTreeMap;
use storage::appointments::AppointmentFilter;

/// The analytics reply: the contract's four integers, then the rest.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Analytics {
    pub total: u64,
    pub correct: u64,
    pub incorrect: u64,
    /// round(100 x correct / total); 0 when empty.
    pub accuracy: u64,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// Figures over the filter's scope, and per model version.
pub async fn predictions(state: &crate::state::AppState, filter: &AppointmentFilter) -> Result<Analytics, crate::error::ApiError> {
    let rows = state.store.resolved_predictions(filter).await?;
    let mut by_version: BTreeMap<String, Vec<ResolvedPrediction>> = BTreeMap::new();
    for row in &rows {
        by_version.entry(row.model_version.clone()).or_default().push(row.clone());
    }
    let mut body = summary(&rows);
    body["perModel"] = by_version.iter().map(|(v, rows)| (v.clone(), summary(rows))).collect::<serde_json::Map<_, _>>().into();
    let int = |k: &str| body[k].as_u64().unwrap_or(0);
    let (total, correct, incorrect, accuracy) = (int("total"), int("correct"), int("incorrect"), int("accuracy"));
    if let Some(map) = body.as_object_mut() {
        for k in ["total", "correct", "incorrect", "accuracy"] {
            map.remove(k);
        }
    }
    Ok(Analytics { total, correct, incorrect, accuracy, details: body })
}

/// Cache namespace of the analytics replies (invalidated when an outcome is recorded).
pub const CACHE: &str = "analytics";
use storage::appointments::ResolvedPrediction;

/// `{total, correct, incorrect, accuracy}` (ints, as the frontend reads them) plus
/// precision, recall, F1 (no-show is the positive class), AUC, Brier, base rate,
/// confusion matrix and ten calibration buckets.
pub fn summary(rows: &[ResolvedPrediction]) -> serde_json::Value {
    let y: Vec<bool> = rows.iter().map(|r| r.no_show).collect();
    let p: Vec<f64> = rows.iter().map(|r| r.no_show_probability).collect();
    let correct = rows.iter().filter(|r| r.flagged == r.no_show).count() as u64;
    let total = rows.len() as u64;
    let eval = ml::metrics::evaluate(&y, &p, 0.5);
    let (tp, fp, tn, fn_) = rows.iter().fold((0u64, 0u64, 0u64, 0u64), |(tp, fp, tn, fn_), r| match (r.flagged, r.no_show) {
        (true, true) => (tp + 1, fp, tn, fn_),
        (true, false) => (tp, fp + 1, tn, fn_),
        (false, false) => (tp, fp, tn + 1, fn_),
        (false, true) => (tp, fp, tn, fn_ + 1),
    });
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let (precision, recall) = (ratio(tp, tp + fp), ratio(tp, tp + fn_));
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    json!({
        "total": total,
        "correct": correct,
        "incorrect": total - correct,
        "accuracy": if total == 0 { 0 } else { (100.0 * correct as f64 / total as f64).round() as u64 },
        "precision": precision, "recall": recall, "f1": f1,
        "auc": eval.auc, "brier": if total == 0 { None } else { Some(eval.brier) },
        "baseRate": if total == 0 { None } else { Some(eval.base_rate) },
        "confusion": { "tp": tp, "fp": fp, "tn": tn, "fn": fn_ },
        "calibration": ml::metrics::calibration(&y, &p, 10),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(flagged: bool, no_show: bool, p: f64) -> ResolvedPrediction {
        ResolvedPrediction { no_show, flagged, no_show_probability: p, model_version: "v".into() }
    }

    #[test]
    fn an_empty_scope_gives_zeros() {
        let s = summary(&[]);
        assert_eq!((s["total"].as_u64(), s["correct"].as_u64(), s["accuracy"].as_u64()), (Some(0), Some(0), Some(0)));
    }

    /// Five resolved predictions worked out by hand:
    /// flagged & missed (TP), flagged & came (FP), not flagged & came (TN) x2, not flagged & missed (FN).
    #[test]
    fn figures_match_a_hand_computed_example() {
        let rows = [row(true, true, 0.8), row(true, false, 0.6), row(false, false, 0.1), row(false, false, 0.2), row(false, true, 0.3)];
        let s = summary(&rows);
        assert_eq!(s["total"], 5);
        assert_eq!(s["correct"], 3);
        assert_eq!(s["incorrect"], 2);
        assert_eq!(s["accuracy"], 60);
        assert_eq!(s["confusion"], json!({ "tp": 1, "fp": 1, "tn": 2, "fn": 1 }));
        assert!((s["precision"].as_f64().unwrap() - 0.5).abs() < 1e-12);
        assert!((s["recall"].as_f64().unwrap() - 0.5).abs() < 1e-12);
        assert!((s["f1"].as_f64().unwrap() - 0.5).abs() < 1e-12);
        // AUC: positives {0.8, 0.3} vs negatives {0.6, 0.1, 0.2}: 0.8 beats all 3, 0.3 beats 2 -> 5/6.
        assert!((s["auc"].as_f64().unwrap() - 5.0 / 6.0).abs() < 1e-12);
        // Brier: (0.2^2 + 0.6^2 + 0.1^2 + 0.2^2 + 0.7^2) / 5 = 0.188.
        assert!((s["brier"].as_f64().unwrap() - 0.188).abs() < 1e-12);
        assert!((s["baseRate"].as_f64().unwrap() - 0.4).abs() < 1e-12);
    }
}
