//! Every error response is JSON, `{"error": "<sentence>", "code": "<kind>"}`:
//! errors raised by the framework itself (a path it cannot decode, a payload
//! it refuses) come back as plain text or empty, and are rewritten here.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, CONTENT_TYPE};
use actix_web::middleware::Next;
use serde_json::json;

fn is_json(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"))
}

fn sentence(status: actix_web::http::StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("The request is malformed.", "bad_request"),
        401 => ("Authentication credentials were not provided.", "unauthorized"),
        403 => ("You are not allowed to do this.", "forbidden"),
        404 => ("Page not found.", "not_found"),
        405 => ("This method is not allowed here.", "method_not_allowed"),
        413 => ("The request body is too large.", "payload_too_large"),
        415 => ("Send a JSON body with Content-Type: application/json.", "unsupported_media_type"),
        429 => ("Too many requests. Try again later.", "rate_limited"),
        503 => ("The service is unavailable right now. Please try again shortly.", "unavailable"),
        s if s < 500 => ("The request could not be handled.", "bad_request"),
        _ => ("Something went wrong on our side. Please try again.", "internal"),
    }
}

pub async fn normalise(req: ServiceRequest, next: Next<impl MessageBody + 'static>) -> Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error> {
    let res = next.call(req).await?;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&res) {
        return Ok(res.map_body(|_, body| EitherBody::left(body.boxed())));
    }
    let (message, code) = sentence(status);
    let body = json!({ "error": message, "code": code, "message": message }).to_string();
    Ok(res.map_body(|head, _| {
        head.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        head.headers.remove(actix_web::http::header::CONTENT_LENGTH);
        EitherBody::right(BoxBody::new(body))
    }))
}
