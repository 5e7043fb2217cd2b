//! Doctor onboarding: an admin creates the account; without a password it is
//! `pending` and the worker e-mails an activation code; the doctor activates it
//! by setting a password. With a password (the web frontend's form) the account
//! is active at once and must change its password.
//!
//! The activation e-mail's job is written in the same insert as the account
//! (its outbox), so a pending doctor always has a code on the way, whatever
//! Redis is doing; the request never waits for Redis.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use domain::{email::Email, password::Password, person_name::PersonName, role::Role, user::AccountStatus, user::User};
use storage::users::NewUser;

/// Cache namespace of the doctor lists.
pub const CACHE: &str = storage::cache::views::DOCTORS;

pub struct NewDoctor {
    pub full_name: String,
    pub email: String,
    pub password: Option<String>,
    pub specialization: Option<String>,
}

fn taken() -> ApiError {
    ApiError::conflict("email_taken", "A user with this e-mail already exists.")
}

pub async fn create_doctor(state: &AppState, new: NewDoctor) -> ApiResult<User> {
    let full_name = PersonName::parse("full_name", &new.full_name)?.into_string();
    let email = Email::parse(&new.email)?;
    let password = new.password.as_deref().filter(|p| !p.is_empty()).map(Password::parse).transpose()?;
    if new.specialization.as_deref().is_some_and(|s| s.chars().count() > 100 || !domain::text::is_text(s)) {
        return Err(domain::ValidationError::new("specialization", "Specialization must be at most 100 characters, without control characters.").into());
    }
    let specialization = new.specialization.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (status, password_hash) = match password {
        Some(p) => (AccountStatus::Active, Some(state.passwords.hash(p.expose().to_string()).await?)),
        None => (AccountStatus::Pending, None),
    };
    let id = mongodb::bson::oid::ObjectId::new();
    let job = (status == AccountStatus::Pending).then(|| jobs::new_job(&jobs::SendOtpEmail { user_id: id.to_hex() }, None));
    let user = state
        .store
        .insert_user(NewUser {
            id,
            email: email.as_str().to_string(),
            full_name,
            role: Role::Doctor,
            status,
            force_password_change: password_hash.is_some(),
            password_hash,
            specialization,
            job,
        })
        .await
        .map_err(|e| match e {
            storage::StorageError::Duplicate { .. } => taken(),
            other => other.into(),
        })?;
    if user.status == AccountStatus::Pending {
        state.relay.kick();
    }
    tracing::info!(doctor_id = %user.id, status = user.status.as_str(), "doctor created");
    Ok(user)
}

pub async fn resend_otp(state: &AppState, doctor_id: &str) -> ApiResult<()> {
    let user = find_doctor(state, doctor_id).await?;
    if user.status != AccountStatus::Pending {
        return Err(ApiError::conflict("not_pending", "This doctor has already activated their account."));
    }
    state.enqueue(&jobs::new_job(&jobs::SendOtpEmail { user_id: user.id }, None)).await?;
    Ok(())
}

pub async fn find_doctor(state: &AppState, id: &str) -> ApiResult<User> {
    state.store.find_user(id).await?.filter(|u| u.role == Role::Doctor).ok_or(ApiError::NotFound("Doctor"))
}

const BAD_CODE: &str = "The code is invalid or has expired. Ask for a new one.";

/// Checks the code (at most `OTP_MAX_ATTEMPTS` wrong tries, then a new code is
/// needed), sets the password and activates the account.
pub async fn activate(state: &AppState, email: &str, code: &str, password: &str) -> ApiResult<User> {
    let password = Password::parse(password)?;
    let bad = || ApiError::BadRequest(BAD_CODE.into());
    let email = Email::parse(email).map_err(|_| bad())?;
    let user = state.store.find_user_by_email(email.as_str()).await?.filter(|u| u.status == AccountStatus::Pending).ok_or_else(bad)?;
    let otp = state.store.find_otp(&user.id).await?.ok_or_else(bad)?;
    let max = state.settings.auth.otp_max_attempts;
    if otp.expires_at <= state.now() {
        return Err(bad());
    }
    if otp.attempts >= max {
        return Err(ApiError::BadRequest("Too many wrong codes. Ask for a new one.".into()));
    }
    let code = code.trim();
    if !domain::otp::is_well_formed(code) || !state.otp.matches(&user.id, code, &otp.hash) {
        let attempts = state.store.record_failed_otp_attempt(&user.id).await?;
        let left = max.saturating_sub(attempts);
        return Err(ApiError::BadRequest(if left == 0 {
            "Too many wrong codes. Ask for a new one.".into()
        } else {
            format!("The code is incorrect. {left} attempt(s) left.")
        }));
    }
    if !state.store.consume_otp(&user.id, &otp.hash, max).await? {
        return Err(bad());
    }
    let hash = state.passwords.hash(password.expose().to_string()).await?;
    let user = state.store.set_password_and_activate(&user.id, &hash).await?;
    tracing::info!(doctor_id = %user.id, "doctor activated");
    Ok(user)
}
