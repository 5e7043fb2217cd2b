//! `/api/profile/*`: the logged-in user's own account (optional in the contract).

use crate::auth::CurrentUser;
use crate::rate_limit;
use crate::services::sessions;
use crate::dto::doctor::LoginUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::person_name::PersonName;
use serde::Deserialize;
use serde_json::json;

crate::endpoints! {
    GET "/profile/" => get,
    PATCH "/profile/" => update,
    PATCH "/profile/password/" => change_password,
}

async fn load(state: &AppState, user: &CurrentUser) -> ApiResult<domain::user::User> {
    state.store.find_user(&user.id).await?.ok_or(ApiError::NotFound("Account"))
}

#[tracing::instrument(skip_all)]
async fn get(state: web::Data<AppState>, user: CurrentUser) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(LoginUser::from(&load(&state, &user).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileBody {
    full_name: String,
}

#[tracing::instrument(skip_all)]
async fn update(state: web::Data<AppState>, user: CurrentUser, body: web::Json<ProfileBody>) -> ApiResult<HttpResponse> {
    let name = PersonName::parse("full_name", &body.full_name)?.into_string();
    let account = load(&state, &user).await?;
    let updated = state.store.update_user_profile(&account, Some(name), None).await?;
    state.cache.invalidate(crate::services::onboarding::CACHE).await;
    Ok(HttpResponse::Ok().json(LoginUser::from(&updated)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordBody {
    old_password: String,
    new_password: String,
}

/// Same limits as login (per client address, and the wrong-password policy).
/// Every earlier session of the account ends; the reply carries new tokens
/// (`access`, `refresh`) so the caller stays signed in.
#[tracing::instrument(skip_all)]
async fn change_password(state: web::Data<AppState>, user: CurrentUser, req: HttpRequest, body: web::Json<PasswordBody>) -> ApiResult<HttpResponse> {
    let client = rate_limit::client_ip(&state.settings.http, &req);
    rate_limit::hit(&state, rate_limit::PASSWORD_CHANGE_PER_IP, &client).await?;
    let session = sessions::change_password(&state, &user.id, &body.old_password, &body.new_password, &client).await?;
    Ok(HttpResponse::Ok().json(json!({ "message": "Password changed.", "access": session.access, "refresh": session.refresh })))
}
