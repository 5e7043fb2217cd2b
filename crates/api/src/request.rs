//! JSON bodies that fail with a clear 400/413/415 JSON error instead of
//! actix's plain-text defaults. Error messages say what was wrong and where,
//! never the submitted value (it may be a name, a password or a code).

use crate::error::ApiError;
use actix_web::error::JsonPayloadError;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use std::future::Future;
use std::pin::Pin;

/// Bodies larger than this are refused (413).
pub const MAX_JSON_BYTES: usize = 64 * 1024;

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge(format!("The request body is larger than {} KB.", MAX_JSON_BYTES / 1024))
}

/// serde_json's message without the value it quotes: `invalid type: string
/// "Ana", expected u8 at line 1 column 9` becomes `expected u8 at line 1 column 9`.
pub fn describe(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let position = format!("at line {} column {}", err.line(), err.column());
    let what = if let Some(expected) = text.split(", expected ").nth(1) {
        let expected = expected.split(" at line ").next().unwrap_or(expected);
        format!("expected {expected}")
    } else if let Some(field) = text.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        format!("the field {field} is required")
    } else if let Some(field) = text.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
        if field.len() <= 40 && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            format!("unknown field {field}")
        } else {
            "an unknown field".into()
        }
    } else if let Some(field) = text.strip_prefix("duplicate field `").and_then(|r| r.split('`').next()) {
        format!("the field {field} is given twice")
    } else {
        "a value is not what this field takes".into()
    };
    format!("Invalid request body: {what} ({position}).")
}

fn from_serde(err: &serde_json::Error) -> ApiError {
    if err.is_data() {
        ApiError::BadRequest(describe(err))
    } else {
        ApiError::BadRequest("The request body is not valid JSON.".into())
    }
}

/// Parses a body, naming the field at fault (`gender`, `user.email`) when a
/// value has the wrong type. Every body is a JSON object (serde would also
/// read a struct from an array).
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::BadRequest("The request body must be a JSON object.".into()));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match (inner.is_data(), path.as_str()) {
            (true, ".") | (true, "") | (false, _) => from_serde(&inner),
            (true, field) => ApiError::InvalidField { field: sanitize_field(field), message: describe(&inner) },
        }
    })?;
    de.end().map_err(|e| from_serde(&e))?;
    Ok(value)
}

/// Field paths come from the client's keys for unknown fields; keep only tame ones.
fn sanitize_field(path: &str) -> String {
    if path.len() <= 60 && path.chars().all(|c| c.is_ascii_alphanumeric() || "._[]-".contains(c)) {
        path.to_string()
    } else {
        "body".into()
    }
}

async fn read_body(payload: &mut Payload) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::BadRequest("The request body could not be read.".into()))?;
        if body.len() + chunk.len() > MAX_JSON_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<actix_web::mime::Mime>().ok())
        .is_some_and(|m| m.subtype() == actix_web::mime::JSON || m.suffix() == Some(actix_web::mime::JSON))
}

/// A required JSON body (`Content-Type: application/json`, at most
/// [`MAX_JSON_BYTES`]), with errors that name the field at fault.
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let too_big = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > MAX_JSON_BYTES);
        let mut payload = payload.take();
        Box::pin(async move {
            if too_big {
                return Err(too_large());
            }
            if !json {
                return Err(ApiError::UnsupportedMediaType);
            }
            let body = read_body(&mut payload).await?;
            parse(&body).map(Json)
        })
    }
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(MAX_JSON_BYTES).error_handler(|err, _req| {
        let api_error = match &err {
            JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => too_large(),
            JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
            JsonPayloadError::Deserialize(e) => from_serde(e),
            _ => ApiError::BadRequest("The request body could not be read.".into()),
        };
        api_error.into()
    })
}

/// A JSON body that may be absent: no body (or only white space) is
/// `T::default()`; a body must be valid JSON for `T`, at most [`MAX_JSON_BYTES`].
pub struct OptionalJson<T>(pub T);

impl<T> OptionalJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: serde::de::DeserializeOwned + Default + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(_req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let mut payload = payload.take();
        Box::pin(async move {
            let body = read_body(&mut payload).await?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Self(T::default()));
            }
            parse(&body).map(Self)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        age: u8,
        name: String,
    }

    #[test]
    fn messages_never_quote_the_submitted_value() {
        for raw in [r#"{"age": "Zefirina Velasquez", "name": "x"}"#, r#"{"age": 1, "name": 123456}"#, r#"{"age": 1, "name": "x", "Zefirina Velasquez": 1}"#] {
            let err = serde_json::from_str::<Body>(raw).unwrap_err();
            let message = describe(&err);
            assert!(!message.contains("Zefirina") && !message.contains("123456"), "{message}");
            assert!(message.starts_with("Invalid request body:"), "{message}");
        }
        let err = serde_json::from_str::<Body>(r#"{"age": 1}"#).unwrap_err();
        assert!(describe(&err).contains("the field name is required"), "{}", describe(&err));
    }
}
