//! The real binaries' logs never contain patient data, contact details,
//! passwords, codes or tokens, whatever is sent, malformed variants included.

#![allow(clippy::unwrap_used)]

use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use std::time::Duration;
use testkit::process::{run_to_end, Running};
use testkit::{eventually, free_port, mailbox, Isolation};

const NAME: &str = "Zefirina Velasquez";
const PHONE: &str = "+55 27 98765-4321";
const PHONE_DIGITS: &str = "5527987654321";
const PATIENT_EMAIL: &str = "zefirina.velasquez@example.org";
const PASSWORD: &str = "Sup3r-Secret-Pass";
const NEIGHBOURHOOD: &str = "Jardim Zefirino";

struct Caller {
    http: Client,
    base: String,
}

impl Caller {
    async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<&str>) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b.to_string());
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn no_personal_data_password_code_or_token_reaches_either_process_log() {
    let iso = Isolation::new();
    let port = free_port();
    let mut env: Vec<(String, String)> = iso.env(port).into_iter().filter(|(k, _)| k != "RUST_LOG").collect();
    env.push(("LOG_FORMAT".into(), "json".into()));
    // The reminder scheduler runs every second, so the worker's e-mail path is exercised too.
    env.push(("REMINDER_TICK_SECONDS".into(), "1".into()));
    let admin_email = format!("admin-{}@clinic.test", iso.id);
    let (code, out, err) = run_to_end("api", &["create-admin", "--email", &admin_email, "--password", PASSWORD], &env);
    assert_eq!(code, 0, "{out}{err}");
    let dir = std::env::temp_dir().join(format!("hs-logs-{}", iso.id));
    std::fs::create_dir_all(&dir).unwrap();
    let (api_log, worker_log) = (dir.join("api.log"), dir.join("worker.log"));
    let api = Running::start_logged("api", &[], &env, &api_log);
    let worker = Running::start_logged("worker", &[], &env, &worker_log);
    let c = Caller { http: Client::new(), base: format!("http://127.0.0.1:{port}") };
    let up = eventually(Duration::from_secs(60), || async { c.http.get(format!("{}/health/health/", c.base)).send().await.ok() }).await;
    assert!(up.is_some());

    // Sign in, rightly and wrongly, and with the password where the e-mail goes.
    let login = format!(r#"{{"email": "{admin_email}", "password": "{PASSWORD}"}}"#);
    let (status, session) = c.send(Method::POST, "/api/auth/login/", None, Some(&login)).await;
    assert_eq!(status, StatusCode::OK);
    let (access, refresh) = (session["access"].as_str().unwrap().to_string(), session["refresh"].as_str().unwrap().to_string());
    let token = Some(access.as_str());
    for body in [
        format!(r#"{{"email": "{admin_email}", "password": "{PASSWORD}x"}}"#),
        format!(r#"{{"email": "{PASSWORD}", "password": 12345678}}"#),
        format!(r#"{{"email": "{PATIENT_EMAIL}", "password": "{PASSWORD}", "{NAME}": 1}}"#),
        format!(r#"{{"email": "{PATIENT_EMAIL}""#),
    ] {
        c.send(Method::POST, "/api/auth/login/", None, Some(&body)).await;
    }

    // A doctor onboarded by e-mailed code: the code travels through the worker and the sink only.
    let doctor_email = format!("dr-{}@clinic.test", iso.id);
    let body = format!(r#"{{"full_name": "Dr {NAME}", "email": "{doctor_email}"}}"#);
    let (status, created_doctor) = c.send(Method::POST, "/api/admin/doctors/", token, Some(&body)).await;
    assert_eq!(status, StatusCode::CREATED);
    let doctor_id = created_doctor["user"]["id"].as_str().unwrap().to_string();
    let maildir = iso.services.maildir.clone();
    let otp = eventually(Duration::from_secs(30), || {
        let (dir, to) = (maildir.clone(), doctor_email.clone());
        async move { mailbox::latest_code(&dir, &to) }
    })
    .await
    .expect("activation code");
    for body in [
        format!(r#"{{"email": "{doctor_email}", "otp": {otp}, "password": "{PASSWORD}"}}"#),
        format!(r#"{{"email": "{doctor_email}", "otp": "{otp}", "password": 1234}}"#),
        format!(r#"{{"email": "{doctor_email}", "otp": "{otp}", "password": "{PASSWORD}"}}"#),
    ] {
        c.send(Method::POST, "/api/auth/activate/", None, Some(&body)).await;
    }

    // A patient with contact details, found by name and phone, edited, booked, malformed variants.
    let patient = format!(
        r#"{{"fullName": "{NAME}", "age": 41, "gender": "F", "phone": "{PHONE}", "email": "{PATIENT_EMAIL}", "neighbourhood": "{NEIGHBOURHOOD}", "dateOfBirth": "1985-02-03"}}"#
    );
    let (status, created) = c.send(Method::POST, "/api/patients/", token, Some(&patient)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let name_q = NAME.replace(' ', "%20");
    for path in [
        format!("/api/patients/search/?q={name_q}"),
        format!("/api/patients/search/?q={PHONE_DIGITS}"),
        format!("/api/patients/search/?q={}", PATIENT_EMAIL.replace('@', "%40")),
        format!("/api/patients/?neighbourhood={}&page=x{name_q}", NEIGHBOURHOOD.replace(' ', "+")),
        format!("/api/appointments/search/?q={name_q}"),
        format!("/api/appointments/?q={name_q}&date={name_q}"),
        format!("/api/patients/{name_q}/"),
        format!("/api/patients/{id}/"),
    ] {
        c.send(Method::GET, &path, token, None).await;
    }
    for body in [
        format!(r#"{{"fullName": "{NAME} Junior", "phone": "{PHONE}"}}"#),
        format!(r#"{{"fullName": 123, "age": "{NAME}"}}"#),
        format!(r#"{{"email": "{PATIENT_EMAIL}", "phone": "{NAME}"}}"#),
        format!(r#"{{"{NAME}": "{PHONE}"}}"#),
    ] {
        c.send(Method::PATCH, &format!("/api/patients/{id}/"), token, Some(&body)).await;
    }
    c.send(Method::POST, "/api/patients/", token, Some(&patient)).await;
    c.send(Method::POST, "/api/patients/", token, Some(&format!(r#"{{"fullName": "{NAME}", "age": "{PHONE}", "gender": "{NAME}"}}"#))).await;
    let when = (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%dT10:00:00");
    let booking = format!(r#"{{"patientIdInput": "{id}", "appointmentDate": "{when}", "doctorId": "{NAME}", "reason": "{NAME} feels unwell"}}"#);
    c.send(Method::POST, "/api/appointments/", token, Some(&booking)).await;
    // Booked a few hours ahead, so its 24-hour reminder is due at once and the worker e-mails the patient.
    let soon = (chrono::Utc::now() + chrono::Duration::hours(3)).format("%Y-%m-%dT%H:00:00");
    let booking = format!(r#"{{"patientIdInput": "{id}", "appointmentDate": "{soon}", "doctorId": "{doctor_id}", "reason": "{NAME} feels unwell"}}"#);
    let (status, appointment) = c.send(Method::POST, "/api/appointments/", token, Some(&booking)).await;
    assert_eq!(status, StatusCode::CREATED, "{appointment}");
    let aid = appointment["id"].as_str().unwrap().to_string();
    for (method, path, body) in [
        (Method::POST, format!("/api/appointments/{aid}/contacts/"), Some(format!(r#"{{"channel": "phone", "result": "reached", "note": "spoke to {NAME} at {PHONE}"}}"#))),
        (Method::POST, format!("/api/appointments/{aid}/contacts/"), Some(format!(r#"{{"channel": "{NAME}", "result": "{PHONE}"}}"#))),
        (Method::PATCH, format!("/api/appointments/{aid}/"), Some(r#"{"showedUp": true, "wasLate": false}"#.to_string())),
        (Method::POST, format!("/api/appointments/{aid}/correct-outcome/"), Some(format!(r#"{{"showedUp": false, "reason": "{NAME} called {PHONE}"}}"#))),
        (Method::GET, format!("/api/admin/doctors/all/?q={name_q}"), None),
        (Method::PATCH, format!("/api/admin/doctors/{doctor_id}/"), Some(format!(r#"{{"full_name": "Dr {NAME}", "email": "{PATIENT_EMAIL}"}}"#))),
        (Method::PATCH, format!("/api/admin/doctors/{doctor_id}/"), Some(format!(r#"{{"is_active": "{NAME}"}}"#))),
        (Method::POST, format!("/api/admin/doctors/{doctor_id}/resend-otp/"), None),
        (Method::GET, format!("/api/outreach/?date={name_q}"), None),
        (Method::GET, "/api/outreach/".to_string(), None),
        (Method::GET, format!("/api/admin/events/?actor={name_q}"), None),
        (Method::GET, format!("/api/appointments/{aid}/events/"), None),
        (Method::GET, format!("/api/analytics/capacity/?from={name_q}&doctorId={PHONE_DIGITS}"), None),
    ] {
        c.send(method, &path, token, body.as_deref()).await;
    }
    let reminded = eventually(Duration::from_secs(30), || {
        let dir = maildir.clone();
        async move { (mailbox::count_to(&dir, PATIENT_EMAIL) >= 1).then_some(()) }
    })
    .await;
    assert!(reminded.is_some(), "the worker e-mailed the reminder (its path is logged too)");
    c.send(Method::POST, "/api/appointments/", token, Some(&format!(r#"{{"patientIdInput": "{NAME}", "appointmentDate": "{NAME}"}}"#))).await;
    c.send(Method::POST, "/api/predictions/predict/", token, Some(&format!(r#"{{"age": "{NAME}", "gender": "F", "appointmentDate": "{PHONE}"}}"#))).await;
    let change = format!(r#"{{"old_password": "{PASSWORD}", "new_password": "{PASSWORD}-2"}}"#);
    c.send(Method::PATCH, "/api/profile/password/", token, Some(&change)).await;
    c.send(Method::POST, "/api/auth/refresh/", None, Some(&format!(r#"{{"refresh": "{refresh}"}}"#))).await;
    c.send(Method::POST, "/api/auth/logout/", None, Some(&format!(r#"{{"refresh": "{refresh}"}}"#))).await;
    c.send(Method::GET, "/api/profile/", Some(&refresh), None).await;

    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(api.terminate(), Some(0));
    assert_eq!(worker.terminate(), Some(0));
    let logs = [std::fs::read_to_string(&api_log).unwrap(), std::fs::read_to_string(&worker_log).unwrap()];
    assert!(logs[0].contains("HTTP request") || logs[0].contains("api listening"), "the API did log: {}", &logs[0][..logs[0].len().min(400)]);
    let secrets = [NAME, "Zefirina", "Velasquez", PHONE, PHONE_DIGITS, "98765", PATIENT_EMAIL, "zefirina.velasquez", NEIGHBOURHOOD, PASSWORD, &otp, &access, &refresh, &doctor_email, &admin_email];
    for (which, log) in ["api", "worker"].iter().zip(&logs) {
        let lower = log.to_lowercase();
        for secret in secrets {
            assert!(!lower.contains(&secret.to_lowercase()), "{which} log contains {secret:?}");
        }
        assert!(!log.contains("?q=") && !log.contains("http.target"), "{which} log has a query string");
    }
    iso.cleanup().await;
    let _ = std::fs::remove_dir_all(&dir);
}
