//! The logged-in user as an extractor. Every request re-reads the account, so
//! disabling a doctor, changing a password or logging out everywhere locks old
//! tokens out at once. If the database cannot be reached the request gets 503
//! (not 401: the token may well be fine).

use crate::auth::tokens::{TokenError, TokenKind};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};
use domain::{role::Role, user::AccountStatus};
use std::future::Future;
use std::pin::Pin;

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: String,
    pub role: Role,
    pub email: String,
    pub full_name: String,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden("Only administrators can do this."))
        }
    }

    /// The doctor a query is restricted to: none for admins, themselves for doctors.
    pub fn scope(&self) -> Option<String> {
        (!self.is_admin()).then(|| self.id.clone())
    }
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

const INVALID: &str = "The access token is invalid.";

/// Checks the bearer token and the account behind it.
pub async fn authenticate(state: &AppState, token: Option<&str>) -> Result<CurrentUser, ApiError> {
    let Some(token) = token else {
        if !state.settings.auth.enabled {
            return Ok(CurrentUser { id: "dev-admin".into(), role: Role::Admin, email: "dev@localhost".into(), full_name: "Developer".into() });
        }
        return Err(ApiError::Unauthorized("Authentication credentials were not provided."));
    };
    let claims = state.tokens.verify(token, TokenKind::Access).map_err(|e| match e {
        TokenError::Expired => ApiError::Unauthorized("Your session has expired. Please log in again."),
        TokenError::Invalid => ApiError::Unauthorized(INVALID),
    })?;
    let user = state.store.find_user(&claims.sub).await?.ok_or(ApiError::Unauthorized(INVALID))?;
    if user.status != AccountStatus::Active {
        return Err(ApiError::Unauthorized("This account is disabled."));
    }
    if claims.sv != user.session_version {
        return Err(ApiError::Unauthorized("This session has ended. Please log in again."));
    }
    Ok(CurrentUser { id: user.id, role: user.role, email: user.email, full_name: user.full_name })
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // An access-control guard may already have authenticated this request.
        if let Some(user) = req.extensions().get::<CurrentUser>().cloned() {
            return Box::pin(async move { Ok(user) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req).map(String::from);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
            authenticate(&state, token.as_deref()).await
        })
    }
}

/// The bearer token of a request, for guards that authenticate before the handler.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    bearer(req).map(String::from)
}
