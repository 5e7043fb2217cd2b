//! `/api/patients/*` (any role: doctors must find patients to book them).

use crate::auth::CurrentUser;
use crate::dto::patient::PatientIn;
use crate::error::{ApiError, ApiResult};
use crate::request::QueryParams;
use crate::services::patients;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::patient::Gender;
use storage::patients::PatientFilter;

crate::endpoints! {
    GET "/patients/" => list,
    POST "/patients/" => create,
    GET "/patients/search/" => search,
    GET "/patients/{id}/" => get,
    PATCH "/patients/{id}/" => update,
    DELETE "/patients/{id}/" => delete,
}

/// `{patients, total, page, total_pages}`, newest first; filters `doctorId`, `gender`, `neighbourhood`.
#[tracing::instrument(skip_all)]
async fn list(state: web::Data<AppState>, _user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let query = QueryParams::parse(&req)?;
    let filter = PatientFilter {
        doctor_id: query.text("doctorId").map(String::from),
        gender: query.text("gender").map(Gender::parse).transpose()?,
        neighbourhood: query.text("neighbourhood").map(String::from),
    };
    Ok(HttpResponse::Ok().json(patients::list(&state, filter, query.page()?).await?))
}

/// A bare array, best match first (`page`/`page_size` apply).
#[tracing::instrument(skip_all)]
async fn search(state: web::Data<AppState>, _user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    let query = QueryParams::parse(&req)?;
    let results = patients::search(&state, query.get("q").unwrap_or(""), query.page()?).await?;
    Ok(HttpResponse::Ok().json(results))
}

#[tracing::instrument(skip_all)]
async fn create(state: web::Data<AppState>, user: CurrentUser, body: web::Json<PatientIn>) -> ApiResult<HttpResponse> {
    let patient = patients::create(&state, body.id.as_deref(), &body.draft()?, &user.id).await?;
    Ok(HttpResponse::Created().json(patients::out(&state, &patient)))
}

#[tracing::instrument(skip_all, fields(patient_id = %path))]
async fn get(state: web::Data<AppState>, _user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let patient = patients::find(&state, &path).await?;
    Ok(HttpResponse::Ok().json(patients::out(&state, &patient)))
}

/// Demographics only; the record number never changes.
#[tracing::instrument(skip_all, fields(patient_id = %path))]
async fn update(state: web::Data<AppState>, _user: CurrentUser, path: web::Path<String>, body: web::Json<PatientIn>) -> ApiResult<HttpResponse> {
    let current = patients::find(&state, &path).await?;
    if body.id.as_deref().is_some_and(|id| id != current.id) {
        return Err(ApiError::BadRequest("The record number (id) cannot be changed.".into()));
    }
    let draft = body.draft_over(&patients::out(&state, &current))?;
    let updated = patients::update(&state, &current, &draft).await?;
    Ok(HttpResponse::Ok().json(patients::out(&state, &updated)))
}

#[tracing::instrument(skip_all, fields(patient_id = %path))]
async fn delete(state: web::Data<AppState>, _user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    patients::delete(&state, &path).await?;
    Ok(HttpResponse::NoContent().finish())
}
