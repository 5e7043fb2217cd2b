//! Health, with no auth:
//! - `GET /health/health/` and `/api/health/` (what the platform probes):
//!   200 while the database answers, with `status` `ok`, or `degraded` when
//!   Redis is down (reads are served from MongoDB, jobs wait in the outbox);
//!   503 when the database is down, since nothing can be served then;
//! - `GET /health/ready/`: 200 only when the database and Redis both answer,
//!   for a balancer that should prefer fully working instances.

use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::json;
use std::time::Duration;
use utoipa::ToSchema;

/// What is up and what is not.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, `degraded` (Redis down: served from MongoDB, jobs wait) or `down` (database down).
    #[schema(schema_with = status_schema)]
    pub status: &'static str,
    #[schema(schema_with = up_schema)]
    pub database: &'static str,
    #[schema(schema_with = up_schema)]
    pub redis: &'static str,
    #[schema(value_type = Object)]
    pub model: serde_json::Value,
    #[schema(value_type = Object)]
    pub queues: serde_json::Value,
    pub version: &'static str,
}

fn status_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String).enum_values(Some(["ok", "degraded", "down"])).into()
}

fn up_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String).enum_values(Some(["ok", "down"])).into()
}

crate::resources! {
    Public "/health/health/" { GET => health },
    Public "/api/health/" { GET => api_health },
    Public "/health/ready/" { GET => ready },
}

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

struct Checks {
    database: bool,
    redis: bool,
    body: Health,
}

async fn check(state: &AppState) -> Checks {
    let (database, redis) = tokio::join!(
        tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()),
        tokio::time::timeout(CHECK_TIMEOUT, state.cache.ping())
    );
    let (database, redis) = (matches!(database, Ok(Ok(()))), matches!(redis, Ok(true)));
    let email_queue = if redis {
        match tokio::time::timeout(CHECK_TIMEOUT, state.queues.stats(jobs::EMAIL_QUEUE)).await {
            Ok(Ok(stats)) => json!(stats),
            _ => json!(null),
        }
    } else {
        json!(null)
    };
    let word = |ok: bool| if ok { "ok" } else { "down" };
    let status = match (database, redis) {
        (true, true) => "ok",
        (true, false) => "degraded",
        (false, _) => "down",
    };
    let body = Health {
        status,
        database: word(database),
        redis: word(redis),
        model: match state.model.version() {
            Some(version) => json!({ "status": "loaded", "version": version }),
            None => json!({ "status": "none", "version": null }),
        },
        queues: json!({ "email": email_queue }),
        version: env!("CARGO_PKG_VERSION"),
    };
    Checks { database, redis, body }
}

/// 200 while the database answers (`degraded` when Redis is down); 503 when it does not. What the platform probes.
#[utoipa::path(get, path = "/health/health/", tag = "health",
    responses((status = 200, description = "Serving", body = Health), (status = 503, description = "The database is down", body = Health)))]
pub(crate) async fn health(state: web::Data<AppState>) -> HttpResponse {
    let checks = check(&state).await;
    if checks.database {
        HttpResponse::Ok().json(checks.body)
    } else {
        HttpResponse::ServiceUnavailable().insert_header(("Retry-After", "5")).json(checks.body)
    }
}

/// The original backend's path for the same check.
#[utoipa::path(get, path = "/api/health/", tag = "health",
    responses((status = 200, description = "Serving", body = Health), (status = 503, description = "The database is down", body = Health)))]
pub(crate) async fn api_health(state: web::Data<AppState>) -> HttpResponse {
    health(state).await
}

/// 200 only when the database and Redis both answer.
#[utoipa::path(get, path = "/health/ready/", tag = "health",
    responses((status = 200, description = "Fully ready", body = Health), (status = 503, description = "The database or Redis is down", body = Health)))]
pub(crate) async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let checks = check(&state).await;
    if checks.database && checks.redis {
        HttpResponse::Ok().json(checks.body)
    } else {
        HttpResponse::ServiceUnavailable().insert_header(("Retry-After", "5")).json(checks.body)
    }
}
