//! The request span: method, route *pattern* (never the path with its ids or
//! the query string, which can hold a patient's name), status, request id,
//! and for errors only their kind. No client address, user agent or submitted
//! value is ever recorded.

use crate::error::ApiError;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

pub struct PrivateSpans;

impl RootSpanBuilder for PrivateSpans {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request.extensions().get::<RequestId>().map(ToString::to_string).unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = tracing::field::Empty,
            http.status_code = tracing::field::Empty,
            error.code = tracing::field::Empty,
            request_id = %request_id,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        match outcome {
            Ok(response) => {
                span.record("http.route", response.request().match_pattern().unwrap_or_else(|| "unmatched".into()).as_str());
                span.record("http.status_code", response.status().as_u16());
                if let Some(error) = response.response().error() {
                    span.record("error.code", error_code(error));
                }
            }
            Err(error) => {
                span.record("http.status_code", error.as_response_error().status_code().as_u16());
                span.record("error.code", error_code(error));
            }
        }
    }
}

fn error_code(error: &Error) -> &'static str {
    error.as_error::<ApiError>().map_or("framework", ApiError::code)
}
