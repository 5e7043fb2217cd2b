//! The application under test, in this process: the release build of the
//! real `Application` on a random loopback port, with its settings from a
//! lookup (as the tests do). Then the accounts the benchmark signs in with
//! (an admin, doctors created through the API) and an active no-show model
//! trained on the project's sample CSV, so bookings make real predictions
//! (and read the patient's past, as in production).

use crate::config::Config;
use crate::http::Http;
use anyhow::Context;
use api::startup::Application;
use api::state::AppState;
use mongodb::bson::{oid::ObjectId, Document};
use reqwest::Method;
use serde_json::json;
use std::collections::HashMap;

pub const PASSWORD: &str = "bench-pass-12345";

#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub oid: ObjectId,
    pub email: String,
    pub token: String,
}

pub struct App {
    pub state: actix_web::web::Data<AppState>,
    pub http: Http,
    pub database: String,
    pub admin: Account,
    pub doctors: Vec<Account>,
    pub model_version: String,
}

fn settings(cfg: &Config) -> anyhow::Result<settings::Settings> {
    let pid = std::process::id();
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("MONGO_URI".into(), cfg.mongo_uri.clone());
    vars.insert("REDIS_URL".into(), cfg.redis_url.clone());
    vars.insert("REDIS_PREFIX".into(), cfg.redis_prefix.clone());
    vars.insert("SECRET_KEY".into(), format!("bench-secret-{pid}-{}", ObjectId::new().to_hex()));
    vars.insert("HOST".into(), "127.0.0.1".into());
    vars.insert("PORT".into(), "0".into());
    vars.insert("CLINIC_UTC_OFFSET".into(), cfg.clinic_offset.into());
    vars.insert("SLOT_MINUTES".into(), cfg.slot_minutes.to_string());
    // Login is limited to 30 a minute per address: each benchmark login comes from its own X-Forwarded-For.
    vars.insert("TRUST_PROXY".into(), "true".into());
    vars.insert("PASSWORD_HASH_CONCURRENCY".into(), cfg.hash_concurrency.to_string());
    vars.insert("ARTIFACTS_DIR".into(), std::env::temp_dir().join(format!("hs-bench-artifacts-{pid}")).display().to_string());
    vars.insert("DATA_DIR".into(), data_dir());
    Ok(settings::Settings::from_lookup(&move |name| vars.get(name).cloned())?)
}

fn data_dir() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../data").into()
}

async fn account(state: &AppState, email: &str, token: String) -> anyhow::Result<Account> {
    let user = state.store.find_user_by_email(email).await?.with_context(|| format!("{email} missing"))?;
    Ok(Account { oid: ObjectId::parse_str(&user.id)?, id: user.id, email: email.into(), token })
}

impl App {
    pub async fn start(cfg: &Config) -> anyhow::Result<Self> {
        let settings = settings(cfg)?;
        let database = settings.mongo.database.clone();
        let app = Application::build(settings).await?;
        let state = app.state();
        let http = Http::new(format!("http://127.0.0.1:{}", app.port()))?;
        tokio::spawn(app.run_until_stopped());
        let existing = state.store.db.collection::<Document>("patients").estimated_document_count().await?;
        anyhow::ensure!(existing == 0, "database {database:?} already holds {existing} patients: the benchmark needs an empty one");

        let admin_email = "bench-admin@clinic.test";
        api::cli::create_admin(&state.store, admin_email, PASSWORD, "Bench Admin").await?;
        let admin = account(&state, admin_email, http.login(admin_email, PASSWORD).await?).await?;

        eprintln!("training the no-show model on data/noshow-sample.csv");
        let csv = std::path::Path::new(&data_dir()).join("noshow-sample.csv");
        api::cli::ingest(&state.store, &csv).await?;
        let trained = api::cli::train(&state.store, &state.settings.artifacts_dir, true).await?;
        state.model.refresh(&state.store).await?;
        let model_version = state.model.version().context("no active model after training")?;
        anyhow::ensure!(trained["version"] == json!(model_version), "trained {} but {model_version} is active", trained["version"]);

        eprintln!("creating {} doctors over HTTP", cfg.doctors);
        let mut doctors = Vec::new();
        for i in 0..cfg.doctors {
            let names = crate::seed::names::DOCTOR_NAMES;
            let email = format!("doctor{}@clinic.test", i + 1);
            let body = json!({ "full_name": names[i % names.len()], "email": email, "password": PASSWORD });
            http.json(Method::POST, "/api/admin/doctors/", Some(&admin.token), Some(&body)).await?;
            let token = http.login(&email, PASSWORD).await?;
            doctors.push(account(&state, &email, token).await?);
        }
        Ok(Self { state, http, database, admin, doctors, model_version })
    }

    /// Removes the artifacts written by training (the database and Redis keys go with the script's clean-up).
    pub fn cleanup(&self) {
        let _ = std::fs::remove_dir_all(&self.state.settings.artifacts_dir);
    }
}
