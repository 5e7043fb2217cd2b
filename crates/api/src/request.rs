//! Request parsing helpers: JSON bodies and query strings that fail with a
//! clear 400/413 JSON error instead of actix's plain-text defaults.

use crate::error::ApiError;
use actix_web::{error::JsonPayloadError, web, HttpRequest};
use domain::pagination::PageRequest;

/// Bodies larger than this are refused (413).
pub const MAX_JSON_BYTES: usize = 64 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(MAX_JSON_BYTES).error_handler(|err, _req| {
        let api_error = match &err {
            JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
                ApiError::PayloadTooLarge(format!("The request body is larger than {} KB.", MAX_JSON_BYTES / 1024))
            }
            JsonPayloadError::ContentType => ApiError::BadRequest("Send a JSON body with Content-Type: application/json.".into()),
            JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::BadRequest(format!("Invalid request body: {e}.")),
            _ => ApiError::BadRequest("The request body is not valid JSON.".into()),
        };
        api_error.into()
    })
}

/// Parses a JSON body read as bytes, with the same errors as [`json_config`].
/// Admin handlers use it after their role check, so a doctor gets 403, not a
/// body error. An empty body parses as `{}`.
pub fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.len() > MAX_JSON_BYTES {
        return Err(ApiError::PayloadTooLarge(format!("The request body is larger than {} KB.", MAX_JSON_BYTES / 1024)));
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { body };
    serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            ApiError::BadRequest(format!("Invalid request body: {e}."))
        } else {
            ApiError::BadRequest("The request body is not valid JSON.".into())
        }
    })
}

/// Decoded query parameters (form-urlencoded: `+` is a space).
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub fn parse(req: &HttpRequest) -> Result<Self, ApiError> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
            .map(Self)
            .map_err(|_| ApiError::BadRequest("The query string is malformed.".into()))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A trimmed, non-empty value.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    pub fn page(&self) -> Result<PageRequest, ApiError> {
        Ok(PageRequest::parse(self.get("page"), self.get("page_size"))?)
    }

    pub fn flag(&self, name: &'static str) -> Result<bool, ApiError> {
        match self.text(name) {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(_) => Err(ApiError::BadRequest(format!("{name} must be true or false."))),
        }
    }

    pub fn date(&self, name: &'static str) -> Result<Option<chrono::NaiveDate>, ApiError> {
        self.text(name)
            .map(|raw| {
                chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                    .map_err(|_| ApiError::BadRequest(format!("{name} must be a date like 2026-03-01.")))
            })
            .transpose()
    }
}
