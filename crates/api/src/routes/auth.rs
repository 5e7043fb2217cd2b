//! `/api/auth/*`: login, refresh, logout, activation.

use crate::dto::doctor::LoginUser;
use crate::error::ApiResult;
use crate::services::{onboarding, sessions};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/login/", web::post().to(login))
        .route("/auth/refresh/", web::post().to(refresh))
        .route("/auth/logout/", web::post().to(logout))
        .route("/auth/activate/", web::post().to(activate));
}

#[derive(Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

/// Ignores any Authorization header (the frontend sends stale tokens here).
#[tracing::instrument(skip_all)]
async fn login(state: web::Data<AppState>, body: web::Json<Credentials>) -> ApiResult<HttpResponse> {
    let session = sessions::login(&state, &body.email, &body.password).await?;
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
async fn refresh(state: web::Data<AppState>, body: web::Json<RefreshBody>) -> ApiResult<HttpResponse> {
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
async fn activate(state: web::Data<AppState>, body: web::Json<Activation>) -> ApiResult<HttpResponse> {
    let user = onboarding::activate(&state, &body.email, &body.otp, &body.password).await?;
    Ok(HttpResponse::Ok().json(json!({
        "message": "Your account is active. You can now log in.",
        "user": crate::dto::DoctorOut::from(&user),
    })))
}
