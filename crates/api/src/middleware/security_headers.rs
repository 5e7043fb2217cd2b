//! Headers every response carries:
//! - `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`;
//! - `Cache-Control: no-store` on the API (its replies are personal data);
//! - a Content-Security-Policy: nothing at all for JSON, and for the HTML
//!   pages (Swagger UI, model cards) only their own scripts, styles and
//!   images, so they work offline and run nothing injected.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use actix_web::middleware::Next;

/// For the pages the binary serves itself.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
     connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const JSON_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

pub async fn add(req: ServiceRequest, next: Next<impl MessageBody>) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let html = res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    let headers = res.headers_mut();
    headers.insert(HeaderName::from_static("x-content-type-options"), HeaderValue::from_static("nosniff"));
    headers.insert(HeaderName::from_static("referrer-policy"), HeaderValue::from_static("no-referrer"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if !headers.contains_key("content-security-policy") {
        let csp = if html { PAGE_CSP } else { JSON_CSP };
        headers.insert(HeaderName::from_static("content-security-policy"), HeaderValue::from_static(csp));
    }
    Ok(res)
}
