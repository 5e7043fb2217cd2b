//! argon2id password hashing, run off the async executor (it takes tens of ms).

use crate::error::ApiError;
use argon2::password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

/// OWASP's recommendation for argon2id: m = 19 MiB, t = 2, p = 1.
fn hasher() -> Argon2<'static> {
    #[allow(clippy::unwrap_used)] // constant, valid parameters
    let params = Params::new(19 * 1024, 2, 1, None).unwrap();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String, ApiError> {
    let hash: PasswordHash = hasher().hash_password(password.as_bytes()).map_err(|e| ApiError::internal(anyhow::anyhow!("hashing: {e}")))?;
    Ok(hash.to_string())
}

fn verify_blocking(password: &str, stored_hash: &str) -> bool {
    hasher().verify_password(password.as_bytes(), stored_hash).is_ok()
}

pub async fn hash(password: String) -> Result<String, ApiError> {
    actix_web::rt::task::spawn_blocking(move || hash_blocking(&password)).await.map_err(ApiError::internal)?
}

/// False for a wrong password or an unreadable stored hash.
pub async fn verify(password: String, stored_hash: String) -> Result<bool, ApiError> {
    actix_web::rt::task::spawn_blocking(move || verify_blocking(&password, &stored_hash)).await.map_err(ApiError::internal)
}

/// Verifies against a throwaway hash when an email is unknown, so a wrong
/// email and a wrong password take the same time.
pub async fn waste_time(password: String) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let _ = actix_web::rt::task::spawn_blocking(move || {
        let dummy = DUMMY.get_or_init(|| hash_blocking("not-a-real-password").unwrap_or_default());
        verify_blocking(&password, dummy)
    })
    .await;
}
