//! Login, refresh, logout and "log out everywhere", with the password-guessing
//! policy of [`crate::rate_limit`].

use crate::auth::tokens::{Claims, TokenError, TokenKind};
use crate::error::{ApiError, ApiResult};
use crate::rate_limit;
use crate::state::AppState;
use domain::{email::Email, password::Password, user::AccountStatus, user::User};

pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user: User,
}

/// A fresh access and refresh token for `user`.
pub fn issue(state: &AppState, user: User) -> ApiResult<Session> {
    let access = state.tokens.access(&user).map_err(ApiError::internal)?;
    let refresh = state.tokens.refresh(&user, None).map_err(ApiError::internal)?;
    Ok(Session { access, refresh, user })
}

/// Checks credentials from `client`. A wrong email and a wrong password are
/// the same error and take the same time.
pub async fn login(state: &AppState, email: &str, password: &str, client: &str) -> ApiResult<Session> {
    let account = email.trim().to_lowercase();
    rate_limit::before_password_check(state, &account, client).await?;
    let Ok(email) = Email::parse(email) else {
        state.passwords.waste_time(password.to_string()).await?;
        rate_limit::after_password_check(state, &account, client, false).await;
        return Err(ApiError::InvalidCredentials);
    };
    let user = state.store.find_user_by_email(email.as_str()).await?;
    let Some((user, hash)) = user.and_then(|u| u.password_hash.clone().map(|h| (u, h))) else {
        state.passwords.waste_time(password.to_string()).await?;
        rate_limit::after_password_check(state, &account, client, false).await;
        return Err(ApiError::InvalidCredentials);
    };
    let correct = state.passwords.verify(password.to_string(), hash).await?;
    rate_limit::after_password_check(state, &account, client, correct).await;
    if !correct {
        return Err(ApiError::InvalidCredentials);
    }
    if user.status == AccountStatus::Disabled {
        return Err(ApiError::AccountDisabled);
    }
    if user.status == AccountStatus::Pending {
        return Err(ApiError::Forbidden("This account is not activated yet. Use the code sent by e-mail."));
    }
    tracing::info!(user_id = %user.id, "login");
    issue(state, user)
}

/// Changes the signed-in user's password after checking the current one
/// (same guessing policy as login). Every earlier session ends; the caller
/// gets a new one.
pub async fn change_password(state: &AppState, user_id: &str, old: &str, new: &str, client: &str) -> ApiResult<Session> {
    let account = state.store.find_user(user_id).await?.ok_or(ApiError::NotFound("Account"))?;
    let current = account.password_hash.clone().ok_or_else(|| ApiError::BadRequest("This account has no password yet.".into()))?;
    rate_limit::before_password_check(state, &account.email, client).await?;
    let correct = state.passwords.verify(old.to_string(), current).await?;
    rate_limit::after_password_check(state, &account.email, client, correct).await;
    if !correct {
        return Err(ApiError::BadRequest("The current password is incorrect.".into()));
    }
    let new = Password::parse(new).map_err(|mut e| {
        e.field = "new_password";
        e
    })?;
    let hash = state.passwords.hash(new.expose().to_string()).await?;
    let updated = state.store.set_password(&account.id, &hash).await?;
    tracing::info!(user_id = %account.id, "password changed; earlier sessions ended");
    issue(state, updated)
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
    if claims.sv != user.session_version {
        return Err(ApiError::Unauthorized("This session has ended. Please log in again."));
    }
    Ok((claims, user))
}

/// A new access token. Without rotation the refresh token stays usable until it
/// expires, is logged out, or the account's sessions end (the frontend keeps
/// it). With rotation each refresh token works once; presenting a spent one
/// revokes its whole family, for as long as any token of it could live.
pub async fn refresh(state: &AppState, token: &str) -> ApiResult<(String, Option<String>)> {
    let (claims, user) = valid_refresh(state, token).await?;
    let access = state.tokens.access(&user).map_err(ApiError::internal)?;
    if !state.settings.auth.rotate_refresh_tokens {
        return Ok((access, None));
    }
    if !state.store.consume_refresh_token(&claims.jti, claims.expires_at()).await? {
        state.store.revoke_family(claims.family(), state.now() + state.tokens.refresh_ttl()).await?;
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
        state.store.revoke_family(claims.family(), state.now() + state.tokens.refresh_ttl()).await?;
    }
    tracing::info!(user_id = %claims.sub, "logout");
    Ok(())
}

/// Ends every session of the signed-in user, on every device.
pub async fn logout_everywhere(state: &AppState, user_id: &str) -> ApiResult<()> {
    state.store.end_all_sessions(user_id).await?;
    tracing::info!(user_id, "every session ended");
    Ok(())
}
