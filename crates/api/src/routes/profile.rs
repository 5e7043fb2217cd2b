//! `/api/profile/*`: the logged-in user's own account (optional in the contract).

use crate::auth::CurrentUser;
use crate::dto::auth::{PasswordBody, PasswordChanged, ProfileBody};
use crate::dto::doctor::LoginUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::rate_limit;
use crate::services::sessions;
use crate::request::Json;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::person_name::PersonName;

crate::resources! {
    User "/profile/" { GET => get, PATCH => update },
    User "/profile/password/" { PATCH => change_password },
}

async fn load(state: &AppState, user: &CurrentUser) -> ApiResult<domain::user::User> {
    state.store.find_user(&user.id).await?.ok_or(ApiError::NotFound("Account"))
}

/// The signed-in user's account.
#[utoipa::path(get, path = "/api/profile/", tag = "profile", responses((status = 200, description = "The account", body = LoginUser)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn get(state: web::Data<AppState>, user: CurrentUser) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(LoginUser::from(&load(&state, &user).await?)))
}

/// Changes one's own name.
#[utoipa::path(patch, path = "/api/profile/", tag = "profile", request_body = ProfileBody, responses((status = 200, description = "The account", body = LoginUser)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn update(state: web::Data<AppState>, user: CurrentUser, body: Json<ProfileBody>) -> ApiResult<HttpResponse> {
    let name = PersonName::parse("full_name", &body.full_name)?.into_string();
    let account = load(&state, &user).await?;
    let owed = state.cache.owe(&[crate::services::onboarding::CACHE]);
    let updated = state.store.update_user_profile(&account, Some(name), None).await?;
    owed.pay().await;
    Ok(HttpResponse::Ok().json(LoginUser::from(&updated)))
}

/// Changes one's own password. Same limits as login (per client address, and
/// the wrong-password policy). Every earlier session of the account ends; the
/// reply carries new tokens so the caller stays signed in.
#[utoipa::path(patch, path = "/api/profile/password/", tag = "profile", request_body = PasswordBody,
    responses((status = 200, description = "Changed", body = PasswordChanged), (status = 400, description = "The current password is incorrect", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn change_password(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest, body: Json<PasswordBody>) -> ApiResult<HttpResponse> {
    let client = rate_limit::client_ip(&state.settings.http, &req);
    rate_limit::hit(&state, rate_limit::PASSWORD_CHANGE_PER_IP, &client).await?;
    let session = sessions::change_password(&state, &user.id, &body.old_password, &body.new_password, &client).await?;
    Ok(HttpResponse::Ok().json(PasswordChanged { message: "Password changed.".into(), access: session.access, refresh: session.refresh }))
}
