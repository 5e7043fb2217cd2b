//! `spawn_app()`: the real application on a random port with its own database,
//! plus users and request helpers.

use api::startup::Application;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use domain::clock::ManualClock;
use std::sync::Arc;
use testkit::Isolation;

pub struct TestApp {
    pub base: String,
    pub http: Client,
    pub iso: Isolation,
    pub state: actix_web::web::Data<api::state::AppState>,
    pub admin: String,
    /// The application's clock: starts at the real time, moves only when told.
    pub clock: Arc<ManualClock>,
    /// Settings given on top of the isolation's (the in-process worker gets them too).
    pub extra: Vec<(String, String)>,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Settings for this test's namespace; `DATA_DIR` is the project's `data/`.
pub fn test_settings(iso: &Isolation, extra: &[(&str, &str)]) -> settings::Settings {
    let mut vars: HashMap<String, String> = iso.env(0).into_iter().collect();
    vars.insert("DATA_DIR".into(), concat!(env!("CARGO_MANIFEST_DIR"), "/../../data").into());
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    settings::Settings::from_lookup(&move |name| vars.get(name).cloned()).unwrap()
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    // Warnings (a worker retrying, a relay failing) are printed with a failing test's output.
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
    let iso = Isolation::new();
    let settings = test_settings(&iso, extra);
    let clock = ManualClock::at(chrono::Utc::now());
    let app = Application::build_with_clock(settings, clock.clone()).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    api::cli::create_admin(&state.store, "admin@clinic.test", "admin-pass-1", "Ada Admin").await.unwrap();
    let extra = extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let mut app = TestApp { base, http: Client::new(), iso, state, admin: String::new(), clock, extra };
    app.admin = app.login("admin@clinic.test", "admin-pass-1").await;
    app
}

impl TestApp {
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": email, "password": password }))).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        r.body["access"].as_str().unwrap().to_string()
    }

    /// Creates an active doctor (the frontend's form, with a password) and logs in.
    pub async fn doctor(&self, name: &str) -> (String, String) {
        let email = format!("{}-{}@clinic.test", name.to_lowercase().replace(' ', "."), self.iso.id);
        let r = self.post("/api/admin/doctors/", &self.admin, json!({ "full_name": name, "email": email, "password": "doctor-pass-1" })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let id = r.body["user"]["id"].as_str().unwrap().to_string();
        (id, self.login(&email, "doctor-pass-1").await)
    }

    pub async fn patient(&self, token: &str, name: &str) -> String {
        let r = self.post("/api/patients/", token, json!({ "fullName": name, "age": 40, "gender": "F" })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        r.body["id"].as_str().unwrap().to_string()
    }

    pub async fn cleanup(self) {
        self.iso.cleanup().await;
    }
}

impl TestApp {
    /// Moves the application's clock forward (e.g. past an appointment's start).
    pub fn advance(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }

    /// This test's artifacts directory.
    pub fn iso_artifacts(&self) -> std::path::PathBuf {
        self.state.settings.artifacts_dir.clone()
    }

    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use domain::clock::Clock;
        self.clock.now()
    }
}

/// A future clinic-time slot `days` ahead at `hh:mm`, as the frontend sends it.
pub fn slot(days: i64, hh_mm: &str) -> String {
    let day = chrono::Utc::now().date_naive() + chrono::Duration::days(days);
    format!("{day}T{hh_mm}:00")
}

impl TestApp {
    /// Runs the worker in this process (same namespace) until the returned sender is dropped.
    pub fn start_worker(&self) -> tokio::sync::oneshot::Sender<()> {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let extra: Vec<(&str, &str)> = self.extra.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let settings = test_settings(&self.iso, &extra);
        let clock = self.clock.clone();
        tokio::spawn(async move {
            let stop = async move {
                let _ = rx.await;
                Ok(())
            };
            if let Err(err) = worker::run_with_clock(settings, clock, stop).await {
                panic!("the in-process worker stopped: {err:#}");
            }
        });
        tx
    }

    /// Polls a job until it has finished; returns its final record.
    pub async fn wait_for_job(&self, id: &str) -> Value {
        testkit::eventually(std::time::Duration::from_secs(120), || async {
            let r = self.get(&format!("/api/admin/models/jobs/{id}/"), &self.admin).await;
            matches!(r.body["state"].as_str(), Some("succeeded" | "failed")).then_some(r.body)
        })
        .await
        .expect("job finished")
    }
}

/// An imported history row for `patient` (a 19-to-40-year-old woman in CENTRO, no conditions).
pub fn history_row(key: String, patient: &str, day: String, booked_at: &str, no_show: bool, age: u8, sms_received: bool) -> storage::history::HistoryRow {
    storage::history::HistoryRow {
        key,
        patient_id: patient.to_string(),
        appointment_day: day,
        booked_at: booked_at.into(),
        no_show,
        age,
        female: true,
        neighbourhood: "CENTRO".into(),
        scholarship: false,
        hypertension: false,
        diabetes: false,
        alcoholism: false,
        handicap: 0,
        sms_received,
    }
}
