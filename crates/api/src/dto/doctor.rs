//! Doctor accounts as the Doctors page shows them.

use domain::user::User;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DoctorOut {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub is_active: bool,
    /// `pending` (awaiting OTP activation), `active` or `disabled`.
    pub status: String,
    pub specialization: Option<String>,
    pub role: String,
    pub created_at: String,
}

impl From<&User> for DoctorOut {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.clone(),
            email: u.email.clone(),
            full_name: u.full_name.clone(),
            is_active: u.is_active(),
            status: u.status.as_str().to_string(),
            specialization: u.specialization.clone(),
            role: u.role.as_str().to_string(),
            created_at: u.created_at.to_rfc3339(),
        }
    }
}

/// The login reply's user: snake_case `full_name` (the contract's one exception).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LoginUser {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub role: &'static str,
    pub force_password_change: bool,
}

impl From<&User> for LoginUser {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.clone(),
            email: u.email.clone(),
            full_name: u.full_name.clone(),
            role: u.role.as_str(),
            force_password_change: u.force_password_change,
        }
    }
}
