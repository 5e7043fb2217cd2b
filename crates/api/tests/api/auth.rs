//! Authentication and roles on the routes.

use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn wrong_credentials_get_the_same_400_whether_or_not_the_email_exists() {
    let app = spawn_app().await;
    let unknown = app.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": "nobody@clinic.test", "password": "x-pass-123" }))).await;
    let wrong = app.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": "admin@clinic.test", "password": "x-pass-123" }))).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.body, wrong.body);
    assert_eq!(unknown.body["error"], "Invalid email or password.");
    app.cleanup().await;
}

#[tokio::test]
async fn login_trims_and_lowercases_the_email_and_ignores_a_stale_bearer() {
    let app = spawn_app().await;
    let r = app.call(Method::POST, "/api/auth/login/", Some("stale.token"), Some(json!({ "email": "  ADMIN@clinic.test ", "password": "admin-pass-1" }))).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["user"]["role"], "ADMIN");
    assert!(r.body["user"]["full_name"].is_string());
    assert_eq!(r.body["user"]["force_password_change"], false);
    app.cleanup().await;
}

#[tokio::test]
async fn missing_invalid_and_forged_tokens_are_401_with_a_json_error() {
    let app = spawn_app().await;
    for token in [None, Some("garbage"), Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad")] {
        let r = app.call(Method::GET, "/api/patients/", token, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
        assert!(r.body["error"].is_string());
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_refresh_token_is_not_accepted_as_an_access_token() {
    let app = spawn_app().await;
    let r = app.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": "admin@clinic.test", "password": "admin-pass-1" }))).await;
    let refresh = r.body["refresh"].as_str().unwrap();
    assert_eq!(app.get("/api/patients/", refresh).await.status, StatusCode::UNAUTHORIZED);
    app.cleanup().await;
}

#[tokio::test]
async fn disabling_a_doctor_kills_their_tokens_at_once_and_blocks_login() {
    let app = spawn_app().await;
    let (id, token) = app.doctor("Dr Gone").await;
    assert_eq!(app.get("/api/patients/", &token).await.status, StatusCode::OK);
    let r = app.patch(&format!("/api/admin/doctors/{id}/"), &app.admin, json!({ "is_active": false })).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["isActive"], false);
    assert_eq!(app.get("/api/patients/", &token).await.status, StatusCode::UNAUTHORIZED);
    let email = r.body["email"].as_str().unwrap();
    let login = app.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": email, "password": "doctor-pass-1" }))).await;
    assert_eq!(login.status, StatusCode::FORBIDDEN);
    app.cleanup().await;
}

#[tokio::test]
async fn is_active_must_be_a_json_boolean() {
    let app = spawn_app().await;
    let (id, _) = app.doctor("Dr Str").await;
    let r = app.patch(&format!("/api/admin/doctors/{id}/"), &app.admin, json!({ "is_active": "false" })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn doctors_are_refused_every_admin_route_with_403() {
    let app = spawn_app().await;
    let (id, token) = app.doctor("Dr Plain").await;
    let routes = [
        (Method::GET, "/api/admin/doctors/all/".to_string()),
        (Method::POST, "/api/admin/doctors/".to_string()),
        (Method::PATCH, format!("/api/admin/doctors/{id}/")),
        (Method::POST, format!("/api/admin/doctors/{id}/resend-otp/")),
        (Method::GET, format!("/api/appointments/doctor/{id}/")),
        (Method::POST, "/api/admin/models/train/".to_string()),
        (Method::GET, "/api/admin/models/".to_string()),
        (Method::POST, "/api/admin/data/ingest/".to_string()),
    ];
    for (method, path) in routes {
        // The role is checked before the body is read: an empty or bodiless call is 403 too.
        for body in [Some(json!({})), None] {
            let r = app.call(method.clone(), &path, Some(&token), body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}: {r:?}");
        }
    }
    app.cleanup().await;
}

#[tokio::test]
async fn creating_a_doctor_needs_a_name_and_a_valid_unique_email() {
    let app = spawn_app().await;
    let r = app.post("/api/admin/doctors/", &app.admin, json!({ "email": "x@clinic.test" })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    let r = app.post("/api/admin/doctors/", &app.admin, json!({ "full_name": "X", "email": "not-an-email" })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    app.doctor("Dr Twice").await;
    let email = format!("dr.twice-{}@clinic.test", app.iso.id);
    let r = app.post("/api/admin/doctors/", &app.admin, json!({ "full_name": "Dr Twice", "email": email.to_uppercase(), "password": "doctor-pass-1" })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_doctor_list_is_a_bare_array_filterable_by_name_and_activity() {
    let app = spawn_app().await;
    app.doctor("Dr Alpha").await;
    let r = app.post("/api/admin/doctors/", &app.admin, json!({ "full_name": "Dr Beta", "email": format!("beta-{}@clinic.test", app.iso.id) })).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let all = app.get("/api/admin/doctors/all/", &app.admin).await;
    assert_eq!(all.body.as_array().unwrap().len(), 2);
    let active = app.get("/api/admin/doctors/all/?active_only=true", &app.admin).await;
    assert_eq!(active.body.as_array().unwrap().len(), 1);
    let named = app.get("/api/admin/doctors/all/?q=bet", &app.admin).await;
    assert_eq!(named.body[0]["fullName"], "Dr Beta");
    app.cleanup().await;
}

#[tokio::test]
async fn health_reports_database_redis_and_model_without_auth() {
    let app = spawn_app().await;
    for path in ["/health/health/", "/api/health/"] {
        let r = app.call(Method::GET, path, None, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["database"], "ok");
        assert_eq!(r.body["redis"], "ok");
        assert_eq!(r.body["model"]["status"], "none");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn malformed_json_wrong_types_and_huge_bodies_are_4xx_json() {
    let app = spawn_app().await;
    let raw = app
        .http
        .post(format!("{}/api/patients/", app.base))
        .bearer_auth(&app.admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    assert!(raw.json::<serde_json::Value>().await.unwrap()["error"].is_string());
    let huge = json!({ "fullName": "x".repeat(100_000), "age": 3, "gender": "F" });
    assert_eq!(app.post("/api/patients/", &app.admin, huge).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    let unknown = app.post("/api/patients/", &app.admin, json!({ "fullName": "A", "age": 3, "gender": "F", "hacker": 1 })).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let r = app.get("/api/nope/", &app.admin).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body["error"].is_string());
    app.cleanup().await;
}

mod activation {
    use crate::helpers::{spawn_app, TestApp};
    use reqwest::{Method, StatusCode};
    use serde_json::json;

    /// A pending doctor whose current code is known (set as the worker would).
    async fn pending(app: &TestApp, code: &str, expires_in_minutes: i64) -> (String, String) {
        let email = format!("pending-{}@clinic.test", app.iso.id);
        let r = app.post("/api/admin/doctors/", &app.admin, json!({ "full_name": "Dr Pending", "email": email })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let id = r.body["user"]["id"].as_str().unwrap().to_string();
        let digest = app.state.otp.digest(&id, code);
        let expires = chrono::Utc::now() + chrono::Duration::minutes(expires_in_minutes);
        app.state.store.put_otp(&id, &digest, expires).await.unwrap();
        (id, email)
    }

    async fn activate(app: &TestApp, email: &str, otp: &str) -> crate::helpers::Reply {
        app.call(Method::POST, "/api/auth/activate/", None, Some(json!({ "email": email, "otp": otp, "password": "new-pass-123" }))).await
    }

    #[tokio::test]
    async fn after_five_wrong_codes_even_the_right_one_is_refused() {
        let app = spawn_app().await;
        let (_, email) = pending(&app, "123456", 10).await;
        for _ in 0..5 {
            assert_eq!(activate(&app, &email, "654321").await.status, StatusCode::BAD_REQUEST);
        }
        let r = activate(&app, &email, "123456").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body["error"].as_str().unwrap().contains("Ask for a new one"), "{r:?}");
        app.cleanup().await;
    }

    #[tokio::test]
    async fn an_expired_code_is_refused() {
        let app = spawn_app().await;
        let (_, email) = pending(&app, "123456", -1).await;
        assert_eq!(activate(&app, &email, "123456").await.status, StatusCode::BAD_REQUEST);
        app.cleanup().await;
    }

    #[tokio::test]
    async fn unknown_emails_malformed_codes_and_weak_passwords_are_400() {
        let app = spawn_app().await;
        let (_, email) = pending(&app, "123456", 10).await;
        assert_eq!(activate(&app, "nobody@clinic.test", "123456").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(activate(&app, &email, "12ab").await.status, StatusCode::BAD_REQUEST);
        let weak = app.call(Method::POST, "/api/auth/activate/", None, Some(json!({ "email": email, "otp": "123456", "password": "short" }))).await;
        assert_eq!(weak.status, StatusCode::BAD_REQUEST);
        assert_eq!(weak.body["field"], "password");
        assert_eq!(activate(&app, &email, "123456").await.status, StatusCode::OK, "the code survived the refusals above");
        app.cleanup().await;
    }

    #[tokio::test]
    async fn resending_is_for_pending_doctors_only_and_replaces_the_code() {
        let app = spawn_app().await;
        let (id, email) = pending(&app, "123456", 10).await;
        let r = app.post(&format!("/api/admin/doctors/{id}/resend-otp/"), &app.admin, json!({})).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{r:?}");
        assert_eq!(activate(&app, &email, "123456").await.status, StatusCode::OK);
        let r = app.post(&format!("/api/admin/doctors/{id}/resend-otp/"), &app.admin, json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "already active");
        let r = app.post("/api/admin/doctors/ffffffffffffffffffffffff/resend-otp/", &app.admin, json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        app.cleanup().await;
    }

    #[tokio::test]
    async fn enabling_a_doctor_who_never_activated_is_refused() {
        let app = spawn_app().await;
        let (id, _) = pending(&app, "123456", 10).await;
        let r = app.patch(&format!("/api/admin/doctors/{id}/"), &app.admin, json!({ "is_active": true })).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_user_reads_renames_and_changes_their_own_password() {
    let app = spawn_app().await;
    let (_, token) = app.doctor("Dr Self").await;
    let me = app.get("/api/profile/", &token).await;
    assert_eq!(me.body["full_name"], "Dr Self");
    let renamed = app.patch("/api/profile/", &token, json!({ "full_name": "Dr Self Renamed" })).await;
    assert_eq!(renamed.body["full_name"], "Dr Self Renamed");
    let wrong = app.patch("/api/profile/password/", &token, json!({ "old_password": "nope-nope", "new_password": "brand-new-pass" })).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let weak = app.patch("/api/profile/password/", &token, json!({ "old_password": "doctor-pass-1", "new_password": "short" })).await;
    assert_eq!(weak.body["field"], "new_password");
    let ok = app.patch("/api/profile/password/", &token, json!({ "old_password": "doctor-pass-1", "new_password": "brand-new-pass" })).await;
    assert_eq!(ok.status, StatusCode::OK, "{ok:?}");
    let email = me.body["email"].as_str().unwrap();
    app.login(email, "brand-new-pass").await;
    app.cleanup().await;
}
