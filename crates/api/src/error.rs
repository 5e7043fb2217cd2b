//! The API's one error type and its single mapping to HTTP: every error body is
//! `{"error": "<sentence>", "code": "<kind>", "message": "<sentence>"}` (the
//! frontend shows `error` verbatim), plus `field` for validation errors. A 500
//! never shows its cause to the client; the whole cause chain is logged.

use actix_web::{http::StatusCode, HttpResponse, ResponseError};
use domain::ValidationError;
use serde::Serialize;
use storage::StorageError;

#[derive(thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Validation(#[from] ValidationError),
    #[error("{0}")]
    BadRequest(String),
    /// A body field of the wrong type, named by its path.
    #[error("{message}")]
    InvalidField { field: String, message: String },
    /// Wrong email or password: the same sentence whether or not the email exists.
    #[error("Invalid email or password.")]
    InvalidCredentials,
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("This account is disabled.")]
    AccountDisabled,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found.")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("Send a JSON body with Content-Type: application/json.")]
    UnsupportedMediaType,
    #[error("Too many attempts. Try again in {retry_after} seconds.")]
    TooManyRequests { retry_after: u64 },
    /// Temporarily unable to serve (database unreachable, hashing queue full): 503 with `Retry-After`.
    #[error("{message}")]
    Unavailable { message: String, retry_after: u64 },
    #[error("This method is not allowed here.")]
    MethodNotAllowed { allow: String },
    #[error("Something went wrong on our side. Please try again.")]
    Internal(#[source] anyhow::Error),
}

/// Logged by the request tracing middleware: only the kind (and field), never
/// the message, which may echo submitted values such as a patient's name.
impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Validation(v) => write!(f, "ApiError(validation, field={})", v.field),
            Self::InvalidField { field, .. } => write!(f, "ApiError(validation, field={field})"),
            Self::Internal(cause) => write!(f, "ApiError(internal: {cause:#})"),
            other => write!(f, "ApiError({})", other.code()),
        }
    }
}

/// Every error reply. The frontend shows `error` verbatim.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A sentence for people.
    pub error: String,
    /// The kind, for programs (`validation`, `not_found`, `slot_taken`...).
    pub code: String,
    /// The same sentence as `error`.
    pub message: String,
    /// The invalid field, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn unavailable(message: impl Into<String>, retry_after: u64) -> Self {
        Self::Unavailable { message: message.into(), retry_after }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, message: message.into() }
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) | Self::InvalidField { .. } => "validation",
            Self::BadRequest(_) => "bad_request",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Unauthorized(_) => "unauthorized",
            Self::AccountDisabled => "account_disabled",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict { code, .. } => code,
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Unavailable { .. } => "unavailable",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Internal(_) => "internal",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::InvalidField { .. } | Self::BadRequest(_) | Self::InvalidCredentials => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::AccountDisabled | Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = ?cause, "request failed");
        }
        let message = self.to_string();
        let field = match self {
            Self::Validation(v) => Some(v.field.to_string()),
            Self::InvalidField { field, .. } => Some(field.clone()),
            _ => None,
        };
        let mut response = HttpResponse::build(self.status_code());
        if let Self::TooManyRequests { retry_after } | Self::Unavailable { retry_after, .. } = self {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        if let Self::MethodNotAllowed { allow } = self {
            response.insert_header(("Allow", allow.as_str()));
        }
        response.json(ErrorBody { error: message.clone(), code: self.code().to_string(), message, field })
    }
}

/// Storage failures that reach a handler unmapped: not-found and conflicts keep
/// their meaning, anything else is internal.
impl From<StorageError> for ApiError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::NotFound => ApiError::NotFound("Resource"),
            StorageError::Duplicate { .. } => ApiError::conflict("duplicate", "This record already exists."),
            StorageError::Conflict(code) => ApiError::conflict(code, "This change conflicts with the current state."),
            StorageError::Unavailable(_) => ApiError::unavailable("The database is unavailable right now. Please try again shortly.", 5),
            other => ApiError::Internal(other.into()),
        }
    }
}


pub type ApiResult<T> = Result<T, ApiError>;
