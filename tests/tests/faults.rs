//! End to end, with the real binaries: a worker killed in the middle of a job,
//! and both binaries started from a replica-set connection string.

#![allow(clippy::unwrap_used)]

use mongodb::bson::doc;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use testkit::process::{run_to_end, Running};
use testkit::stack::{login_at, wait_until_healthy, Stack};
use testkit::{eventually, free_port, Isolation};

/// The shipped sample, repeated with fresh appointment ids until it has about `rows` rows.
fn big_csv(dir: &std::path::Path, rows: usize) -> usize {
    let sample = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/noshow-sample.csv")).unwrap();
    let mut lines = sample.lines();
    let header = lines.next().unwrap();
    let body: Vec<&str> = lines.collect();
    let mut out = vec![header.to_string()];
    let mut next_id = 90_000_000u64;
    while out.len() <= rows {
        for line in &body {
            let mut fields: Vec<String> = line.split(',').map(String::from).collect();
            fields[1] = next_id.to_string();
            next_id += 1;
            out.push(fields.join(","));
        }
    }
    std::fs::write(dir.join("big.csv"), out.join("\n") + "\n").unwrap();
    out.len() - 1
}

#[tokio::test]
async fn a_worker_killed_in_the_middle_of_an_ingestion_is_replaced_and_the_job_completes() {
    let data = std::env::temp_dir().join(format!("hs-data-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&data).unwrap();
    let rows = big_csv(&data, 24_000);
    let data_dir = data.display().to_string();
    let fast = [("DATA_DIR", data_dir.as_str()), ("JOB_LEASE_SECONDS", "3"), ("JOB_REDISPATCH_SECONDS", "2"), ("JOB_RELAY_INTERVAL_MS", "200")];
    let mut stack = Stack::start(&fast).await;
    let admin = stack.admin_token().await;
    let (status, queued) = stack.post("/api/admin/data/ingest/", Some(&admin), json!({ "file": "big.csv" })).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    let job = queued["jobId"].as_str().unwrap().to_string();
    let running = eventually(Duration::from_secs(30), || async {
        let (_, body) = stack.get(&format!("/api/admin/models/jobs/{job}/"), &admin).await;
        (body["state"] == "running" && body["message"].as_str().is_some_and(|m| m.contains("rows read"))).then_some(())
    })
    .await;
    assert!(running.is_some(), "the job started");

    stack.worker.take().unwrap().kill();
    let (_, body) = stack.get(&format!("/api/admin/models/jobs/{job}/"), &admin).await;
    assert_eq!(body["state"], "running", "its worker is gone; the claim has not expired yet");
    stack.worker = Some(Running::start("worker", &[], &stack.env));
    let done = eventually(Duration::from_secs(180), || async {
        let (_, body) = stack.get(&format!("/api/admin/models/jobs/{job}/"), &admin).await;
        matches!(body["state"].as_str(), Some("succeeded" | "failed")).then_some(body)
    })
    .await
    .expect("the job finished");
    assert_eq!(done["state"], "succeeded", "{done}");
    let accepted = done["result"]["report"]["accepted"].as_u64().unwrap();
    assert!(accepted as usize > rows - 100, "{done}");
    let client = mongodb::Client::with_uri_str(&stack.iso.services.mongo_uri).await.unwrap();
    let history = client.database(&stack.iso.database()).collection::<mongodb::bson::Document>("appointment_history");
    assert_eq!(history.count_documents(doc! {}).await.unwrap(), accepted, "every row once: the rerun added the rest");
    stack.iso.cleanup().await;
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn both_binaries_start_from_a_replica_set_uri_with_several_hosts() {
    let iso = Isolation::new();
    let client = mongodb::Client::with_uri_str(&iso.services.mongo_uri).await.unwrap();
    let hello = client.database("admin").run_command(doc! { "hello": 1 }).await.unwrap();
    let Ok(set) = hello.get_str("setName") else {
        eprintln!("skipped: the test server is not a replica set");
        return;
    };
    let host = iso.services.mongo_uri.trim_start_matches("mongodb://").trim_end_matches('/').to_string();
    let port = host.rsplit(':').next().unwrap();
    let uri = format!("mongodb://{host},localhost:{port}/{}?replicaSet={set}&retryWrites=true&w=majority&appName=hs-test", iso.database());
    let api_port = free_port();
    let mut env = iso.env(api_port);
    env.retain(|(k, _)| k != "MONGO_URI");
    env.push(("MONGO_URI".into(), uri));
    let (code, out, err) = run_to_end("api", &["create-admin", "--email", "rs@clinic.test", "--password", "admin-pass-1"], &env);
    assert_eq!(code, 0, "{out}{err}");
    let mut api = Running::start("api", &[], &env);
    let mut worker = Running::start("worker", &[], &env);
    let (http, base) = (reqwest::Client::new(), format!("http://127.0.0.1:{api_port}"));
    assert!(wait_until_healthy(&http, &base, Duration::from_secs(60)).await, "the API is up on the replica set");
    let (status, _) = login_at(&http, &base, "rs@clinic.test", "admin-pass-1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(worker.is_running() && api.is_running());
    iso.cleanup().await;
}

#[tokio::test]
async fn the_worker_serves_its_metrics_on_the_configured_host_only() {
    let iso = Isolation::new();
    let metrics_port = free_port();
    let mut env = iso.env(free_port());
    env.retain(|(k, _)| k != "HOST");
    env.push(("HOST".into(), "127.0.0.2".into()));
    env.push(("WORKER_METRICS_PORT".into(), metrics_port.to_string()));
    let _worker = Running::start("worker", &[], &env);
    let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
    let served = eventually(Duration::from_secs(60), || async {
        http.get(format!("http://127.0.0.2:{metrics_port}/metrics")).send().await.ok().filter(|r| r.status().is_success())
    })
    .await;
    assert!(served.is_some(), "served on the configured host");
    assert!(http.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await.is_err(), "not on every interface");
    iso.cleanup().await;
}

#[tokio::test]
async fn a_reminder_is_emailed_once_across_a_worker_killed_mid_schedule_and_two_workers() {
    let fast = [("JOB_LEASE_SECONDS", "3"), ("JOB_REDISPATCH_SECONDS", "2"), ("JOB_RELAY_INTERVAL_MS", "200"), ("REMINDER_TICK_SECONDS", "1")];
    let mut stack = Stack::start(&fast).await;
    let admin = stack.admin_token().await;
    let (status, doctor) =
        stack.post("/api/admin/doctors/", Some(&admin), json!({ "full_name": "Dr Killed", "email": stack.doctor_email(), "password": "doctor-pass-1" })).await;
    assert_eq!(status, StatusCode::CREATED, "{doctor}");
    let email = format!("reminded-{}@mail.test", stack.iso.id);
    let (status, patient) = stack.post("/api/patients/", Some(&admin), json!({ "fullName": "Rita Reminded", "age": 50, "gender": "F", "email": email })).await;
    assert_eq!(status, StatusCode::CREATED, "{patient}");
    // Twenty hours ahead (the clinic runs on UTC here): the 24-hour reminder is due at once.
    let when = (chrono::Utc::now() + chrono::Duration::hours(20)).format("%Y-%m-%dT%H:00:00").to_string();
    let doctor_id = [&doctor["id"], &doctor["doctor"]["id"], &doctor["user"]["id"]].into_iter().find(|v| v.is_string()).cloned();
    let body = json!({ "patientIdInput": patient["id"], "appointmentDate": when, "doctorId": doctor_id.expect("doctor id") });
    let (status, booked) = stack.post("/api/appointments/", Some(&admin), body).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let job = format!("reminder:{}:24", booked["id"].as_str().unwrap());

    // Killed as soon as its scheduler has written the job: sent or not, the job is there.
    let written = eventually(Duration::from_secs(30), || async {
        let (status, _) = stack.get(&format!("/api/admin/models/jobs/{job}/"), &admin).await;
        (status == StatusCode::OK).then_some(())
    })
    .await;
    assert!(written.is_some(), "the scheduler wrote the reminder job");
    stack.worker.take().unwrap().kill();
    stack.worker = Some(Running::start("worker", &[], &stack.env));
    let _second = Running::start("worker", &[], &stack.env);
    let maildir = stack.iso.services.maildir.clone();
    let arrived = eventually(Duration::from_secs(60), || async { Some(testkit::mailbox::count_to(&maildir, &email)).filter(|n| *n >= 1) }).await;
    assert_eq!(arrived, Some(1), "the reminder arrives");
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(testkit::mailbox::count_to(&maildir, &email), 1, "exactly once, with two schedulers running and a lease expired");
    let (_, done) = stack.get(&format!("/api/admin/models/jobs/{job}/"), &admin).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    stack.iso.cleanup().await;
}

#[tokio::test]
async fn both_binaries_started_before_their_database_wait_for_it_and_then_work() {
    let iso = Isolation::new();
    let mut mongo = testkit::services::PrivateMongo::start();
    mongo.stop();
    let api_port = free_port();
    let mut env = iso.env(api_port);
    env.retain(|(k, _)| k != "MONGO_URI");
    env.push(("MONGO_URI".into(), format!("{}/{}", mongo.uri(), iso.database())));
    let mut api = Running::start("api", &[], &env);
    let mut worker = Running::start("worker", &[], &env);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(api.is_running() && worker.is_running(), "neither exits while the database is still starting");

    mongo.start_again();
    let (http, base) = (reqwest::Client::new(), format!("http://127.0.0.1:{api_port}"));
    assert!(wait_until_healthy(&http, &base, Duration::from_secs(30)).await, "the API comes up once the database does");
    let (code, out, err) = run_to_end("api", &["create-admin", "--email", "late@clinic.test", "--password", "admin-pass-1"], &env);
    assert_eq!(code, 0, "{out}{err}");
    let (status, login) = login_at(&http, &base, "late@clinic.test", "admin-pass-1").await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let admin = login["access"].as_str().unwrap().to_string();
    // A doctor without a password is onboarded by an e-mailed code: the worker's job.
    let email = format!("late-{}@clinic.test", iso.id);
    let created = http
        .post(format!("{base}/api/admin/doctors/"))
        .bearer_auth(&admin)
        .json(&json!({ "full_name": "Dr Late", "email": email }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let maildir = iso.services.maildir.clone();
    let code = eventually(Duration::from_secs(60), || async { testkit::mailbox::latest_code(&maildir, &email) }).await;
    assert!(code.is_some(), "the worker, started before the database, sends the code");
    assert!(worker.is_running() && api.is_running());
    iso.cleanup().await;
}
