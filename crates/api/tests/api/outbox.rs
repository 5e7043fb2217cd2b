//! Nothing is lost when Redis fails: jobs are written to the MongoDB outbox,
//! the request never waits for Redis, and the relay pushes (and pushes again)
//! until a worker has run each job exactly once. Each test runs its own Redis
//! and SMTP sink and stops or restarts them.

use crate::helpers::{spawn_app_with, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};
use testkit::services::{PrivateRedis, PrivateSmtp};
use testkit::{eventually, mailbox};

/// Fast job timing, so recovery happens within seconds.
const FAST_JOBS: [(&str, &str); 3] = [("JOB_REDISPATCH_SECONDS", "2"), ("JOB_LEASE_SECONDS", "4"), ("JOB_RELAY_INTERVAL_MS", "200")];

async fn app_with(redis: &PrivateRedis, smtp: &PrivateSmtp) -> TestApp {
    let (redis_url, smtp_url) = (redis.url(), smtp.url());
    let mut extra = vec![("REDIS_URL", redis_url.as_str()), ("SMTP_URL", smtp_url.as_str())];
    extra.extend(FAST_JOBS);
    spawn_app_with(&extra).await
}

async fn mails_to(smtp: &PrivateSmtp, to: &str, at_least: usize, within: Duration) -> usize {
    eventually(within, || async { Some(mailbox::count_to(&smtp.maildir, to)).filter(|n| *n >= at_least) }).await.unwrap_or(0)
}

#[tokio::test]
async fn with_redis_down_a_pending_doctor_and_a_training_run_complete_once_it_returns() {
    let (mut redis, smtp) = (PrivateRedis::start(), PrivateSmtp::start());
    let app = app_with(&redis, &smtp).await;
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/noshow-sample.csv");
    api::cli::ingest(&app.state.store, &sample).await.unwrap();
    let _worker = app.start_worker();
    redis.stop();

    let email = format!("outage-{}@clinic.test", app.iso.id);
    let started = Instant::now();
    let doctor = app.post("/api/admin/doctors/", &app.admin, json!({ "full_name": "Dr Outage", "email": email })).await;
    assert_eq!(doctor.status, StatusCode::CREATED, "{doctor:?}");
    assert_eq!(doctor.body["user"]["status"], "pending");
    let train = app.post("/api/admin/models/train/", &app.admin, json!({})).await;
    assert_eq!(train.status, StatusCode::ACCEPTED, "{train:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "the API answered without waiting for Redis: {:?}", started.elapsed());
    let job_id = train.body["jobId"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let job = app.get(&format!("/api/admin/models/jobs/{job_id}/"), &app.admin).await;
    assert_eq!(job.body["state"], "queued", "waiting in the outbox: {job:?}");
    assert_eq!(mailbox::count_to(&smtp.maildir, &email), 0);

    redis.start_again();
    assert_eq!(mails_to(&smtp, &email, 1, Duration::from_secs(90)).await, 1, "the activation code arrives");
    let job = app.wait_for_job(&job_id).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["activated"], true);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(mailbox::count_to(&smtp.maildir, &email), 1, "sent once, not once per push");
    let code = mailbox::latest_code(&smtp.maildir, &email).expect("code");
    let body = json!({ "email": email, "otp": code, "password": "doctor-pass-1" });
    let activated = app.call(reqwest::Method::POST, "/api/auth/activate/", None, Some(body)).await;
    assert_eq!(activated.status, StatusCode::OK, "{activated:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_job_lost_by_a_redis_restart_is_pushed_again_and_runs_exactly_once() {
    let (mut redis, smtp) = (PrivateRedis::start(), PrivateSmtp::start());
    let app = app_with(&redis, &smtp).await;
    let email = format!("restart-{}@clinic.test", app.iso.id);
    let r = app.post("/api/admin/doctors/", &app.admin, json!({ "full_name": "Dr Restart", "email": email })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let pushed = eventually(Duration::from_secs(30), || async {
        app.state.queues.stats(jobs::EMAIL_QUEUE).await.ok().filter(|s| s.pending >= 1)
    })
    .await;
    assert!(pushed.is_some(), "the relay pushed the job before any worker ran");

    redis.restart();
    assert_eq!(app.state.queues.stats(jobs::EMAIL_QUEUE).await.map(|s| s.pending).unwrap_or(0), 0, "Redis forgot it");
    let _worker = app.start_worker();
    assert_eq!(mails_to(&smtp, &email, 1, Duration::from_secs(60)).await, 1, "the code arrives after all");
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert_eq!(mailbox::count_to(&smtp.maildir, &email), 1, "exactly once");
    app.cleanup().await;
}

#[tokio::test]
async fn an_smtp_outage_delays_the_code_without_losing_it() {
    let (redis, mut smtp) = (PrivateRedis::start(), PrivateSmtp::start());
    let app = app_with(&redis, &smtp).await;
    let _worker = app.start_worker();
    smtp.stop();
    let email = format!("smtp-{}@clinic.test", app.iso.id);
    let r = app.post("/api/admin/doctors/", &app.admin, json!({ "full_name": "Dr Smtp", "email": email })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    smtp.start_again();
    assert_eq!(mails_to(&smtp, &email, 1, Duration::from_secs(90)).await, 1);
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(mailbox::count_to(&smtp.maildir, &email), 1);
    app.cleanup().await;
}

fn test_job(app: &TestApp, name: &str) -> storage::jobs::NewJob {
    storage::jobs::NewJob {
        id: format!("{name}-{}", app.iso.id),
        kind: "test".into(),
        queue: "jobs:test".into(),
        payload: json!({}),
        requested_by: None,
    }
}

#[tokio::test]
async fn a_run_that_lost_its_claim_can_neither_extend_nor_overwrite_the_run_that_replaced_it() {
    use storage::jobs::JobState;
    let app = crate::helpers::spawn_app().await;
    let store = &app.state.store;
    let job = test_job(&app, "claims");
    let (t0, lease) = (chrono::Utc::now(), chrono::Duration::seconds(5));
    store.create_job(&job, t0).await.unwrap();
    let first = store.claim_job(&job.id, t0, lease).await.unwrap().expect("claimed");
    assert!(store.claim_job(&job.id, t0 + chrono::Duration::seconds(1), lease).await.unwrap().is_none(), "a duplicate delivery while it runs");

    // The first worker stalls past its lease: the relay queues the job again and another delivery takes it.
    let expired = t0 + chrono::Duration::seconds(10);
    assert!(store.claim_job(&job.id, expired, lease).await.unwrap().is_none(), "only a queued job is claimed");
    assert_eq!(store.recover_expired_leases(expired).await.unwrap(), (1, 0));
    let second = store.claim_job(&job.id, expired, lease).await.unwrap().expect("taken over");
    let (stale, live) = (first.claim.unwrap(), second.claim.unwrap());
    assert_ne!(stale, live);
    let later = t0 + chrono::Duration::minutes(1);
    assert!(!store.renew_lease(&stale, later).await.unwrap(), "the stale run cannot extend the lease");
    assert!(!store.retry_job_later(&stale, later, "retry").await.unwrap(), "nor queue it again");
    assert!(!store.finish_job(&stale, JobState::Failed, Some("late"), &json!(null)).await.unwrap(), "nor record a result");
    let record = store.find_job(&job.id).await.unwrap().unwrap();
    assert_eq!((record.state, record.attempts), (JobState::Running, 2));

    assert!(store.renew_lease(&live, later).await.unwrap());
    assert!(store.finish_job(&live, JobState::Succeeded, None, &json!({ "ok": true })).await.unwrap());
    let record = store.find_job(&job.id).await.unwrap().unwrap();
    assert_eq!(record.state, JobState::Succeeded);
    assert!(!store.retry_job_later(&live, later, "retry").await.unwrap(), "a finished job is never queued again");
    assert!(store.claim_job(&job.id, later, lease).await.unwrap().is_none(), "nor claimed again");
    app.cleanup().await;
}

#[tokio::test]
async fn a_retry_waits_out_its_delay_even_when_a_stale_copy_is_delivered() {
    use storage::jobs::JobState;
    let app = crate::helpers::spawn_app().await;
    let store = &app.state.store;
    let job = test_job(&app, "retry");
    let (t0, lease) = (chrono::Utc::now(), chrono::Duration::seconds(30));
    store.create_job(&job, t0).await.unwrap();
    let run = store.claim_job(&job.id, t0, lease).await.unwrap().unwrap();
    let due = t0 + chrono::Duration::seconds(60);
    assert!(store.retry_job_later(run.claim.as_ref().unwrap(), due, "SMTP unavailable").await.unwrap());
    assert_eq!(store.find_job(&job.id).await.unwrap().unwrap().state, JobState::Queued);
    assert!(store.claim_job(&job.id, t0 + chrono::Duration::seconds(1), lease).await.unwrap().is_none(), "too early");
    assert!(store.claim_job(&job.id, due, lease).await.unwrap().is_some(), "claimed once due");
    app.cleanup().await;
}

#[tokio::test]
async fn a_job_that_stopped_its_workers_too_often_or_waited_a_day_is_failed_with_a_reason() {
    use storage::jobs::{JobState, MAX_STOPS};
    let app = crate::helpers::spawn_app().await;
    let store = &app.state.store;
    let crashing = test_job(&app, "crashing");
    let (mut t, lease) = (chrono::Utc::now(), chrono::Duration::seconds(5));
    store.create_job(&crashing, t).await.unwrap();
    // Retries after transient failures don't count as stops.
    for _ in 0..12 {
        let run = store.claim_job(&crashing.id, t, lease).await.unwrap().expect("claimed");
        assert!(store.retry_job_later(run.claim.as_ref().unwrap(), t, "SMTP unavailable").await.unwrap());
    }
    for stop in 1..=MAX_STOPS {
        // Claimed, then its worker dies: the lease runs out and the relay counts the stop.
        assert!(store.claim_job(&crashing.id, t, lease).await.unwrap().is_some());
        t += chrono::Duration::seconds(10);
        let (requeued, failed) = store.recover_expired_leases(t).await.unwrap();
        let expected = if stop < MAX_STOPS { (1, 0) } else { (0, 1) };
        assert_eq!((requeued, failed), expected, "stop {stop}");
    }
    let record = store.find_job(&crashing.id).await.unwrap().unwrap();
    assert_eq!(record.state, JobState::Failed);
    assert!(record.message.as_deref().is_some_and(|m| m.contains("stopped")), "{:?}", record.message);

    let stale = test_job(&app, "stale");
    let now = chrono::Utc::now();
    store.create_job(&stale, now - chrono::Duration::hours(25)).await.unwrap();
    assert_eq!(store.fail_stale_jobs(now, chrono::Duration::hours(24)).await.unwrap(), 1);
    let record = store.find_job(&stale.id).await.unwrap().unwrap();
    assert_eq!(record.state, JobState::Failed);
    assert!(record.message.as_deref().is_some_and(|m| m.contains("request it again")), "{:?}", record.message);
    app.cleanup().await;
}
