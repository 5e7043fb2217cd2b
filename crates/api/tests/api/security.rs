//! Hostile clients: guessing passwords, spoofing addresses, reusing stolen
//! tokens, out-of-range dates, oversized bodies, and the operations surface.

use crate::helpers::{slot, spawn_app, spawn_app_with, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Behind a trusted proxy, which appends the client's address to `X-Forwarded-For`.
async fn login_from(app: &TestApp, forwarded_for: &str, email: &str, password: &str) -> (StatusCode, Value) {
    let r = app
        .http
        .post(format!("{}/api/auth/login/", app.base))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn doctor_email(app: &TestApp) -> (String, String) {
    let email = format!("owner-{}@clinic.test", app.iso.id);
    let r = app.post("/api/admin/doctors/", &app.admin, json!({ "full_name": "Dr Owner", "email": email, "password": "owner-pass-1" })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    (email, r.body["user"]["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_stranger_guessing_passwords_cannot_lock_the_owner_out() {
    let app = spawn_app_with(&[("TRUST_PROXY", "true")]).await;
    let (email, _) = doctor_email(&app).await;
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        last = login_from(&app, "198.51.100.66", &email, "wrong-guess-1").await.0;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "the guessing client is stopped");
    let started = Instant::now();
    let (status, body) = login_from(&app, "203.0.113.10", &email, "owner-pass-1").await;
    assert_eq!(status, StatusCode::OK, "the owner, at their own address, logs in: {body}");
    assert!(started.elapsed() < Duration::from_millis(1500), "without being slowed down: {:?}", started.elapsed());
    // A second failing client of the attacked account is slowed down, not refused.
    let started = Instant::now();
    login_from(&app, "198.51.100.77", &email, "wrong-guess-2").await;
    let (status, _) = login_from(&app, "198.51.100.77", &email, "wrong-guess-3").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(started.elapsed() >= Duration::from_millis(250), "failing clients wait: {:?}", started.elapsed());
    app.cleanup().await;
}

#[tokio::test]
async fn spoofed_forwarded_headers_do_not_escape_the_per_address_limit() {
    let app = spawn_app_with(&[("TRUST_PROXY", "true")]).await;
    let mut statuses = Vec::new();
    for i in 0..40 {
        // The client writes anything it likes on the left; the proxy appends the real address.
        let spoofed = format!("10.9.{}.{}, 192.0.2.44", i / 250, i % 250);
        let r = app
            .http
            .post(format!("{}/api/auth/login/", app.base))
            .header("x-forwarded-for", spoofed)
            .header("forwarded", format!("for=10.8.0.{i}"))
            .json(&json!({ "email": format!("nobody{i}@clinic.test"), "password": "wrong-pass-1" }))
            .send()
            .await
            .unwrap();
        statuses.push(r.status());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 10, "{statuses:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_password_change_route_has_the_login_limits() {
    let app = spawn_app_with(&[("TRUST_PROXY", "true")]).await;
    let (email, _) = doctor_email(&app).await;
    let token = app.login(&email, "owner-pass-1").await;
    let change = |old: &'static str| {
        app.http
            .patch(format!("{}/api/profile/password/", app.base))
            .bearer_auth(&token)
            .header("x-forwarded-for", "198.51.100.5")
            .json(&json!({ "old_password": old, "new_password": "brand-new-pass-1" }))
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(change("not-my-password").await.unwrap().status());
    }
    assert_eq!(statuses[..10].iter().filter(|s| **s == StatusCode::BAD_REQUEST).count(), 10, "{statuses:?}");
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS, "wrong current passwords count like wrong logins");
    let r = change("owner-pass-1").await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "this client stays refused for the window");
    assert!(r.headers().get("retry-after").is_some());
    app.cleanup().await;
}

async fn refresh(app: &TestApp, token: &str) -> StatusCode {
    app.call(Method::POST, "/api/auth/refresh/", None, Some(json!({ "refresh": token }))).await.status
}

#[tokio::test]
async fn changing_the_password_ends_every_earlier_session() {
    let app = spawn_app().await;
    let (email, _) = doctor_email(&app).await;
    let session = app.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": email, "password": "owner-pass-1" }))).await.body;
    let (access, stolen) = (session["access"].as_str().unwrap(), session["refresh"].as_str().unwrap());
    assert_eq!(refresh(&app, stolen).await, StatusCode::OK);
    let r = app.patch("/api/profile/password/", access, json!({ "old_password": "owner-pass-1", "new_password": "owner-pass-2" })).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(refresh(&app, stolen).await, StatusCode::UNAUTHORIZED, "the stolen refresh token is dead");
    assert_eq!(app.get("/api/profile/", access).await.status, StatusCode::UNAUTHORIZED, "so is the old access token");
    let fresh = r.body["access"].as_str().unwrap();
    assert_eq!(app.get("/api/profile/", fresh).await.status, StatusCode::OK, "the caller got a new session");
    assert_eq!(refresh(&app, r.body["refresh"].as_str().unwrap()).await, StatusCode::OK);
    app.cleanup().await;
}

#[tokio::test]
async fn disabling_a_doctor_ends_their_sessions_for_good_even_once_re_enabled() {
    let app = spawn_app().await;
    let (email, id) = doctor_email(&app).await;
    let session = app.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": email, "password": "owner-pass-1" }))).await.body;
    let (access, refresh_token) = (session["access"].as_str().unwrap().to_string(), session["refresh"].as_str().unwrap().to_string());
    for active in [false, true] {
        let r = app.patch(&format!("/api/admin/doctors/{id}/"), &app.admin, json!({ "is_active": active })).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
    }
    assert_eq!(app.get("/api/profile/", &access).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refresh(&app, &refresh_token).await, StatusCode::UNAUTHORIZED);
    assert!(!app.login(&email, "owner-pass-1").await.is_empty(), "a new login works");
    app.cleanup().await;
}

#[tokio::test]
async fn logging_out_everywhere_kills_every_token_of_the_account() {
    let app = spawn_app().await;
    let (email, _) = doctor_email(&app).await;
    let login = || app.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": email, "password": "owner-pass-1" })));
    let (phone, laptop) = (login().await.body, login().await.body);
    let r = app.call(Method::POST, "/api/auth/logout-all/", Some(phone["access"].as_str().unwrap()), None).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    for session in [&phone, &laptop] {
        assert_eq!(app.get("/api/profile/", session["access"].as_str().unwrap()).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(refresh(&app, session["refresh"].as_str().unwrap()).await, StatusCode::UNAUTHORIZED);
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_revoked_token_family_stays_revoked_as_long_as_any_of_its_tokens_lives() {
    let app = spawn_app_with(&[("ROTATE_REFRESH_TOKENS", "true"), ("REFRESH_TOKEN_TTL_DAYS", "7")]).await;
    let first = app.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": "admin@clinic.test", "password": "admin-pass-1" }))).await;
    let first = first.body["refresh"].as_str().unwrap().to_string();
    let second = app.call(Method::POST, "/api/auth/refresh/", None, Some(json!({ "refresh": first }))).await.body["refresh"].as_str().unwrap().to_string();
    assert_eq!(refresh(&app, &first).await, StatusCode::UNAUTHORIZED, "reuse detected");
    assert_eq!(refresh(&app, &second).await, StatusCode::UNAUTHORIZED, "the whole family is revoked");
    let db = app.state.store.db.collection::<mongodb::bson::Document>("revoked_tokens");
    let family = db.find_one(mongodb::bson::doc! { "reason": "reuse" }).await.unwrap().expect("family revocation");
    let expires = family.get_datetime("expires_at").unwrap().to_chrono();
    assert!(expires >= chrono::Utc::now() + chrono::Duration::days(7) - chrono::Duration::minutes(1), "it outlives the newest token: {expires}");
    app.cleanup().await;
}

#[tokio::test]
async fn out_of_range_dates_are_a_400_naming_the_field_never_a_500_or_a_dropped_connection() {
    let app = spawn_app().await;
    let (_, token) = app.doctor("Dr Dates").await;
    let patient = app.patient(&token, "Dina Dates").await;
    for when in ["9999-12-31T23:59:00", "+262142-12-31T00:00:00", "2026-02-30T10:00:00"] {
        let r = app.post("/api/appointments/", &token, json!({ "patientIdInput": patient, "appointmentDate": when })).await;
        assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("appointmentDate")), "{when}: {r:?}");
    }
    let far = (chrono::Utc::now() + chrono::Duration::days(400)).format("%Y-%m-%dT10:00:00").to_string();
    let r = app.post("/api/appointments/", &token, json!({ "patientIdInput": patient, "appointmentDate": far })).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("appointmentDate")), "beyond the booking horizon: {r:?}");
    for query in ["date=%2B262142-12-31", "date=9999-12-31", "from=0000-01-01", "to=2026-13-01", "date=", "from=%2B99999-01-01"] {
        let r = app.get(&format!("/api/appointments/?{query}"), &token).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {r:?}");
        assert!(r.body["error"].is_string());
    }
    let r = app.post("/api/predictions/predict/", &token, json!({ "age": 30, "gender": "F", "appointmentDate": "9999-12-31T23:59:00" })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(app.post("/api/appointments/", &token, json!({ "patientIdInput": patient, "appointmentDate": slot(2, "10:00") })).await.status, StatusCode::CREATED);
    app.cleanup().await;
}

#[tokio::test]
async fn admin_routes_check_the_role_before_the_body_and_every_refusal_is_json() {
    let app = spawn_app().await;
    let (_, doctor) = app.doctor("Dr Big").await;
    let huge = "x".repeat(300 * 1024);
    for path in ["/api/admin/doctors/", "/api/admin/models/train/", "/api/admin/data/ingest/"] {
        for (token, expected) in [(doctor.as_str(), StatusCode::FORBIDDEN), (app.admin.as_str(), StatusCode::PAYLOAD_TOO_LARGE)] {
            let r = app
                .http
                .post(format!("{}{path}", app.base))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(format!("{{\"full_name\": \"{huge}\"}}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), expected, "{path}");
            assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{path}");
            let body: Value = r.json().await.unwrap();
            assert!(body["error"].is_string(), "{path}: {body}");
        }
    }
    let r = app.http.patch(format!("{}/api/admin/doctors/x/", app.base)).bearer_auth(&doctor).body("not json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.cleanup().await;
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_set_and_name_only_the_active_model() {
    let app = spawn_app_with(&[("METRICS_TOKEN", "scrape-me-0123456789")]).await;
    let get = |token: Option<&str>| {
        let mut r = app.http.get(format!("{}/metrics", app.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    assert_eq!(get(None).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(get(Some("wrong")).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(get(Some(&app.admin)).await.unwrap().status(), StatusCode::UNAUTHORIZED, "a user's token is not the metrics token");
    let text = get(Some("scrape-me-0123456789")).await.unwrap().text().await.unwrap();
    assert!(text.contains("http_requests_total"));
    let active: Vec<&str> = text.lines().filter(|l| l.starts_with("model_info{") && l.ends_with(" 1")).collect();
    assert!(active.len() <= 1, "only the model in use is 1: {active:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn responses_carry_the_security_headers() {
    let app = spawn_app().await;
    let r = app.http.get(format!("{}/api/patients/", app.base)).bearer_auth(&app.admin).send().await.unwrap();
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert!(h["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let err = app.http.get(format!("{}/api/patients/", app.base)).send().await.unwrap();
    assert_eq!(err.headers()["x-content-type-options"], "nosniff", "errors too");
    app.cleanup().await;
}

#[tokio::test]
async fn a_burst_of_password_checks_beyond_the_hashing_queue_gets_a_json_503_with_retry_after() {
    let app = spawn_app_with(&[("TRUST_PROXY", "true"), ("PASSWORD_HASH_CONCURRENCY", "1"), ("PASSWORD_HASH_QUEUE", "1")]).await;
    let burst = (0..24).map(|i| {
        let (http, base) = (app.http.clone(), app.base.clone());
        async move {
            let r = http
                .post(format!("{base}/api/auth/login/"))
                .header("x-forwarded-for", format!("198.51.100.{}", 10 + i))
                .json(&json!({ "email": format!("burst{i}@clinic.test"), "password": "wrong-pass-1" }))
                .send()
                .await
                .unwrap();
            let retry_after = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(String::from);
            (r.status(), retry_after, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    });
    let replies = futures_util::future::join_all(burst).await;
    let refused: Vec<_> = replies.iter().filter(|(s, ..)| *s == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(!refused.is_empty(), "one hasher and one waiting place cannot take 24 at once: {replies:?}");
    for (_, retry_after, body) in &refused {
        assert!(retry_after.is_some(), "503 carries Retry-After");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "503 is the JSON error body: {body}");
    }
    assert!(
        replies.iter().all(|(s, ..)| *s == StatusCode::SERVICE_UNAVAILABLE || *s == StatusCode::BAD_REQUEST),
        "the rest are ordinary wrong-password answers: {replies:?}"
    );
    // The queue drains: the next check is answered normally.
    let (status, _) = login_from(&app, "198.51.100.200", "after@clinic.test", "wrong-pass-1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.cleanup().await;
}
