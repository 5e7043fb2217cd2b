//! Request ids and Prometheus metrics.
//! - Every response carries `x-request-id` (the id tracing-actix-web puts in the request's span).
//! - `GET /metrics`: request counts and latency by route pattern and status,
//!   the model version in use, and queue depths.

use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use crate::error::ApiError;
use secrecy::ExposeSecret;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;
use tracing_actix_web::RequestId;

crate::resources! {
    Public "/metrics" { GET => metrics },
}

/// The process-wide recorder (installed once, even with several apps in one test process).
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Records `http_requests_total` and `http_request_duration_seconds` by route pattern (not raw path: ids would explode cardinality).
pub async fn track(req: ServiceRequest, next: Next<impl MessageBody>) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut res = next.call(req).await?;
    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    if let Some(value) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut().insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}

/// `model_info{version}` is 1 for the model in use and 0 for any seen before it.
fn record_model(version: String) {
    static LAST: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    if let Ok(mut last) = LAST.lock() {
        if let Some(previous) = last.take().filter(|p| *p != version) {
            metrics::gauge!("model_info", "version" => previous).set(0.0);
        }
        metrics::gauge!("model_info", "version" => version.clone()).set(1.0);
        *last = Some(version);
    }
}

/// With `METRICS_TOKEN` set, only `Authorization: Bearer <token>` may read them.
fn authorised(state: &AppState, req: &HttpRequest) -> bool {
    let Some(expected) = &state.settings.http.metrics_token else { return true };
    let given = req.headers().get(actix_web::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    given.is_some_and(|g| constant_time_eq(g.trim().as_bytes(), expected.expose_secret().as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Prometheus metrics (`Authorization: Bearer <METRICS_TOKEN>` when that is set).
#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String),
        (status = 401, description = "A metrics token is required", body = crate::error::ErrorBody)))]
pub(crate) async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if !authorised(&state, &req) {
        return Err(ApiError::Unauthorized("A valid metrics token is required."));
    }
    record_model(state.model.version().unwrap_or_else(|| "none".into()));
    for queue in [jobs::EMAIL_QUEUE, jobs::INGEST_QUEUE, jobs::TRAIN_QUEUE] {
        if let Ok(stats) = state.queues.stats(queue).await {
            metrics::gauge!("queue_pending_jobs", "queue" => queue).set(stats.pending as f64);
            metrics::gauge!("queue_dead_jobs", "queue" => queue).set(stats.dead as f64);
        }
    }
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(prometheus().render()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_model_in_use_is_marked_1_and_earlier_ones_drop_to_0() {
        let handle = prometheus();
        record_model("m-first".into());
        record_model("m-second".into());
        let text = handle.render();
        assert!(text.contains("model_info{version=\"m-second\"} 1"), "{text}");
        assert!(text.contains("model_info{version=\"m-first\"} 0"), "{text}");
        record_model("m-second".into());
        assert!(handle.render().contains("model_info{version=\"m-second\"} 1"), "the same model again stays 1");
    }

    #[test]
    fn tokens_are_compared_whole() {
        assert!(constant_time_eq(b"secret-token", b"secret-token"));
        assert!(!constant_time_eq(b"secret-token", b"secret-tokem"));
        assert!(!constant_time_eq(b"secret", b"secret-token"));
    }
}
