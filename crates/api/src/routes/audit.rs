//! `/api/admin/events/`: the audit trail across appointments and patient-record
//! reads, by actor and time (admins). Events are never changed through the API.

use crate::dto::appointment::EventOut;
use crate::dto::query::{self, EventQuery};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use storage::audit::EventFilter;

crate::resources! {
    Admin "/admin/events/" { GET => list },
}

/// How far back the listing reaches when no `from` is given: the events live
/// inside the appointments, so an unbounded listing would unpack all of them.
const DEFAULT_DAYS: u64 = 30;

/// Events newest first, optionally one actor's and within clinic days `from`..=`to`
/// (`from` defaults to 30 days before `to`, or before today).
#[utoipa::path(get, path = "/api/admin/events/", tag = "outreach", params(EventQuery),
    responses((status = 200, description = "A page of events, newest first", body = Vec<EventOut>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let q: EventQuery = query::parse(&req)?;
    let zone = state.zone();
    let filter = EventFilter {
        actor: q.actor()?.map(String::from),
        from: Some(zone.start_of_day(match q.from()? {
            Some(day) => day,
            None => q.to()?.unwrap_or_else(|| state.today()).checked_sub_days(chrono::Days::new(DEFAULT_DAYS)).unwrap_or(chrono::NaiveDate::MIN),
        })),
        to: q.to()?.and_then(|d| d.succ_opt()).map(|d| zone.start_of_day(d)),
    };
    let events = state.store.list_events(&filter, q.page()?).await?;
    Ok(HttpResponse::Ok().json(events.iter().map(EventOut::from).collect::<Vec<_>>()))
}
