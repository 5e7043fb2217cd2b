//! One outcome, all of it; patient edits that never erase an outcome; a cache
//! that never serves a stale write: failures and interleavings forced by the test.

use crate::helpers::{slot, spawn_app, spawn_app_with};
use chrono::Duration;
use domain::appointment::Outcome;
use reqwest::StatusCode;
use serde_json::json;
use storage::Cache;
use testkit::services::PrivateRedis;

#[tokio::test]
async fn an_outcome_whose_effects_were_interrupted_is_completed_by_the_sweep_once() {
    let app = spawn_app().await;
    let (doctor, token) = app.doctor("Dr Sweep").await;
    let patient = app.patient(&app.admin, "Interrupted Ines").await;
    let r = app.post("/api/appointments/", &token, json!({ "patientIdInput": patient, "appointmentDate": slot(1, "09:00") })).await;
    let id = r.body["id"].as_str().unwrap().to_string();
    app.advance(Duration::days(2));

    // The patient list is cached with the score before the outcome.
    let listed_score = || async {
        let list = app.get("/api/patients/", &app.admin).await;
        list.body["patients"].as_array().unwrap().iter().find(|p| p["id"] == patient.as_str()).map(|p| p["attendanceScore"].clone())
    };
    assert_eq!(listed_score().await, Some(json!(75)));

    // The outcome's own write happens; the process dies before its effects.
    let store = &app.state.store;
    store.record_outcome(&id, Outcome { showed_up: false, was_late: false }, &doctor, app.clock_now()).await.unwrap();
    let stored = store.find_patient(&patient).await.unwrap().unwrap();
    assert_eq!(stored.attendance.missed, 0, "not applied yet");
    assert!(store.patient_history(&patient).await.unwrap().is_empty());

    let (zone, cache) = (app.state.settings.clinic.zone, &app.state.cache);
    let repaired = pipeline::maintenance::repair_outcome_effects(store, cache, &zone, app.clock_now(), Duration::zero()).await.unwrap();
    assert_eq!(repaired, 1);
    let stored = store.find_patient(&patient).await.unwrap().unwrap();
    assert_eq!((stored.attendance.missed, stored.attendance.score()), (1, 0));
    assert_eq!(listed_score().await, Some(json!(0)), "the repair emptied the cached list");
    assert_eq!(store.patient_history(&patient).await.unwrap().len(), 1, "the history row exists");

    // Repeating any part counts nothing twice.
    assert_eq!(pipeline::maintenance::repair_outcome_effects(store, cache, &zone, app.clock_now(), Duration::zero()).await.unwrap(), 0);
    store.apply_outcome_effects(&id, &zone).await.unwrap();
    store.apply_attendance(&patient, &id, domain::appointment::Attended::Missed).await.unwrap();
    let stored = store.find_patient(&patient).await.unwrap().unwrap();
    assert_eq!((stored.attendance.missed, stored.attendance.on_time), (1, 0));
    assert_eq!(store.patient_history(&patient).await.unwrap().len(), 1);
    app.cleanup().await;
}

#[tokio::test]
async fn patient_edits_at_the_same_moment_as_outcomes_never_erase_them() {
    let app = spawn_app().await;
    let (_, token) = app.doctor("Dr Busy").await;
    let patient = app.patient(&app.admin, "Busy Bia").await;
    let mut ids = Vec::new();
    for day in 1..=8 {
        let r = app.post("/api/appointments/", &token, json!({ "patientIdInput": patient, "appointmentDate": slot(day, "10:00") })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        ids.push(r.body["id"].as_str().unwrap().to_string());
    }
    app.advance(Duration::days(10));
    let (app_ref, token, patient) = (&app, &token, &patient);
    let outcomes = ids.iter().map(|id| async move {
        app_ref.patch(&format!("/api/appointments/{id}/"), token, json!({ "showedUp": true, "wasLate": false })).await
    });
    let edits = (0..8).map(|i| async move {
        app_ref.patch(&format!("/api/patients/{patient}/"), &app_ref.admin, json!({ "fullName": format!("Busy Bia {i}"), "age": 30 + i })).await
    });
    let (outcomes, edits) = tokio::join!(futures_util::future::join_all(outcomes), futures_util::future::join_all(edits));
    assert!(outcomes.iter().chain(&edits).all(|r| r.status == StatusCode::OK), "{outcomes:?} {edits:?}");
    let stored = app.state.store.find_patient(patient).await.unwrap().unwrap();
    assert_eq!(stored.attendance.on_time, 8, "every outcome counted once");
    assert!(stored.full_name.starts_with("Busy Bia "));
    assert_eq!(app.get(&format!("/api/patients/{patient}/"), &app.admin).await.body["attendanceScore"], 100);
    app.cleanup().await;
}

fn cache_for(url: &str, prefix: &str) -> Cache {
    Cache::new(storage::redis_link::connect_lazily(url).unwrap(), prefix)
}

#[tokio::test]
async fn a_load_that_raced_with_a_write_is_never_cached() {
    let iso = testkit::Isolation::new();
    let cache = cache_for(&iso.services.redis_url, &iso.redis_prefix());
    let key = "list: page 1 of Zefirina Velasquez";
    // A reader loads the old value; a writer's invalidation lands during the load.
    let loaded: String = cache
        .read_through("patients", key, || async {
            cache.invalidate("patients").await;
            Ok::<_, ()>("old".to_string())
        })
        .await
        .unwrap();
    assert_eq!(loaded, "old");
    let next: String = cache.read_through("patients", key, || async { Ok::<_, ()>("new".to_string()) }).await.unwrap();
    assert_eq!(next, "new", "the stale load was not stored under the new generation");
    let cached: String = cache.read_through("patients", key, || async { Ok::<_, ()>("newer".to_string()) }).await.unwrap();
    assert_eq!(cached, "new", "a clean load is cached");
    iso.cleanup().await;
}

#[tokio::test]
async fn entries_are_unreadable_once_their_generation_counter_is_gone() {
    let iso = testkit::Isolation::new();
    let cache = cache_for(&iso.services.redis_url, &iso.redis_prefix());
    let first: String = cache.read_through("doctors", "all doctors", || async { Ok::<_, ()>("run 1".to_string()) }).await.unwrap();
    assert_eq!(first, "run 1");
    let client = redis::Client::open(iso.services.redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("DEL").arg(format!("{}:cachegen:doctors", iso.redis_prefix())).query_async(&mut conn).await.unwrap();
    let after: String = cache.read_through("doctors", "all doctors", || async { Ok::<_, ()>("run 2".to_string()) }).await.unwrap();
    assert_eq!(after, "run 2", "a partial cleanup never resurrects old entries");
    let keys: Vec<String> = redis::cmd("KEYS").arg(format!("{}:cache:*", iso.redis_prefix())).query_async(&mut conn).await.unwrap();
    assert!(keys.iter().all(|k| !k.contains(' ')), "keys are hashed: {keys:?}");
    iso.cleanup().await;
}

#[tokio::test]
async fn an_invalidation_redis_cannot_confirm_turns_the_cache_off_here_until_it_is_confirmed() {
    let redis = PrivateRedis::start();
    let cache = cache_for(&redis.url(), "t");
    let first: String = cache.read_through("patients", "k", || async { Ok::<_, ()>("old".to_string()) }).await.unwrap();
    assert_eq!(first, "old");
    // Redis stops taking writes for a while: the invalidation times out.
    let client = redis::Client::open(redis.url()).unwrap();
    let mut admin = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("CLIENT").arg("PAUSE").arg(1500).arg("WRITE").query_async(&mut admin).await.unwrap();
    cache.invalidate("patients").await;
    let during: String = cache.read_through("patients", "k", || async { Ok::<_, ()>("new".to_string()) }).await.unwrap();
    assert_eq!(during, "new", "the old entry is not served while the invalidation is unconfirmed");
    let confirmed = testkit::eventually(std::time::Duration::from_secs(15), || async {
        let v: String = cache.read_through("patients", "k", || async { Ok::<_, ()>("newest".to_string()) }).await.unwrap();
        let again: String = cache.read_through("patients", "k", || async { Ok::<_, ()>("other".to_string()) }).await.unwrap();
        (v == again).then_some(v)
    })
    .await;
    assert!(confirmed.is_some_and(|v| v != "old"), "the cache is used again once confirmed, never with the old value");
}

#[tokio::test]
async fn a_duplicate_patient_is_named_from_the_key_pattern() {
    let app = spawn_app_with(&[]).await;
    let body = json!({ "fullName": "Twin Tess", "age": 40, "gender": "F", "dateOfBirth": "1986-01-02", "phone": "+55 27 99999-0000" });
    assert_eq!(app.post("/api/patients/", &app.admin, body.clone()).await.status, StatusCode::CREATED);
    let again = app.post("/api/patients/", &app.admin, body).await;
    assert_eq!((again.status, again.body["code"].as_str()), (StatusCode::CONFLICT, Some("duplicate_patient")), "{again:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn after_a_miss_one_request_loads_and_the_others_wait_for_its_result() {
    let iso = testkit::Isolation::new();
    let cache = cache_for(&iso.services.redis_url, &iso.redis_prefix());
    let loads = std::sync::atomic::AtomicUsize::new(0);
    let readers = (0..16).map(|_| {
        cache.read_through("analytics", "dashboard", || async {
            loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            Ok::<_, ()>(42u32)
        })
    });
    let values = futures_util::future::join_all(readers).await;
    assert!(values.iter().all(|v| *v == Ok(42)));
    assert_eq!(loads.load(std::sync::atomic::Ordering::SeqCst), 1, "one expensive load, not sixteen");
    // A write in between still forces a fresh load.
    cache.invalidate("analytics").await;
    let fresh: u32 = cache.read_through("analytics", "dashboard", || async { Ok::<_, ()>(43u32) }).await.unwrap();
    assert_eq!(fresh, 43);
    iso.cleanup().await;
}

#[tokio::test]
async fn a_write_whose_request_is_dropped_still_invalidates_what_it_owed() {
    let iso = testkit::Isolation::new();
    let cache = cache_for(&iso.services.redis_url, &iso.redis_prefix());
    let cached: String = cache.read_through("patients", "page 1", || async { Ok::<_, ()>("before".to_string()) }).await.unwrap();
    assert_eq!(cached, "before");
    // The write happened, then its request was dropped (client gone, or an error) before paying.
    let owed = cache.owe(&["patients"]);
    drop(owed);
    let fresh = testkit::eventually(std::time::Duration::from_secs(15), || async {
        let v: String = cache.read_through("patients", "page 1", || async { Ok::<_, ()>("after".to_string()) }).await.unwrap();
        (v == "after").then_some(v)
    })
    .await;
    assert_eq!(fresh.as_deref(), Some("after"), "the owed invalidation was made in the background");
    iso.cleanup().await;
}
