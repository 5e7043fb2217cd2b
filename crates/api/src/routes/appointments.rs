//! `/api/appointments/*`: doctors see their own, admins all.

use crate::auth::CurrentUser;
use crate::dto::appointment::{AppointmentIn, ContactIn, ContactOut, CorrectionIn, EventOut, OutcomeIn};
use crate::dto::query::{self, AppointmentQuery, PageQuery};
use crate::dto::{AppointmentOut, AppointmentPage};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::services::{appointment_lists, booking, contacts, onboarding};
use crate::request::Json;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::search_text;
use storage::appointments::{AppointmentFilter, AppointmentOrder};

crate::resources! {
    User "/appointments/" { GET => list, POST => create },
    User "/appointments/search/" { GET => search },
    Admin "/appointments/doctor/{doctor_id}/" { GET => by_doctor },
    User "/appointments/{id}/" { GET => get, PATCH => update },
    User "/appointments/{id}/cancel/" { POST => cancel },
    User "/appointments/{id}/correct-outcome/" { POST => correct },
    User "/appointments/{id}/contacts/" { GET => list_contacts, POST => add_contact },
    User "/appointments/{id}/events/" { GET => events },
}

/// The filter of a list or search, scoped to the doctor for doctors.
fn filter(user: &CurrentUser, query: &AppointmentQuery) -> ApiResult<AppointmentFilter> {
    let f = query.filters()?;
    let mut filter = AppointmentFilter {
        doctor_id: user.scope().or_else(|| f.doctor_id.map(String::from)),
        patient_id: f.patient_id.map(String::from),
        status: f.status,
        patient_words: search_text::query_words(f.q.unwrap_or("")),
        ..Default::default()
    };
    if let Some(day) = f.date {
        filter = filter.on_day(day);
    }
    if let Some(from) = f.from {
        filter.from = Some(from.and_time(chrono::NaiveTime::MIN));
    }
    if let Some(to) = f.to {
        filter.to = to.succ_opt().map(|d| d.and_time(chrono::NaiveTime::MIN));
    }
    Ok(filter)
}


/// Appointments in scope: newest booked first, or by start time with `ordering=time`.
#[utoipa::path(get, path = "/api/appointments/", tag = "appointments", params(AppointmentQuery),
    responses((status = 200, description = "A page of appointments", body = AppointmentPage)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let query: AppointmentQuery = query::parse(&req)?;
    let order = match query.ordering.as_deref() {
        None | Some("-created") => AppointmentOrder::NewestBooked,
        Some("time") => AppointmentOrder::StartTime,
        Some(_) => return Err(ApiError::BadRequest("ordering must be time or -created.".into())),
    };
    let page = query.page()?;
    Ok(HttpResponse::Ok().json(appointment_lists::page(&state, &filter(&user, &query)?, order, page).await?))
}

/// Filtered appointments as a bare array, newest booked first; without any filter, `[]`.
#[utoipa::path(get, path = "/api/appointments/search/", tag = "appointments", params(AppointmentQuery),
    responses((status = 200, description = "Matching appointments", body = Vec<AppointmentOut>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn search(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let query: AppointmentQuery = query::parse(&req)?;
    let (page, filter) = (query.page()?, filter(&user, &query)?);
    if query.ordering.as_deref().is_some_and(|o| o != "time" && o != "-created") {
        return Err(ApiError::BadRequest("ordering must be time or -created.".into()));
    }
    if !query.has_filter() {
        return Ok(HttpResponse::Ok().json(Vec::<AppointmentOut>::new()));
    }
    let items = state.store.find_appointments(&filter, AppointmentOrder::NewestBooked, page).await?;
    Ok(HttpResponse::Ok().json(items.iter().map(AppointmentOut::from).collect::<Vec<_>>()))
}

/// One doctor's appointments, as a page object.
#[utoipa::path(get, path = "/api/appointments/doctor/{doctor_id}/", tag = "appointments",
    params(("doctor_id" = String, Path, description = "Doctor id"), PageQuery),
    responses((status = 200, description = "A page of the doctor's appointments", body = AppointmentPage),
        (status = 404, description = "No such doctor", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn by_doctor(state: web::Data<AppState>, path: web::Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let page = query::parse::<PageQuery>(&req)?.page()?;
    let doctor = onboarding::find_doctor(&state, &path).await?;
    let filter = AppointmentFilter { doctor_id: Some(doctor.id), ..Default::default() };
    Ok(HttpResponse::Ok().json(appointment_lists::page(&state, &filter, AppointmentOrder::NewestBooked, page).await?))
}

/// Books an appointment; the no-show prediction is stored now and never changes.
#[utoipa::path(post, path = "/api/appointments/", tag = "appointments", request_body = AppointmentIn,
    responses((status = 201, description = "Booked", body = AppointmentOut),
        (status = 403, description = "A doctor naming another doctor", body = ErrorBody),
        (status = 404, description = "Unknown patient or doctor", body = ErrorBody),
        (status = 409, description = "The doctor already has an appointment overlapping that time", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<AppointmentIn>) -> ApiResult<HttpResponse> {
    let appointment = booking::create(&state, &user, &body).await?;
    Ok(HttpResponse::Created().json(AppointmentOut::from(&appointment)))
}

/// One appointment in scope.
#[utoipa::path(get, path = "/api/appointments/{id}/", tag = "appointments", params(("id" = String, Path, description = "Appointment id")),
    responses((status = 200, description = "The appointment", body = AppointmentOut), (status = 404, description = "Not found or not yours", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn get(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let appointment = booking::find_scoped(&state, &user, &path).await?;
    Ok(HttpResponse::Ok().json(AppointmentOut::from(&appointment)))
}

/// Records the real outcome, once the appointment has started.
#[utoipa::path(patch, path = "/api/appointments/{id}/", tag = "appointments", params(("id" = String, Path, description = "Appointment id")), request_body = OutcomeIn,
    responses((status = 200, description = "Done", body = AppointmentOut), (status = 404, description = "Not found or not yours", body = ErrorBody),
        (status = 409, description = "Not pending any more (use a correction)", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn update(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>, body: Json<OutcomeIn>) -> ApiResult<HttpResponse> {
    let appointment = booking::record_outcome(&state, &user, &path, &body).await?;
    Ok(HttpResponse::Ok().json(AppointmentOut::from(&appointment)))
}

/// Cancels (no body); cancelling twice is harmless, a done appointment is 409.
#[utoipa::path(post, path = "/api/appointments/{id}/cancel/", tag = "appointments", params(("id" = String, Path, description = "Appointment id")),
    responses((status = 200, description = "Canceled", body = AppointmentOut), (status = 404, description = "Not found or not yours", body = ErrorBody),
        (status = 409, description = "Already done", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn cancel(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let appointment = booking::cancel(&state, &user, &path).await?;
    Ok(HttpResponse::Ok().json(AppointmentOut::from(&appointment)))
}

/// Corrects a recorded outcome, with the reason: admins at any time, the
/// appointment's doctor within `OUTCOME_CORRECTION_HOURS` (24) of recording it.
#[utoipa::path(post, path = "/api/appointments/{id}/correct-outcome/", tag = "appointments", params(("id" = String, Path, description = "Appointment id")), request_body = CorrectionIn,
    responses((status = 200, description = "Corrected", body = AppointmentOut),
        (status = 403, description = "The doctor's correction window has passed", body = ErrorBody),
        (status = 404, description = "Not found or not yours", body = ErrorBody),
        (status = 409, description = "No outcome recorded yet, or it changed meanwhile", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn correct(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>, body: Json<CorrectionIn>) -> ApiResult<HttpResponse> {
    let appointment = booking::correct_outcome(&state, &user, &path, &body).await?;
    Ok(HttpResponse::Ok().json(AppointmentOut::from(&appointment)))
}

/// The contact log, oldest first: calls and messages by staff, and automated reminders.
#[utoipa::path(get, path = "/api/appointments/{id}/contacts/", tag = "outreach", params(("id" = String, Path, description = "Appointment id")),
    responses((status = 200, description = "The log", body = Vec<ContactOut>), (status = 404, description = "Not found or not yours", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_contacts(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let log = contacts::list(&state, &user, &path).await?;
    Ok(HttpResponse::Ok().json(log.iter().map(ContactOut::from).collect::<Vec<_>>()))
}

/// Records an attempt to reach the patient (append-only; who and when are set by the server).
#[utoipa::path(post, path = "/api/appointments/{id}/contacts/", tag = "outreach", params(("id" = String, Path, description = "Appointment id")), request_body = ContactIn,
    responses((status = 201, description = "Recorded", body = ContactOut), (status = 404, description = "Not found or not yours", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn add_contact(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>, body: Json<ContactIn>) -> ApiResult<HttpResponse> {
    let contact = contacts::record(&state, &user, &path, &body).await?;
    Ok(HttpResponse::Created().json(ContactOut::from(&contact)))
}

/// The appointment's audit trail, oldest first: booked, prediction stored, contacts, reminders, outcome, corrections, cancel.
#[utoipa::path(get, path = "/api/appointments/{id}/events/", tag = "outreach", params(("id" = String, Path, description = "Appointment id")),
    responses((status = 200, description = "The events", body = Vec<EventOut>), (status = 404, description = "Not found or not yours", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn events(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let appointment = booking::find_scoped(&state, &user, &path).await?;
    let events = state.store.appointment_events(&appointment.id).await?;
    Ok(HttpResponse::Ok().json(events.iter().map(EventOut::from).collect::<Vec<_>>()))
}
