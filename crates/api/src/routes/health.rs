//! Health, with no auth:
//! - `GET /health/health/` and `/api/health/` (what the platform probes):
//!   200 while the database answers, with `status` `ok`, or `degraded` when
//!   Redis is down (reads are served from MongoDB, jobs wait in the outbox);
//!   503 when the database is down, since nothing can be served then;
//! - `GET /health/ready/`: 200 only when the database and Redis both answer,
//!   for a balancer that should prefer fully working instances.

use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde_json::json;
use std::time::Duration;

crate::endpoints! {
    GET "/health/health/" => health,
    GET "/api/health/" => health,
    GET "/health/ready/" => ready,
}

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

struct Checks {
    database: bool,
    redis: bool,
    body: serde_json::Value,
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
    let body = json!({
        "status": status,
        "database": word(database),
        "redis": word(redis),
        "model": match state.model.version() {
            Some(version) => json!({ "status": "loaded", "version": version }),
            None => json!({ "status": "none", "version": null }),
        },
        "queues": { "email": email_queue },
        "version": env!("CARGO_PKG_VERSION"),
    });
    Checks { database, redis, body }
}

async fn health(state: web::Data<AppState>) -> HttpResponse {
    let checks = check(&state).await;
    if checks.database {
        HttpResponse::Ok().json(checks.body)
    } else {
        HttpResponse::ServiceUnavailable().insert_header(("Retry-After", "5")).json(checks.body)
    }
}

async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let checks = check(&state).await;
    if checks.database && checks.redis {
        HttpResponse::Ok().json(checks.body)
    } else {
        HttpResponse::ServiceUnavailable().insert_header(("Retry-After", "5")).json(checks.body)
    }
}
