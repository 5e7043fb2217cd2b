//! Doctor accounts as the Doctors page shows them, and the admin's bodies.

use super::fields;
use domain::user::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DoctorOut {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub is_active: bool,
    /// `pending` (awaiting OTP activation), `active` or `disabled`.
    #[schema(schema_with = account_status)]
    pub status: String,
    pub specialization: Option<String>,
    #[schema(schema_with = role)]
    pub role: String,
    pub created_at: String,
}

fn account_status() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["pending", "active", "disabled"]))
        .into()
}

fn role() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String).enum_values(Some(["ADMIN", "DOCTOR"])).into()
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
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoginUser {
    pub id: String,
    pub email: String,
    pub full_name: String,
    #[schema(schema_with = role)]
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

/// `POST /api/admin/doctors/`: snake_case `{full_name, email, password?}` as the
/// frontend sends it. Without a password (or with an empty one) the doctor
/// activates the account with an e-mailed code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctorIn {
    #[schema(schema_with = fields::name)]
    pub full_name: String,
    #[schema(schema_with = fields::email)]
    pub email: String,
    #[schema(schema_with = fields::password_or_empty_or_null)]
    pub password: Option<String>,
    #[schema(schema_with = fields::specialization_or_null)]
    pub specialization: Option<String>,
}

/// `PATCH /api/admin/doctors/{id}/`: `{full_name, email}` or `{is_active}`
/// (absent or `null` fields are left as they are).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctorPatch {
    #[schema(schema_with = fields::name_or_null)]
    pub full_name: Option<String>,
    #[schema(schema_with = fields::email_or_null)]
    pub email: Option<String>,
    pub is_active: Option<bool>,
}

/// `{message, user}` after creating a doctor.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoctorCreated {
    pub message: String,
    pub user: DoctorOut,
}
