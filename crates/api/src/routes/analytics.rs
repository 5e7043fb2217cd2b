//! `GET /api/analytics/predictions/`: stored predictions against recorded
//! outcomes (only appointments that had a prediction), scoped like the lists.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::request::QueryParams;
use crate::services::analytics;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use std::collections::BTreeMap;
use storage::appointments::{AppointmentFilter, ResolvedPrediction};

crate::endpoints! {
    GET "/analytics/predictions/" => predictions,
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
    let mut body = analytics::summary(&rows);
    body["perModel"] = by_version.iter().map(|(v, rows)| (v.clone(), analytics::summary(rows))).collect::<serde_json::Map<_, _>>().into();
    Ok(HttpResponse::Ok().json(body))
}
