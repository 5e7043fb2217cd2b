//! `/api/profile/*`: the logged-in user's own account (optional in the contract).

use crate::auth::{passwords, CurrentUser};
use crate::dto::doctor::LoginUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use domain::{password::Password, person_name::PersonName};
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

#[tracing::instrument(skip_all)]
async fn change_password(state: web::Data<AppState>, user: CurrentUser, body: web::Json<PasswordBody>) -> ApiResult<HttpResponse> {
    let account = load(&state, &user).await?;
    let current = account.password_hash.clone().ok_or_else(|| ApiError::BadRequest("This account has no password yet.".into()))?;
    if !passwords::verify(body.old_password.clone(), current).await? {
        return Err(ApiError::BadRequest("The current password is incorrect.".into()));
    }
    let new = Password::parse(&body.new_password).map_err(|mut e| {
        e.field = "new_password";
        e
    })?;
    let hash = passwords::hash(new.expose().to_string()).await?;
    state.store.set_password(&account.id, &hash).await?;
    tracing::info!(user_id = %account.id, "password changed");
    Ok(HttpResponse::Ok().json(json!({ "message": "Password changed." })))
}
