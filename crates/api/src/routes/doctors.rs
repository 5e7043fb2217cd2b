//! `/api/admin/doctors/*` (admins only): create, list, update, resend code.

use crate::dto::auth::Message;
use crate::dto::doctor::{DoctorCreated, DoctorIn, DoctorPatch};
use crate::dto::query::{self, DoctorListQuery};
use crate::dto::DoctorOut;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::rate_limit;
use crate::services::onboarding::{self, NewDoctor};
use crate::request::Json;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::{email::Email, person_name::PersonName, search_text, user::AccountStatus};
use storage::users::DoctorFilter;

crate::resources! {
    Admin "/admin/doctors/" { POST => create },
    Admin "/admin/doctors/all/" { GET => list },
    Admin "/admin/doctors/{id}/" { PATCH => update },
    Admin "/admin/doctors/{id}/resend-otp/" { POST => resend_otp },
}

/// Creates a doctor. With a password (the frontend's form) the account is
/// active at once; without one an activation code is e-mailed.
#[utoipa::path(post, path = "/api/admin/doctors/", tag = "doctors", request_body = DoctorIn,
    responses((status = 201, description = "Created", body = DoctorCreated), (status = 409, description = "The e-mail is taken", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn create(state: web::Data<AppState>, body: Json<DoctorIn>) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let owed = state.cache.owe(&[onboarding::CACHE]);
    let doctor = onboarding::create_doctor(
        &state,
        NewDoctor { full_name: body.full_name, email: body.email, password: body.password, specialization: body.specialization },
    )
    .await?;
    owed.pay().await;
    let message = if doctor.is_active() { "Doctor created." } else { "Doctor created. An activation code is being e-mailed to them." };
    Ok(HttpResponse::Created().json(DoctorCreated { message: message.into(), user: DoctorOut::from(&doctor) }))
}

/// Doctors as a bare array (the Doctors page requires it), newest first.
#[utoipa::path(get, path = "/api/admin/doctors/all/", tag = "doctors", params(DoctorListQuery),
    responses((status = 200, description = "Doctors", body = Vec<DoctorOut>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let q: DoctorListQuery = query::parse(&req)?;
    let page = q.page()?;
    let filter = DoctorFilter { query_words: search_text::query_words(q.q()?), active_only: q.active_only()? };
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

/// Changes name and/or e-mail, or enables/disables the account (`is_active`).
/// Disabling ends every session of the doctor for good.
#[utoipa::path(patch, path = "/api/admin/doctors/{id}/", tag = "doctors", params(("id" = String, Path, description = "Doctor id")),
    request_body = DoctorPatch,
    responses((status = 200, description = "The doctor", body = DoctorOut), (status = 404, description = "No such doctor", body = ErrorBody),
        (status = 409, description = "The e-mail is taken, or the doctor never activated the account", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn update(state: web::Data<AppState>, path: web::Path<String>, body: Json<DoctorPatch>) -> ApiResult<HttpResponse> {
    let full_name = body.full_name.as_deref().map(|n| PersonName::parse("full_name", n)).transpose()?.map(PersonName::into_string);
    let email = body.email.as_deref().map(Email::parse).transpose()?.map(|e| e.as_str().to_string());
    let mut doctor = onboarding::find_doctor(&state, &path).await?;
    // Owed before the first write: a refusal after a name change still invalidates.
    let owed = state.cache.owe(&[onboarding::CACHE]);
    if full_name.is_some() || email.is_some() {
        doctor = state.store.update_user_profile(&doctor, full_name, email).await.map_err(|e| match e {
            storage::StorageError::Duplicate { .. } => ApiError::conflict("email_taken", "This e-mail is already in use."),
            other => other.into(),
        })?;
    }
    if let Some(active) = body.is_active {
        let status = match active {
            false => AccountStatus::Disabled,
            true if doctor.password_hash.is_none() => {
                return Err(ApiError::conflict("not_activated", "This doctor has not activated their account yet. Resend the code instead."))
            }
            true => AccountStatus::Active,
        };
        if status != doctor.status {
            doctor = state.store.set_user_status(&doctor.id, status).await?;
            tracing::info!(doctor_id = %doctor.id, status = status.as_str(), "doctor status changed");
        }
    }
    owed.pay().await;
    Ok(HttpResponse::Ok().json(DoctorOut::from(&doctor)))
}

/// E-mails a new activation code to a pending doctor.
#[utoipa::path(post, path = "/api/admin/doctors/{id}/resend-otp/", tag = "doctors", params(("id" = String, Path, description = "Doctor id")),
    responses((status = 202, description = "A new code is on its way", body = Message), (status = 404, description = "No such doctor", body = ErrorBody),
        (status = 409, description = "The doctor already activated the account", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn resend_otp(state: web::Data<AppState>, path: web::Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    rate_limit::hit(&state, rate_limit::RESEND_PER_IP, &rate_limit::client_ip(&state.settings.http, &req)).await?;
    rate_limit::hit(&state, rate_limit::RESEND_PER_ACCOUNT, &path).await?;
    onboarding::resend_otp(&state, &path).await?;
    Ok(HttpResponse::Accepted().json(Message::new("A new activation code is being e-mailed.")))
}

