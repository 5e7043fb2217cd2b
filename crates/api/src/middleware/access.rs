//! Who may call a resource, checked before its handler runs, so before any
//! body is read: a doctor calling an admin route gets 403 whatever the body
//! (too large or malformed included), and a request without a valid token
//! gets 401. The signed-in user is left in the request for the handler.

use crate::auth::current_user::{authenticate, bearer_token};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

/// Who may call a resource (every method of a path has the same access).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (login, health).
    Public,
    /// Any signed-in user.
    User,
    /// Administrators only.
    Admin,
}

pub async fn guard(access: Access, req: ServiceRequest, next: Next<impl MessageBody>) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if access != Access::Public {
        let state = req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
        let user = authenticate(&state, bearer_token(req.request()).as_deref()).await?;
        if access == Access::Admin {
            user.require_admin()?;
        }
        req.extensions_mut().insert(user);
    }
    next.call(req).await
}
