//! `/api/auth/*`: login, refresh, logout, activation, logging out everywhere.

use crate::auth::CurrentUser;
use crate::dto::auth::{Activated, Activation, Credentials, LoginReply, Message, RefreshBody, RefreshReply};
use crate::dto::doctor::LoginUser;
use crate::error::{ApiResult, ErrorBody};
use crate::rate_limit;
use crate::services::{onboarding, sessions};
use crate::request::Json;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};

crate::resources! {
    Public "/auth/login/" { POST => login },
    Public "/auth/refresh/" { POST => refresh },
    Public "/auth/logout/" { POST => logout },
    Public "/auth/activate/" { POST => activate },
    User "/auth/logout-all/" { POST => logout_all },
}

/// Logs in: access and refresh tokens and the user. A stale `Authorization` header is ignored.
/// Wrong credentials: 400 (the frontend's contract), the same for an unknown e-mail.
#[utoipa::path(post, path = "/api/auth/login/", tag = "auth", request_body = Credentials,
    responses((status = 200, description = "Signed in", body = LoginReply),
        (status = 400, description = "Invalid e-mail or password", body = ErrorBody),
        (status = 403, description = "The account is disabled or not activated yet", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn login(state: web::Data<AppState>, req: HttpRequest, body: Json<Credentials>) -> ApiResult<HttpResponse> {
    let client = rate_limit::client_ip(&state.settings.http, &req);
    rate_limit::hit(&state, rate_limit::LOGIN_PER_IP, &client).await?;
    let session = sessions::login(&state, &body.email, &body.password, &client).await?;
    Ok(HttpResponse::Ok().json(LoginReply { access: session.access, refresh: session.refresh, user: LoginUser::from(&session.user) }))
}

/// A new access token (and a new refresh token when rotation is on).
#[utoipa::path(post, path = "/api/auth/refresh/", tag = "auth", request_body = RefreshBody,
    responses((status = 200, description = "A new access token", body = RefreshReply),
        (status = 401, description = "The refresh token is invalid, expired, revoked or spent", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn refresh(state: web::Data<AppState>, req: HttpRequest, body: Json<RefreshBody>) -> ApiResult<HttpResponse> {
    rate_limit::hit(&state, rate_limit::REFRESH_PER_IP, &rate_limit::client_ip(&state.settings.http, &req)).await?;
    let (access, refresh) = sessions::refresh(&state, &body.refresh).await?;
    Ok(HttpResponse::Ok().json(RefreshReply { access, refresh }))
}

/// Revokes the refresh token for good (the token itself is the proof).
#[utoipa::path(post, path = "/api/auth/logout/", tag = "auth", request_body = RefreshBody,
    responses((status = 200, description = "Logged out", body = Message), (status = 400, description = "The refresh token is invalid or expired", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn logout(state: web::Data<AppState>, body: Json<RefreshBody>) -> ApiResult<HttpResponse> {
    sessions::logout(&state, &body.refresh).await?;
    Ok(HttpResponse::Ok().json(Message::new("Logged out.")))
}

/// Activates a doctor's account with the e-mailed code and sets its password.
#[utoipa::path(post, path = "/api/auth/activate/", tag = "auth", request_body = Activation,
    responses((status = 200, description = "Activated", body = Activated), (status = 400, description = "Wrong, expired or spent code", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn activate(state: web::Data<AppState>, req: HttpRequest, body: Json<Activation>) -> ApiResult<HttpResponse> {
    rate_limit::hit(&state, rate_limit::ACTIVATE_PER_IP, &rate_limit::client_ip(&state.settings.http, &req)).await?;
    rate_limit::hit(&state, rate_limit::ACTIVATE_PER_ACCOUNT, body.email.trim()).await?;
    let user = onboarding::activate(&state, &body.email, &body.otp, &body.password).await?;
    Ok(HttpResponse::Ok().json(Activated { message: "Your account is active. You can now log in.".into(), user: crate::dto::DoctorOut::from(&user) }))
}

/// Ends every session of the signed-in user (all devices, all refresh tokens).
#[utoipa::path(post, path = "/api/auth/logout-all/", tag = "auth", responses((status = 200, description = "Every session ended", body = Message)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn logout_all(state: web::Data<AppState>, user: CurrentUser) -> ApiResult<HttpResponse> {
    sessions::logout_everywhere(&state, &user.id).await?;
    Ok(HttpResponse::Ok().json(Message::new("Every session of this account has ended.")))
}
