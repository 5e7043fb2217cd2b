//! `/api/admin/doctors/*` (admins only): create, list, update, resend code.

use crate::auth::CurrentUser;
use crate::dto::DoctorOut;
use crate::error::{ApiError, ApiResult};
use crate::rate_limit;
use crate::request::{self, QueryParams};
use crate::services::onboarding::{self, NewDoctor};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::{email::Email, person_name::PersonName, search_text, user::AccountStatus};
use serde::Deserialize;
use serde_json::json;
use storage::users::DoctorFilter;

crate::endpoints! {
    POST "/admin/doctors/" => create,
    GET "/admin/doctors/all/" => list,
    PATCH "/admin/doctors/{id}/" => update,
    POST "/admin/doctors/{id}/resend-otp/" => resend_otp,
}

/// The frontend sends `{full_name, email, password}`; `name` and
/// `specialization` are accepted too. Without a password the doctor activates
/// the account with an e-mailed code.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    #[serde(alias = "name", alias = "fullName")]
    full_name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    specialization: Option<String>,
}

#[tracing::instrument(skip_all)]
async fn create(state: web::Data<AppState>, user: CurrentUser, body: web::Bytes) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let body: CreateBody = request::json(&body)?;
    let doctor = onboarding::create_doctor(
        &state,
        NewDoctor {
            full_name: body.full_name.unwrap_or_default(),
            email: body.email.unwrap_or_default(),
            password: body.password,
            specialization: body.specialization,
        },
    )
    .await?;
    state.cache.invalidate(onboarding::CACHE).await;
    let message = if doctor.is_active() {
        "Doctor created."
    } else {
        "Doctor created. An activation code is being e-mailed to them."
    };
    Ok(HttpResponse::Created().json(json!({ "message": message, "user": DoctorOut::from(&doctor) })))
}

/// A bare array (the Doctors page requires it); `q`, `active_only`, `page`, `page_size`.
#[tracing::instrument(skip_all)]
async fn list(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let query = QueryParams::parse(&req)?;
    let page = query.page()?;
    let filter = DoctorFilter { query_words: search_text::query_words(query.text("q").unwrap_or("")), active_only: query.flag("active_only")? };
    let key = format!("{filter:?}:{}:{}", page.page, page.page_size);
    let reply: Vec<DoctorOut> = state
        .cache
        .read_through(onboarding::CACHE, &key, || async {
            let (doctors, _) = state.store.list_doctors(&filter, page).await?;
            Ok::<_, ApiError>(doctors.iter().map(DoctorOut::from).collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(reply))
}

/// `{full_name, email}` or `{is_active: bool}` (snake_case, as the frontend sends).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    #[serde(alias = "name", alias = "fullName")]
    full_name: Option<String>,
    email: Option<String>,
    #[serde(alias = "isActive")]
    is_active: Option<bool>,
}

#[tracing::instrument(skip_all, fields(doctor_id = %path))]
async fn update(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let body: UpdateBody = request::json(&body)?;
    let mut doctor = onboarding::find_doctor(&state, &path).await?;
    let full_name = body.full_name.as_deref().map(|n| PersonName::parse("full_name", n)).transpose()?.map(PersonName::into_string);
    let email = body.email.as_deref().map(Email::parse).transpose()?.map(|e| e.as_str().to_string());
    if full_name.is_some() || email.is_some() {
        doctor = state.store.update_user_profile(&doctor, full_name, email).await.map_err(|e| match e {
            storage::StorageError::Duplicate { .. } => ApiError::conflict("email_taken", "This e-mail is already in use."),
            other => other.into(),
        })?;
    }
    if let Some(active) = body.is_active {
        let status = match (active, doctor.status) {
            (false, _) => AccountStatus::Disabled,
            (true, _) if doctor.password_hash.is_none() => {
                return Err(ApiError::conflict("not_activated", "This doctor has not activated their account yet. Resend the code instead."))
            }
            (true, _) => AccountStatus::Active,
        };
        doctor = state.store.set_user_status(&doctor.id, status).await?;
        tracing::info!(doctor_id = %doctor.id, status = status.as_str(), "doctor status changed");
    }
    state.cache.invalidate(onboarding::CACHE).await;
    Ok(HttpResponse::Ok().json(DoctorOut::from(&doctor)))
}

#[tracing::instrument(skip_all, fields(doctor_id = %path))]
async fn resend_otp(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    rate_limit::hit(&state, rate_limit::RESEND_PER_IP, &rate_limit::client_ip(&state.settings.http, &req)).await?;
    rate_limit::hit(&state, rate_limit::RESEND_PER_ACCOUNT, &path).await?;
    onboarding::resend_otp(&state, &path).await?;
    Ok(HttpResponse::Accepted().json(json!({ "message": "A new activation code is being e-mailed." })))
}
