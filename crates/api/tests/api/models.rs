//! The ML life cycle through the API and a real worker: ingestion, training,
//! versioned models, switching, prediction at booking.

use crate::helpers::{slot, spawn_app, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn ingest_sample(app: &TestApp) -> Value {
    let r = app.post("/api/admin/data/ingest/", &app.admin, json!({ "file": "noshow-sample.csv" })).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{r:?}");
    app.wait_for_job(r.body["jobId"].as_str().unwrap()).await
}

async fn train(app: &TestApp, force: bool) -> Value {
    let r = app.post("/api/admin/models/train/", &app.admin, json!({ "force": force })).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{r:?}");
    let job = app.wait_for_job(r.body["jobId"].as_str().unwrap()).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    job["result"].clone()
}

#[tokio::test]
async fn the_worker_ingests_trains_and_the_api_predicts_at_booking() {
    let app = spawn_app().await;
    let _worker = app.start_worker();

    let job = ingest_sample(&app).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let report = &job["result"]["report"];
    assert_eq!(report["rows_read"], 3001);
    assert_eq!(report["accepted"], 2995);
    assert_eq!(report["dropped"]["appointment_before_booking"], 5);
    assert_eq!(job["result"]["inserted"], 2995);

    let again = ingest_sample(&app).await;
    assert_eq!(again["result"]["inserted"], 0, "re-ingesting the same file adds nothing");
    assert_eq!(again["result"]["already_present"], 2995);
    // Finished tasks' data can be swept from Redis (the worker does it hourly for day-old ones).
    assert!(worker::vacuum::sweep(&app.state.queues, std::time::Duration::ZERO).await >= 2);

    // Booking before any model: still created, prediction null.
    let (_, doctor) = app.doctor("Dr Model").await;
    let patient = app.patient(&doctor, "Rita Model").await;
    let r = app.post("/api/appointments/", &doctor, json!({ "patientIdInput": patient, "appointmentDate": slot(3, "09:00"), "smsReceived": true })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    assert!(r.body["prediction"].is_null());
    let r = app.post("/api/predictions/predict/", &doctor, json!({ "age": 30, "gender": "F", "smsReceived": 1, "attendanceScore": 75, "appointmentDate": "2030-03-01T22:00:00.000Z" })).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{r:?}");

    let first = train(&app, false).await;
    assert_eq!(first["activated"], true, "{first}");
    let v1 = first["version"].as_str().unwrap().to_string();
    assert!(first["evaluation"]["auc"].as_f64().unwrap() > 0.6, "{first}");
    assert!(std::path::Path::new(first["artifact_path"].as_str().unwrap()).exists());

    // The API picks up the active model without a restart (it re-reads the registry every few seconds).
    let loaded = testkit::eventually(std::time::Duration::from_secs(15), || async {
        let h = app.call(reqwest::Method::GET, "/api/health/", None, None).await;
        (h.body["model"]["version"] == v1.as_str()).then_some(())
    })
    .await;
    assert!(loaded.is_some(), "the api loads the newly activated model");
    let r = app.post("/api/appointments/", &doctor, json!({ "patientIdInput": patient, "appointmentDate": slot(3, "10:00"), "smsReceived": false })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let prediction = &r.body["prediction"];
    assert_eq!(prediction["modelVersion"], v1.as_str());
    assert!(["Show", "No-show"].contains(&prediction["label"].as_str().unwrap()));
    let probability = prediction["probability"].as_u64().unwrap();
    assert!(probability <= 100);
    let booked_id = r.body["id"].as_str().unwrap().to_string();

    let r = app.post("/api/predictions/predict/", &doctor, json!({ "age": 30, "gender": "F", "smsReceived": 1, "attendanceScore": 75, "appointmentDate": "2030-03-01T22:00:00.000Z" })).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["modelVersion"], v1.as_str());

    // A forced second model becomes active; switching back is one call.
    let second = train(&app, true).await;
    let v2 = second["version"].as_str().unwrap().to_string();
    assert_ne!(v1, v2);
    let models = app.get("/api/admin/models/", &app.admin).await;
    assert_eq!(models.body.as_array().unwrap().len(), 2);
    let r = app.post(&format!("/api/admin/models/{v1}/activate/"), &app.admin, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = app.post("/api/appointments/", &doctor, json!({ "patientIdInput": patient, "appointmentDate": slot(3, "11:00"), "smsReceived": false })).await;
    assert_eq!(r.body["prediction"]["modelVersion"], v1.as_str());
    assert_eq!(app.post("/api/admin/models/nope/activate/", &app.admin, json!({})).await.status, StatusCode::NOT_FOUND);

    // The stored prediction never changes, whatever happens next.
    app.advance(chrono::Duration::days(4));
    let done = app.patch(&format!("/api/appointments/{booked_id}/"), &doctor, json!({ "showedUp": false, "wasLate": false })).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.body["prediction"]["modelVersion"], v1.as_str());
    assert_eq!(done.body["prediction"]["probability"].as_u64().unwrap(), probability);
    let stats = app.get("/api/analytics/predictions/", &doctor).await;
    assert_eq!(stats.body["total"], 1);
    app.cleanup().await;
}

#[tokio::test]
async fn a_bad_file_fails_its_job_with_a_clear_message_and_writes_nothing() {
    let app = spawn_app().await;
    let _worker = app.start_worker();
    let r = app.post("/api/admin/data/ingest/", &app.admin, json!({ "file": "README.md" })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "only .csv names");
    let r = app.post("/api/admin/data/ingest/", &app.admin, json!({ "file": "../secrets.csv" })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "no path traversal");
    let r = app.post("/api/admin/data/ingest/", &app.admin, json!({ "file": "missing.csv" })).await;
    let job = app.wait_for_job(r.body["jobId"].as_str().unwrap()).await;
    assert_eq!(job["state"], "failed");
    assert!(job["message"].as_str().unwrap().contains("cannot read"), "{job}");

    let dir = std::env::temp_dir().join(format!("hs-bad-{}", app.iso.id));
    std::fs::create_dir_all(&dir).unwrap();
    // Valid CSV for its first 20 KB, binary after: refused whole, nothing written.
    let sample = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/noshow-sample.csv")).unwrap();
    let csv_then_binary = [&sample[..20_000], b"\x00\x01PK\x03\x04\n", &sample[20_000..40_000]].concat();
    for (name, content) in [
        ("empty.csv", &b""[..]),
        ("columns.csv", b"a,b,c\n1,2,3\n"),
        ("binary.csv", b"\x00\x01\x02PK\x03\x04"),
        ("tail.csv", &csv_then_binary),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        let err = api::cli::ingest(&app.state.store, &path).await.unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(app.state.store.count_history().await.unwrap(), 0);
    app.cleanup().await;
}

#[tokio::test]
async fn spreadsheet_mangled_patient_ids_are_reported_not_merged() {
    let mangled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/noshow-sample-spreadsheet-mangled.csv");
    if !mangled.exists() {
        eprintln!("skipped: {} not present", mangled.display());
        return;
    }
    let app = spawn_app().await;
    let summary = api::cli::ingest(&app.state.store, &mangled).await.unwrap();
    assert_eq!(summary["report"]["dropped"]["patient_id_scientific_notation"], 2840);
    assert_eq!(summary["inserted"], 159);
    app.cleanup().await;
}
