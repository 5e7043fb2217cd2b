//! Roles, spelled as the web frontend expects them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Admin,
    Doctor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Doctor => "DOCTOR",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "ADMIN" => Some(Role::Admin),
            "DOCTOR" => Some(Role::Doctor),
            _ => None,
        }
    }
}
