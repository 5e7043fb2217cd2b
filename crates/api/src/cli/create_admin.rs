//! `api create-admin --email E --password P`: a second run reports that it exists.

use crate::auth::passwords;
use domain::{email::Email, password::Password, person_name::PersonName, role::Role, user::AccountStatus};
use storage::{users::NewUser, Store};

/// Returns a line for the operator.
pub async fn create_admin(store: &Store, email: &str, password: &str, name: &str) -> anyhow::Result<String> {
    let email = Email::parse(email)?;
    let password = Password::parse(password)?;
    let name = PersonName::parse("name", name)?.into_string();
    if let Some(existing) = store.find_user_by_email(email.as_str()).await? {
        return Ok(format!("An account with e-mail {} already exists (role {}); nothing changed.", email, existing.role.as_str()));
    }
    let secret = password.expose().to_string();
    let hash = tokio::task::spawn_blocking(move || passwords::hash_blocking(&secret)).await??;
    let new = NewUser {
        id: mongodb::bson::oid::ObjectId::new(),
        email: email.as_str().to_string(),
        full_name: name,
        role: Role::Admin,
        status: AccountStatus::Active,
        password_hash: Some(hash),
        specialization: None,
        force_password_change: false,
        job: None,
    };
    match store.insert_user(new).await {
        Ok(user) => Ok(format!("Administrator {} created (id {}).", email, user.id)),
        Err(storage::StorageError::Duplicate { .. }) => Ok(format!("An account with e-mail {email} already exists; nothing changed.")),
        Err(err) => Err(err.into()),
    }
}
