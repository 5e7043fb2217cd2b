//! Staff accounts: admins and doctors.

use crate::role::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where an account is in its life: created by an admin and waiting for the
/// doctor to activate it by OTP, usable, or switched off by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Pending,
    Active,
    Disabled,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Pending => "pending",
            AccountStatus::Active => "active",
            AccountStatus::Disabled => "disabled",
        }
    }
}

/// A stored account. `password_hash` is a PHC string (argon2id), absent until set.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub status: AccountStatus,
    pub password_hash: Option<String>,
    pub specialization: Option<String>,
    pub force_password_change: bool,
    pub created_at: DateTime<Utc>,
    /// Carried by every token; tokens of an older version are refused.
    pub session_version: i64,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.status == AccountStatus::Active
    }
}
