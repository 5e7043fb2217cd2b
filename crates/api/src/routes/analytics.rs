//! `GET /api/analytics/predictions/`: stored predictions against recorded
//! outcomes (only appointments that had a prediction), scoped like the lists.

use crate::auth::CurrentUser;
use crate::dto::query::{self, RangeQuery};
use crate::error::ApiResult;
use crate::services::analytics::{self, Analytics};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use storage::appointments::AppointmentFilter;

crate::resources! {
    User "/analytics/predictions/" { GET => predictions },
    User "/analytics/capacity/" { GET => capacity },
}

/// Contract fields `{total, correct, incorrect, accuracy}` (ints), plus precision,
/// recall, F1, AUC, Brier, confusion matrix, calibration buckets and the same
/// per model version.
#[utoipa::path(get, path = "/api/analytics/predictions/", tag = "analytics", params(RangeQuery),
    responses((status = 200, description = "Prediction quality over recorded outcomes", body = Analytics)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn predictions(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let filter = range_filter(&user, &req)?;
    Ok(HttpResponse::Ok().json(analytics::predictions(&state, &filter).await?))
}

/// The scope of an analytics request: its days and, for admins, one doctor (doctors see their own).
fn range_filter(user: &CurrentUser, req: &HttpRequest) -> ApiResult<AppointmentFilter> {
    let q: RangeQuery = query::parse(req)?;
    let requested = q.doctor_id()?;
    Ok(AppointmentFilter {
        doctor_id: user.scope().or_else(|| requested.map(String::from)),
        from: q.from()?.map(|d| d.and_time(chrono::NaiveTime::MIN)),
        to: q.to()?.and_then(|d| d.succ_opt()).map(|d| d.and_time(chrono::NaiveTime::MIN)),
        ..Default::default()
    })
}

/// One doctor's clinic day: appointments booked (cancelled ones left out) and
/// the attendances to expect from the stored predictions.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CapacityOut {
    pub doctor_id: String,
    pub date: String,
    pub booked: u64,
    /// Booked appointments with a stored prediction.
    pub predicted: u64,
    /// The sum of P(show) over the predicted appointments.
    pub expected_attendances: f64,
    /// Predicted appointments expected to be missed: room to double-book.
    pub expected_no_shows: f64,
}

/// Per doctor and day, computed by the database: booked appointments and expected
/// attendances (the sum of P(show) from stored predictions), to see where
/// double-booking is safe. Scoped like the lists.
#[utoipa::path(get, path = "/api/analytics/capacity/", tag = "analytics", params(RangeQuery),
    responses((status = 200, description = "Capacity per doctor and day", body = Vec<CapacityOut>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn capacity(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let filter = range_filter(&user, &req)?;
    let days: Vec<CapacityOut> = state
        .store
        .capacity(&filter)
        .await?
        .into_iter()
        .map(|d| CapacityOut {
            doctor_id: d.doctor_id,
            date: d.day,
            booked: d.booked,
            predicted: d.predicted,
            expected_attendances: d.expected_attendances,
            expected_no_shows: d.predicted as f64 - d.expected_attendances,
        })
        .collect();
    Ok(HttpResponse::Ok().json(days))
}
