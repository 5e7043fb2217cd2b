//! Failing fast and recovering alone: the database or Redis is stopped under
//! the running API (each test has its own server) and started again.

use crate::helpers::spawn_app_with;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::{Duration, Instant};
use testkit::eventually;
use testkit::services::{PrivateMongo, PrivateRedis};

#[tokio::test]
async fn with_the_database_down_requests_get_a_quick_503_and_recover_when_it_returns() {
    let mut mongo = PrivateMongo::start();
    let iso_db = format!("{}/t_faults", mongo.uri());
    let app = spawn_app_with(&[("MONGO_URI", iso_db.as_str())]).await;
    app.patient(&app.admin, "Down Dora").await;
    assert_eq!(app.get("/api/patients/", &app.admin).await.status, StatusCode::OK, "now cached");

    mongo.stop();
    for path in ["/api/patients/", "/api/appointments/", "/api/profile/"] {
        let started = Instant::now();
        let r = app.http.get(format!("{}{path}", app.base)).bearer_auth(&app.admin).send().await.unwrap();
        let elapsed = started.elapsed();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(r.headers().get("retry-after").is_some(), "{path}: Retry-After");
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(body["error"].as_str().is_some_and(|e| e.contains("database")), "{path}: {body}");
        assert!(elapsed < Duration::from_millis(2500), "{path} answered in {elapsed:?}");
    }
    let health = app.call(Method::GET, "/health/health/", None, None).await;
    assert_eq!((health.status, health.body["database"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("down")));

    mongo.start_again();
    let back = eventually(Duration::from_secs(30), || async {
        (app.get("/api/patients/", &app.admin).await.status == StatusCode::OK).then_some(())
    })
    .await;
    assert!(back.is_some(), "the API recovered by itself");
    assert_eq!(app.call(Method::GET, "/health/health/", None, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn with_redis_down_login_limits_are_kept_in_process() {
    let mut redis = PrivateRedis::start();
    let url = redis.url();
    let app = spawn_app_with(&[("REDIS_URL", url.as_str())]).await;
    redis.stop();
    let mut statuses = Vec::new();
    for i in 0..32 {
        let body = json!({ "email": format!("nobody{i}@clinic.test"), "password": "wrong-pass-1" });
        statuses.push(app.call(Method::POST, "/api/auth/login/", None, Some(body)).await.status);
    }
    assert_eq!(statuses[..30].iter().filter(|s| **s == StatusCode::BAD_REQUEST).count(), 30, "{statuses:?}");
    assert_eq!(statuses[30], StatusCode::TOO_MANY_REQUESTS, "the 31st login of the minute from one address: {statuses:?}");
    let health = app.call(Method::GET, "/health/health/", None, None).await;
    assert_eq!((health.status, health.body["status"].as_str()), (StatusCode::OK, Some("degraded")));
    assert_eq!(health.body["redis"], "down");
    assert_eq!(app.call(Method::GET, "/health/ready/", None, None).await.status, StatusCode::SERVICE_UNAVAILABLE);

    redis.start_again();
    let back = eventually(Duration::from_secs(30), || async {
        let h = app.call(Method::GET, "/health/health/", None, None).await;
        (h.status == StatusCode::OK && h.body["status"] == "ok" && h.body["redis"] == "ok").then_some(())
    })
    .await;
    assert!(back.is_some(), "health is ok again once Redis is back");
    assert_eq!(app.call(Method::GET, "/health/ready/", None, None).await.status, StatusCode::OK);
    // The shared limiter is in charge again (the restarted Redis holds no counts yet).
    let body = json!({ "email": "nobody-after@clinic.test", "password": "wrong-pass-1" });
    assert_eq!(app.call(Method::POST, "/api/auth/login/", None, Some(body)).await.status, StatusCode::BAD_REQUEST);
    app.cleanup().await;
}
