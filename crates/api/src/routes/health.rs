//! `GET /health/health/` and `/api/health/` (no auth): database, Redis, model, queues.
//! 503 names the failing dependency; a missing model is reported, not a failure.

use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde_json::json;
use std::time::Duration;

crate::endpoints! {
    GET "/health/health/" => health,
    GET "/api/health/" => health,
}

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

async fn health(state: web::Data<AppState>) -> HttpResponse {
    let database_ok = matches!(tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()).await, Ok(Ok(())));
    let redis_ok = matches!(tokio::time::timeout(CHECK_TIMEOUT, state.cache.ping()).await, Ok(true));
    let email_queue = match tokio::time::timeout(CHECK_TIMEOUT, state.queues.stats(jobs::EMAIL_QUEUE)).await {
        Ok(Ok(stats)) => json!(stats),
        _ => json!(null),
    };
    let word = |ok: bool| if ok { "ok" } else { "down" };
    let healthy = database_ok && redis_ok;
    let body = json!({
        "status": if healthy { "ok" } else { "degraded" },
        "database": word(database_ok),
        "redis": word(redis_ok),
        "model": match state.model.version() {
            Some(version) => json!({ "status": "loaded", "version": version }),
            None => json!({ "status": "none", "version": null }),
        },
        "queues": { "email": email_queue },
        "version": env!("CARGO_PKG_VERSION"),
    });
    if healthy {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
