//! `/api/appointments/*`: doctors see their own, admins all.

use crate::auth::CurrentUser;
use crate::dto::appointment::{AppointmentIn, OutcomeIn};
use crate::dto::{AppointmentOut, Paginated};
use crate::error::{ApiError, ApiResult};
use crate::request::QueryParams;
use crate::services::{booking, onboarding};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::appointment::AppointmentStatus;
use domain::pagination::PageRequest;
use domain::search_text;
use storage::appointments::{AppointmentFilter, AppointmentOrder};

crate::endpoints! {
    GET "/appointments/" => list,
    POST "/appointments/" => create,
    GET "/appointments/search/" => search,
    GET "/appointments/doctor/{doctor_id}/" => by_doctor,
    GET "/appointments/{id}/" => get,
    PATCH "/appointments/{id}/" => update,
    POST "/appointments/{id}/cancel/" => cancel,
}

/// Filters shared by list and search: `doctorId` (admins), `patientId`, `status`,
/// `date` (one day), `from`/`to` (date range, inclusive), `q` (patient name or id).
fn filter(user: &CurrentUser, query: &QueryParams) -> ApiResult<AppointmentFilter> {
    let mut filter = AppointmentFilter {
        doctor_id: user.scope().or_else(|| query.text("doctorId").map(String::from)),
        patient_id: query.text("patientId").map(String::from),
        status: query.text("status").map(AppointmentStatus::parse).transpose()?,
        patient_words: search_text::query_words(query.get("q").unwrap_or("")),
        ..Default::default()
    };
    if let Some(day) = query.date("date")? {
        filter = filter.on_day(day);
    }
    if let Some(from) = query.date("from")? {
        filter.from = from.and_hms_opt(0, 0, 0);
    }
    if let Some(to) = query.date("to")? {
        filter.to = to.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0));
    }
    Ok(filter)
}

fn page_of(items: Vec<domain::appointment::Appointment>, total: u64, page: PageRequest) -> Paginated<AppointmentOut> {
    Paginated::new("appointments", items.iter().map(AppointmentOut::from).collect(), total, page)
}

/// `{appointments, total, page, total_pages}`: newest booked first, or by start
/// time with `ordering=time`.
#[tracing::instrument(skip_all)]
async fn list(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let query = QueryParams::parse(&req)?;
    let order = match query.text("ordering") {
        None | Some("-created") => AppointmentOrder::NewestBooked,
        Some("time") => AppointmentOrder::StartTime,
        Some(_) => return Err(ApiError::BadRequest("ordering must be time or -created.".into())),
    };
    let page = query.page()?;
    let (items, total) = state.store.list_appointments(&filter(&user, &query)?, order, page).await?;
    Ok(HttpResponse::Ok().json(page_of(items, total, page)))
}

/// A bare array; with no filter at all, `[]`.
#[tracing::instrument(skip_all)]
async fn search(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let query = QueryParams::parse(&req)?;
    let page = query.page()?;
    let has_filter = ["q", "status", "date", "from", "to", "patientId"].iter().any(|k| query.text(k).is_some());
    if !has_filter {
        return Ok(HttpResponse::Ok().json(Vec::<AppointmentOut>::new()));
    }
    let (items, _) = state.store.list_appointments(&filter(&user, &query)?, AppointmentOrder::NewestBooked, page).await?;
    Ok(HttpResponse::Ok().json(items.iter().map(AppointmentOut::from).collect::<Vec<_>>()))
}

/// One doctor's appointments (admins only), as a page object.
#[tracing::instrument(skip_all, fields(doctor_id = %path))]
async fn by_doctor(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let doctor = onboarding::find_doctor(&state, &path).await?;
    let query = QueryParams::parse(&req)?;
    let page = query.page()?;
    let filter = AppointmentFilter { doctor_id: Some(doctor.id), ..Default::default() };
    let (items, total) = state.store.list_appointments(&filter, AppointmentOrder::NewestBooked, page).await?;
    Ok(HttpResponse::Ok().json(page_of(items, total, page)))
}

#[tracing::instrument(skip_all)]
async fn create(state: web::Data<AppState>, user: CurrentUser, body: web::Json<AppointmentIn>) -> ApiResult<HttpResponse> {
    let appointment = booking::create(&state, &user, &body).await?;
    Ok(HttpResponse::Created().json(AppointmentOut::from(&appointment)))
}

#[tracing::instrument(skip_all, fields(appointment_id = %path))]
async fn get(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let appointment = booking::find_scoped(&state, &user, &path).await?;
    Ok(HttpResponse::Ok().json(AppointmentOut::from(&appointment)))
}

#[tracing::instrument(skip_all, fields(appointment_id = %path))]
async fn update(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>, body: web::Json<OutcomeIn>) -> ApiResult<HttpResponse> {
    let appointment = booking::record_outcome(&state, &user, &path, &body).await?;
    Ok(HttpResponse::Ok().json(AppointmentOut::from(&appointment)))
}

#[tracing::instrument(skip_all, fields(appointment_id = %path))]
async fn cancel(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let appointment = booking::cancel(&state, &user, &path).await?;
    Ok(HttpResponse::Ok().json(AppointmentOut::from(&appointment)))
}
