//! End to end: the real `api` and `worker` binaries against SecantusDB, Redis
//! and the SMTP sink, walking doctor onboarding and the token life cycle.

#![allow(clippy::unwrap_used)]

use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use testkit::mailbox;
use testkit::process::{run_to_end, Running};
use testkit::stack::Stack;
use testkit::{free_port, Isolation};

#[tokio::test]
async fn a_doctor_is_onboarded_by_emailed_code_and_tokens_follow_their_life_cycle() {
    let metrics_port = free_port().to_string();
    let stack = Stack::start(&[("WORKER_METRICS_PORT", metrics_port.as_str())]).await;
    let admin = stack.admin_token().await;
    let email = stack.doctor_email();

    let (status, created) = stack.post("/api/admin/doctors/", Some(&admin), json!({ "full_name": "Dr Ana Lima", "email": email.to_uppercase() })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["user"]["status"], "pending");
    assert_eq!(created["user"]["isActive"], false);
    assert_eq!(created["user"]["email"], email.as_str());

    let (status, dup) = stack.post("/api/admin/doctors/", Some(&admin), json!({ "full_name": "Again", "email": email })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(dup["error"].as_str().unwrap().contains("already exists"));

    let code = stack.wait_for_code(&email).await.expect("activation e-mail arrives at the sink");
    let worker_metrics = stack.http.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(worker_metrics.contains("worker_jobs_total"), "{worker_metrics}");
    let (status, _) = stack.login(&email, "whatever-pass").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a pending doctor has no password yet");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, body) = stack.post("/api/auth/activate/", None, json!({ "email": email, "otp": wrong, "password": "doctor-pass-1" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("4 attempt"));

    let (status, body) = stack.post("/api/auth/activate/", None, json!({ "email": email, "otp": code, "password": "doctor-pass-1" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = stack.post("/api/auth/activate/", None, json!({ "email": email, "otp": code, "password": "doctor-pass-2" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a code works once");

    let (status, session) = stack.login(&email, "doctor-pass-1").await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_eq!(session["user"]["role"], "DOCTOR");
    assert_eq!(session["user"]["full_name"], "Dr Ana Lima");
    let access = session["access"].as_str().unwrap();
    let refresh = session["refresh"].as_str().unwrap();

    let (status, body) = stack.get("/api/admin/doctors/all/", access).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = stack.get("/api/patients/", access).await;
    assert_eq!(status, StatusCode::OK);

    // Two concurrent refreshes with one token both succeed (the dashboard does this).
    let (a, b) = tokio::join!(
        stack.post("/api/auth/refresh/", None, json!({ "refresh": refresh })),
        stack.post("/api/auth/refresh/", None, json!({ "refresh": refresh }))
    );
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK));
    let new_access = a.1["access"].as_str().unwrap();
    assert_eq!(stack.get("/api/patients/", new_access).await.0, StatusCode::OK);

    let (status, _) = stack.post("/api/auth/logout/", Some(new_access), json!({ "refresh": refresh })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = stack.post("/api/auth/refresh/", None, json!({ "refresh": refresh })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["error"].is_string());

    stack.iso.cleanup().await;
}

#[tokio::test]
async fn with_rotation_on_a_reused_refresh_token_revokes_its_family() {
    let stack = Stack::start(&[("ROTATE_REFRESH_TOKENS", "true")]).await;
    let (_, session) = stack.login("admin@clinic.test", "admin-pass-1").await;
    let first = session["refresh"].as_str().unwrap().to_string();

    let (status, rotated) = stack.post("/api/auth/refresh/", None, json!({ "refresh": first })).await;
    assert_eq!(status, StatusCode::OK);
    let second = rotated["refresh"].as_str().expect("a rotated refresh token").to_string();
    assert_ne!(first, second);

    let (status, _) = stack.post("/api/auth/refresh/", None, json!({ "refresh": first })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a spent token is refused");
    let (status, _) = stack.post("/api/auth/refresh/", None, json!({ "refresh": second })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "reuse revoked the whole family");
    stack.iso.cleanup().await;
}

#[tokio::test]
async fn an_otp_email_survives_an_smtp_outage_and_a_worker_restart() {
    let closed = free_port();
    let mut stack = Stack::start(&[]).await;
    // Replace the worker by one pointed at a dead SMTP server.
    stack.worker.take().unwrap().terminate();
    let mut dead_env = stack.env.clone();
    dead_env.retain(|(k, _)| k != "SMTP_URL");
    dead_env.push(("SMTP_URL".into(), format!("smtp://127.0.0.1:{closed}")));
    let failing = Running::start("worker", &[], &dead_env);

    let admin = stack.admin_token().await;
    let email = stack.doctor_email();
    let (status, _) = stack.post("/api/admin/doctors/", Some(&admin), json!({ "full_name": "Dr Outage", "email": email })).await;
    assert_eq!(status, StatusCode::CREATED);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(mailbox::count_to(&stack.iso.services.maildir, &email), 0);

    // SIGTERM: the retrying job goes back to the queue, not lost.
    assert_eq!(failing.terminate(), Some(0));
    stack.worker = Some(Running::start("worker", &[], &stack.env));
    assert!(stack.wait_for_code(&email).await.is_some(), "the e-mail is delivered once SMTP is back");
    stack.iso.cleanup().await;
}

#[tokio::test]
async fn the_api_refuses_to_start_without_a_required_setting_and_says_which() {
    let iso = Isolation::new();
    let env: Vec<_> = iso.env(free_port()).into_iter().filter(|(k, _)| k != "SECRET_KEY").collect();
    let (code, _, err) = run_to_end("api", &[], &env);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "configuration error: SECRET_KEY is required but not set");
    let env: Vec<_> = iso.env(free_port()).into_iter().filter(|(k, _)| k != "SMTP_URL").collect();
    let (code, _, err) = run_to_end("worker", &[], &env);
    assert_eq!(code, 2);
    assert!(err.contains("SMTP_URL"));
}

#[tokio::test]
async fn create_admin_is_idempotent() {
    let iso = Isolation::new();
    let env = iso.env(free_port());
    let args = ["create-admin", "--email", "boss@clinic.test", "--password", "boss-pass-1"];
    let (code, out, _) = run_to_end("api", &args, &env);
    assert_eq!(code, 0);
    assert!(out.contains("created"));
    let (code, out, _) = run_to_end("api", &args, &env);
    assert_eq!(code, 0);
    assert!(out.contains("already exists"), "{out}");
    iso.cleanup().await;
}

#[tokio::test]
async fn sigterm_stops_the_api_and_worker_cleanly() {
    let mut stack = Stack::start(&[]).await;
    assert_eq!(stack.worker.take().unwrap().terminate(), Some(0));
    assert_eq!(stack.api.take().unwrap().terminate(), Some(0));
    stack.iso.cleanup().await;
}

#[tokio::test]
async fn sigterm_lets_in_flight_requests_finish() {
    let mut stack = Stack::start(&[]).await;
    let requests: Vec<_> = (0..8)
        .map(|_| {
            let (http, url) = (stack.http.clone(), format!("{}/api/auth/login/", stack.base));
            tokio::spawn(async move { http.post(url).json(&json!({ "email": "admin@clinic.test", "password": "admin-pass-1" })).send().await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let api = stack.api.take().unwrap();
    let stopped = tokio::task::spawn_blocking(move || api.terminate());
    for request in requests {
        let response = request.await.unwrap().expect("an in-flight request is answered, not dropped");
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(stopped.await.unwrap(), Some(0));
    stack.iso.cleanup().await;
}
