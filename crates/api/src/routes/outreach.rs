//! `/api/outreach/`: the front desk's daily worklist (doctors see their own, admins all).

use crate::auth::CurrentUser;
use crate::dto::outreach::WorklistPage;
use crate::dto::query::{self, OutreachQuery};
use crate::error::ApiResult;
use crate::services::outreach;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};

crate::resources! {
    User "/outreach/" { GET => worklist },
}

/// A clinic day's pending appointments, highest no-show risk first (without a
/// prediction last), with contact details, band, reasons, reminders sent and
/// contact attempts.
#[utoipa::path(get, path = "/api/outreach/", tag = "outreach", params(OutreachQuery),
    responses((status = 200, description = "A page of the worklist", body = WorklistPage)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn worklist(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let query: OutreachQuery = query::parse(&req)?;
    let day = query.date()?.unwrap_or_else(|| state.today());
    let requested = query.doctor_id()?;
    let doctor = user.scope().or_else(|| requested.map(String::from));
    let page = outreach::worklist(&state, day, doctor, query.page()?).await?;
    Ok(HttpResponse::Ok().json(page))
}
