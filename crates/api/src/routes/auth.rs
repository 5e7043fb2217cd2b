//! `/api/auth/*`: login, refresh, logout, activation.

use crate::dto::doctor::LoginUser;
use crate::error::ApiResult;
use crate::rate_limit;
use crate::services::{onboarding, sessions};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

crate::endpoints! {
    POST "/auth/login/" => login,
    POST "/auth/refresh/" => refresh,
    POST "/auth/logout/" => logout,
    POST "/auth/activate/" => activate,
    POST "/auth/logout-all/" => logout_all,
}

#[derive(Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

/// Ignores any Authorization header (the frontend sends stale tokens here).
#[tracing::instrument(skip_all)]
async fn login(state: web::Data<AppState>, req: HttpRequest, body: web::Json<Credentials>) -> ApiResult<HttpResponse> {
    let client = rate_limit::client_ip(&state.settings.http, &req);
    rate_limit::hit(&state, rate_limit::LOGIN_PER_IP, &client).await?;
    let session = sessions::login(&state, &body.email, &body.password, &client).await?;
    Ok(HttpResponse::Ok().json(json!({
        "access": session.access,
        "refresh": session.refresh,
        "user": LoginUser::from(&session.user),
    })))
}

#[derive(Deserialize)]
struct RefreshBody {
    refresh: String,
}

#[tracing::instrument(skip_all)]
async fn refresh(state: web::Data<AppState>, req: HttpRequest, body: web::Json<RefreshBody>) -> ApiResult<HttpResponse> {
    rate_limit::hit(&state, rate_limit::REFRESH_PER_IP, &rate_limit::client_ip(&state.settings.http, &req)).await?;
    let (access, rotated) = sessions::refresh(&state, &body.refresh).await?;
    Ok(HttpResponse::Ok().json(match rotated {
        Some(refresh) => json!({ "access": access, "refresh": refresh }),
        None => json!({ "access": access }),
    }))
}

#[tracing::instrument(skip_all)]
async fn logout(state: web::Data<AppState>, body: web::Json<RefreshBody>) -> ApiResult<HttpResponse> {
    sessions::logout(&state, &body.refresh).await?;
    Ok(HttpResponse::Ok().json(json!({ "message": "Logged out." })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Activation {
    email: String,
    otp: String,
    password: String,
}

#[tracing::instrument(skip_all)]
async fn activate(state: web::Data<AppState>, req: HttpRequest, body: web::Json<Activation>) -> ApiResult<HttpResponse> {
    rate_limit::hit(&state, rate_limit::ACTIVATE_PER_IP, &rate_limit::client_ip(&state.settings.http, &req)).await?;
    rate_limit::hit(&state, rate_limit::ACTIVATE_PER_ACCOUNT, body.email.trim()).await?;
    let user = onboarding::activate(&state, &body.email, &body.otp, &body.password).await?;
    Ok(HttpResponse::Ok().json(json!({
        "message": "Your account is active. You can now log in.",
        "user": crate::dto::DoctorOut::from(&user),
    })))
}

/// Ends every session of the signed-in user (all devices, all refresh tokens).
#[tracing::instrument(skip_all)]
async fn logout_all(state: web::Data<AppState>, user: crate::auth::CurrentUser) -> ApiResult<HttpResponse> {
    sessions::logout_everywhere(&state, &user.id).await?;
    Ok(HttpResponse::Ok().json(json!({ "message": "Every session of this account has ended." })))
}
