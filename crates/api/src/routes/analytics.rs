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
}

/// Contract fields `{total, correct, incorrect, accuracy}` (ints), plus precision,
/// recall, F1, AUC, Brier, confusion matrix, calibration buckets and the same
/// per model version.
#[utoipa::path(get, path = "/api/analytics/predictions/", tag = "analytics", params(RangeQuery),
    responses((status = 200, description = "Prediction quality over recorded outcomes", body = Analytics)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn predictions(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let q: RangeQuery = query::parse(&req)?;
    let filter = AppointmentFilter {
        doctor_id: user.scope().or_else(|| q.doctor_id().ok().flatten().map(String::from)),
        from: q.from()?.map(|d| d.and_time(chrono::NaiveTime::MIN)),
        to: q.to()?.and_then(|d| d.succ_opt()).map(|d| d.and_time(chrono::NaiveTime::MIN)),
        ..Default::default()
    };
    q.doctor_id()?;
    Ok(HttpResponse::Ok().json(analytics::predictions(&state, &filter).await?))
}
