//! `/api/patients/*` (any role: doctors must find patients to book them).

use crate::auth::CurrentUser;
use crate::dto::patient::{PatientCreate, PatientPatch};
use crate::dto::query::{self, PatientListQuery, PatientSearchQuery};
use crate::dto::{PatientOut, PatientPage};
use crate::error::{ApiResult, ErrorBody};
use crate::services::patients;
use crate::request::Json;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use storage::patients::PatientFilter;

crate::resources! {
    User "/patients/" { GET => list, POST => create },
    User "/patients/search/" { GET => search },
    User "/patients/{id}/" { GET => get, PATCH => update, DELETE => delete },
}

/// Patients, newest first.
#[utoipa::path(get, path = "/api/patients/", tag = "patients", params(PatientListQuery),
    responses((status = 200, description = "A page of patients", body = PatientPage)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list(state: web::Data<AppState>, _user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let q: PatientListQuery = query::parse(&req)?;
    let filter = PatientFilter {
        doctor_id: q.doctor_id()?.map(String::from),
        gender: q.gender()?,
        neighbourhood: q.neighbourhood()?.map(String::from),
    };
    Ok(HttpResponse::Ok().json(patients::list(&state, filter, q.page()?).await?))
}

/// Accent- and case-insensitive prefix search over names, record numbers, phone
/// digits and e-mails: a bare array, best match first.
#[utoipa::path(get, path = "/api/patients/search/", tag = "patients", params(PatientSearchQuery),
    responses((status = 200, description = "Matches, best first", body = Vec<PatientOut>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn search(state: web::Data<AppState>, _user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let q: PatientSearchQuery = query::parse(&req)?;
    let results = patients::search(&state, q.q()?, q.page()?).await?;
    Ok(HttpResponse::Ok().json(results))
}

/// Registers a patient; a taken proposed record number is replaced by a fresh one, never overwritten.
#[utoipa::path(post, path = "/api/patients/", tag = "patients", request_body = PatientCreate,
    responses((status = 201, description = "Registered", body = PatientOut),
        (status = 409, description = "The same person (name, date of birth and phone) is already registered", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<PatientCreate>) -> ApiResult<HttpResponse> {
    let patient = patients::create(&state, body.id.as_deref(), &body.draft()?, &user.id).await?;
    Ok(HttpResponse::Created().json(patients::out(&state, &patient)))
}

/// One patient's record (the read is recorded in the audit trail).
#[utoipa::path(get, path = "/api/patients/{id}/", tag = "patients", params(("id" = String, Path, description = "Record number")),
    responses((status = 200, description = "The patient", body = PatientOut), (status = 404, description = "No such patient", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn get(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let patient = patients::read_record(&state, &user, &path).await?;
    Ok(HttpResponse::Ok().json(patients::out(&state, &patient)))
}

/// Demographics only; the record number never changes. Only the fields sent change.
#[utoipa::path(patch, path = "/api/patients/{id}/", tag = "patients", params(("id" = String, Path, description = "Record number")),
    request_body = PatientPatch,
    responses((status = 200, description = "The updated patient", body = PatientOut), (status = 404, description = "No such patient", body = ErrorBody),
        (status = 409, description = "The same person is already registered", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn update(state: web::Data<AppState>, _user: CurrentUser, path: web::Path<String>, body: Json<PatientPatch>) -> ApiResult<HttpResponse> {
    let current = patients::find(&state, &path).await?;
    let draft = body.draft_over(&patients::out(&state, &current))?;
    let updated = patients::update(&state, &current, &draft).await?;
    Ok(HttpResponse::Ok().json(patients::out(&state, &updated)))
}

/// Deletes a patient who has no appointments.
#[utoipa::path(delete, path = "/api/patients/{id}/", tag = "patients", params(("id" = String, Path, description = "Record number")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such patient", body = ErrorBody),
        (status = 409, description = "The patient has appointments", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn delete(state: web::Data<AppState>, _user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    patients::delete(&state, &path).await?;
    Ok(HttpResponse::NoContent().finish())
}
