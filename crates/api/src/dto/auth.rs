//! Sign-in, tokens and account bodies.

use super::fields;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/auth/login/`. Any strings: a malformed e-mail is just wrong credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// `POST /api/auth/refresh/` and `/logout/`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    pub refresh: String,
}

/// `POST /api/auth/activate/`: the e-mailed code and the new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Activation {
    pub email: String,
    #[schema(schema_with = fields::otp)]
    pub otp: String,
    #[schema(schema_with = fields::password)]
    pub password: String,
}

/// `PATCH /api/profile/`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    #[schema(schema_with = fields::name)]
    pub full_name: String,
}

/// `PATCH /api/profile/password/`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub old_password: String,
    #[schema(schema_with = fields::password)]
    pub new_password: String,
}

/// `{access, refresh, user}` after login.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginReply {
    pub access: String,
    pub refresh: String,
    pub user: super::doctor::LoginUser,
}

/// A new access token; a new refresh token too when rotation is on.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefreshReply {
    pub access: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh: Option<String>,
}

/// After a password change: new tokens (every earlier session has ended).
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordChanged {
    pub message: String,
    pub access: String,
    pub refresh: String,
}

/// `{message}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

impl Message {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

/// `{message, user}` after activation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Activated {
    pub message: String,
    pub user: super::DoctorOut,
}
