//! `GET /api/analytics/predictions/`: stored predictions against recorded
//! outcomes (only appointments that had a prediction), scoped like the lists.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::request::QueryParams;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;
use std::collections::BTreeMap;
use storage::appointments::{AppointmentFilter, ResolvedPrediction};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/analytics/predictions/", web::get().to(predictions));
}

fn summary(rows: &[ResolvedPrediction]) -> serde_json::Value {
    let y: Vec<bool> = rows.iter().map(|r| r.no_show).collect();
    let p: Vec<f64> = rows.iter().map(|r| r.no_show_probability).collect();
    let correct = rows.iter().filter(|r| r.flagged == r.no_show).count() as u64;
    let total = rows.len() as u64;
    // The stored label is the decision; evaluate at 0.5 only for the probability-based figures.
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

/// Contract fields `{total, correct, incorrect, accuracy}` (ints), plus precision,
/// recall, F1, AUC, Brier, confusion matrix, calibration buckets and the same
/// per model version. Filters: `from`, `to` (appointment dates), `doctorId` (admins).
#[tracing::instrument(skip_all)]
async fn predictions(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let query = QueryParams::parse(&req)?;
    let filter = AppointmentFilter {
        doctor_id: user.scope().or_else(|| query.text("doctorId").map(String::from)),
        from: query.date("from")?.and_then(|d| d.and_hms_opt(0, 0, 0)),
        to: query.date("to")?.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)),
        ..Default::default()
    };
    let rows = state.store.resolved_predictions(&filter).await?;
    let mut by_version: BTreeMap<String, Vec<ResolvedPrediction>> = BTreeMap::new();
    for row in &rows {
        by_version.entry(row.model_version.clone()).or_default().push(row.clone());
    }
    let mut body = summary(&rows);
    body["perModel"] = by_version.iter().map(|(v, rows)| (v.clone(), summary(rows))).collect::<serde_json::Map<_, _>>().into();
    Ok(HttpResponse::Ok().json(body))
}
