//! Login, refresh and logout.

use crate::auth::passwords;
use crate::auth::tokens::{Claims, TokenError, TokenKind};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use domain::{email::Email, user::AccountStatus, user::User};

pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user: User,
}

/// Checks credentials. A wrong email and a wrong password are the same error,
/// and take the same time.
pub async fn login(state: &AppState, email: &str, password: &str) -> ApiResult<Session> {
    let Ok(email) = Email::parse(email) else {
        return Err(ApiError::InvalidCredentials);
    };
    let user = state.store.find_user_by_email(email.as_str()).await?;
    let Some((user, hash)) = user.and_then(|u| u.password_hash.clone().map(|h| (u, h))) else {
        passwords::waste_time(password.to_string()).await;
        return Err(ApiError::InvalidCredentials);
    };
    if !passwords::verify(password.to_string(), hash).await? {
        return Err(ApiError::InvalidCredentials);
    }
    if user.status == AccountStatus::Disabled {
        return Err(ApiError::AccountDisabled);
    }
    if user.status == AccountStatus::Pending {
        return Err(ApiError::Forbidden("This account is not activated yet. Use the code sent by e-mail."));
    }
    let access = state.tokens.access(&user).map_err(ApiError::internal)?;
    let refresh = state.tokens.refresh(&user, None).map_err(ApiError::internal)?;
    tracing::info!(user_id = %user.id, "login");
    Ok(Session { access, refresh, user })
}

const INVALID_REFRESH: &str = "The refresh token is invalid or expired. Please log in again.";

async fn valid_refresh(state: &AppState, token: &str) -> ApiResult<(Claims, User)> {
    let claims = state.tokens.verify(token, TokenKind::Refresh).map_err(|e| match e {
        TokenError::Expired | TokenError::Invalid => ApiError::Unauthorized(INVALID_REFRESH),
    })?;
    if state.store.is_token_revoked(&claims.jti, claims.family()).await? {
        return Err(ApiError::Unauthorized(INVALID_REFRESH));
    }
    let user = state.store.find_user(&claims.sub).await?.ok_or(ApiError::Unauthorized(INVALID_REFRESH))?;
    if !user.is_active() {
        return Err(ApiError::Unauthorized("This account is disabled."));
    }
    Ok((claims, user))
}

/// A new access token. Without rotation the refresh token stays usable until it
/// expires or is logged out (the frontend keeps it). With rotation each refresh
/// token works once; presenting a spent one revokes its whole family.
pub async fn refresh(state: &AppState, token: &str) -> ApiResult<(String, Option<String>)> {
    let (claims, user) = valid_refresh(state, token).await?;
    let access = state.tokens.access(&user).map_err(ApiError::internal)?;
    if !state.settings.auth.rotate_refresh_tokens {
        return Ok((access, None));
    }
    if !state.store.consume_refresh_token(&claims.jti, claims.expires_at()).await? {
        state.store.revoke_family(claims.family(), claims.expires_at()).await?;
        tracing::warn!(user_id = %user.id, "refresh token reuse detected; token family revoked");
        return Err(ApiError::Unauthorized("This refresh token was already used. Please log in again."));
    }
    let next = state.tokens.refresh(&user, Some(claims.family().to_string())).map_err(ApiError::internal)?;
    Ok((access, Some(next)))
}

/// Revokes a refresh token for good. The token itself proves the right to
/// revoke it, so logout works even after the access token expired.
pub async fn logout(state: &AppState, token: &str) -> ApiResult<()> {
    let claims = state
        .tokens
        .verify(token, TokenKind::Refresh)
        .map_err(|_| ApiError::BadRequest("The refresh token is invalid or expired.".into()))?;
    state.store.revoke_token(&claims.jti, claims.expires_at()).await?;
    if state.settings.auth.rotate_refresh_tokens {
        state.store.revoke_family(claims.family(), claims.expires_at()).await?;
    }
    tracing::info!(user_id = %claims.sub, "logout");
    Ok(())
}
