//! Who may call a resource, checked before its handler runs, so before any
//! body is read: a doctor calling an admin route gets 403 whatever the body
//! (too large or malformed included), and a request without a valid token
//! gets 401. The signed-in user is left in the request for the handler.

use crate::auth::current_user::{authenticate, bearer_token};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::body::{EitherBody, MessageBody};
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

/// Refusals are answered here, as responses (not errors), so the outer
/// middleware (headers, metrics, JSON bodies) treats them like any other reply.
pub async fn guard<B: MessageBody>(access: Access, req: ServiceRequest, next: Next<B>) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    if access != Access::Public {
        match check(access, &req).await {
            Ok(user) => {
                req.extensions_mut().insert(user);
            }
            Err(refusal) => return Ok(req.error_response(refusal).map_into_right_body()),
        }
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}

async fn check(access: Access, req: &ServiceRequest) -> Result<crate::auth::CurrentUser, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
    let user = authenticate(&state, bearer_token(req.request()).as_deref()).await?;
    if access == Access::Admin {
        user.require_admin()?;
    }
    Ok(user)
}
