//! Clinic scale: booking decides slot races in the database with exactly one
//! winner, makes a fixed number of indexed round trips whatever the history,
//! and analytics come from the database, cached until an outcome changes them.

use crate::helpers::{slot, spawn_app, TestApp};
use mongodb::bson::doc;
use reqwest::StatusCode;
use serde_json::json;

async fn patients(app: &TestApp, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(app.patient(&app.admin, &format!("Racer {i}")).await);
    }
    ids
}

#[tokio::test]
async fn of_sixteen_concurrent_bookings_of_one_slot_exactly_one_wins_and_cancelling_frees_it() {
    let app = spawn_app().await;
    let (_, token) = app.doctor("Dr Race").await;
    let racers = patients(&app, 16).await;
    for (day, time) in [(1, "09:00"), (2, "09:30"), (3, "14:00")] {
        let when = slot(day, time);
        let attempts = racers.iter().map(|p| {
            let body = json!({ "patientIdInput": p, "appointmentDate": when, "smsReceived": false });
            let (app, token) = (&app, &token);
            async move { app.post("/api/appointments/", token, body).await }
        });
        let replies = futures_util::future::join_all(attempts).await;
        let won: Vec<_> = replies.iter().filter(|r| r.status == StatusCode::CREATED).collect();
        let refused = replies.iter().filter(|r| r.status == StatusCode::CONFLICT).count();
        assert_eq!((won.len(), refused), (1, 15), "{day} {time}: {:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
        // An overlapping (not identical) time is refused too; the next half hour is free.
        let overlapping = app.post("/api/appointments/", &token, json!({ "patientIdInput": racers[0], "appointmentDate": slot(day, &format!("{}:15", &time[..2])) })).await;
        assert_eq!(overlapping.status, StatusCode::CONFLICT, "{overlapping:?}");
        let id = won[0].body["id"].as_str().unwrap();
        assert_eq!(app.call(reqwest::Method::POST, &format!("/api/appointments/{id}/cancel/"), Some(&token), None).await.status, StatusCode::OK);
        let again = app.post("/api/appointments/", &token, json!({ "patientIdInput": racers[1], "appointmentDate": when })).await;
        assert_eq!(again.status, StatusCode::CREATED, "the canceled slot is free again: {again:?}");
    }
    app.cleanup().await;
}

/// Database commands sent while booking, the least of a few tries (the
/// relay and the sweeps share the connection and can only add to a count).
async fn booking_commands(app: &TestApp, token: &str, patient: &str, first_day: i64) -> u64 {
    let mut least = u64::MAX;
    for i in 0..4 {
        let before = app.state.store.commands_sent();
        let r = app.post("/api/appointments/", token, json!({ "patientIdInput": patient, "appointmentDate": slot(first_day + i, "11:00") })).await;
        let sent = app.state.store.commands_sent() - before;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        least = least.min(sent);
    }
    least
}

#[tokio::test]
async fn booking_makes_the_same_few_round_trips_whatever_the_history() {
    let app = spawn_app().await;
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/noshow-sample.csv");
    api::cli::ingest(&app.state.store, &sample).await.unwrap();
    let trained = pipeline::training::train_and_register(&app.state.store, &app.iso_artifacts(), true, &mut |_, _| {}).await.unwrap();
    app.state.model.refresh(&app.state.store).await.unwrap();
    assert!(app.state.model.version().is_some_and(|v| v == trained.version));
    let (_, token) = app.doctor("Dr Trips").await;
    let newcomer = app.patient(&app.admin, "New Nina").await;
    let regular = app.patient(&app.admin, "Regular Rosa").await;
    let rows: Vec<storage::history::HistoryRow> = (0..600)
        .map(|i| {
            let day = format!("2016-0{}-{:02}", 4 + i % 3, 1 + i % 28);
            crate::helpers::history_row(format!("import:trips-{i}"), &regular, day, "2016-03-01T08:00:00", i % 4 == 0, 40, true)
        })
        .collect();
    app.state.store.insert_history_batch(&rows).await.unwrap();
    let few = booking_commands(&app, &token, &newcomer, 1).await;
    let many = booking_commands(&app, &token, &regular, 10).await;
    assert_eq!(few, many, "the same round trips with 0 and 600 past visits");
    // The account, the patient, the patient's history and pending bookings (two
    // aggregations sent at once), the insert (which also decides conflicts).
    assert!(few <= 5, "{few} commands per booking");

    // Each of those reads is served by an index.
    let explain = |collection: &str, filter: mongodb::bson::Document| {
        let db = app.state.store.db.clone();
        let collection = collection.to_string();
        async move {
            let plan = db.run_command(doc! { "explain": { "find": collection, "filter": filter }, "verbosity": "queryPlanner" }).await.unwrap();
            format!("{plan:?}")
        }
    };
    for (collection, filter) in [
        ("patients", doc! { "_id": &regular }),
        ("appointment_history", doc! { "patient_id": &regular }),
        ("appointments", doc! { "patient_id": &regular }),
        ("users", doc! { "_id": mongodb::bson::oid::ObjectId::new() }),
    ] {
        let plan = explain(collection, filter).await;
        assert!(!plan.contains("COLLSCAN"), "{collection}: {plan}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn analytics_come_from_the_database_and_follow_each_outcome() {
    let app = spawn_app().await;
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/noshow-sample.csv");
    api::cli::ingest(&app.state.store, &sample).await.unwrap();
    pipeline::training::train_and_register(&app.state.store, &app.iso_artifacts(), true, &mut |_, _| {}).await.unwrap();
    app.state.model.refresh(&app.state.store).await.unwrap();
    let (_, token) = app.doctor("Dr Stats").await;
    let patient = app.patient(&app.admin, "Stat Stella").await;
    let mut ids = Vec::new();
    let mut version = String::new();
    for day in 1..=3 {
        let r = app.post("/api/appointments/", &token, json!({ "patientIdInput": patient, "appointmentDate": slot(day, "08:30") })).await;
        assert!(r.body["prediction"].is_object(), "{r:?}");
        ids.push(r.body["id"].as_str().unwrap().to_string());
        version = r.body["prediction"]["modelVersion"].as_str().unwrap().to_string();
    }
    let before = app.get("/api/analytics/predictions/", &token).await;
    assert_eq!(before.body["total"], 0);
    assert_eq!(app.get("/api/analytics/predictions/", &token).await.body, before.body, "served again (from the cache)");
    app.advance(chrono::Duration::days(5));
    for (id, showed) in ids.iter().zip([true, false, true]) {
        assert_eq!(app.patch(&format!("/api/appointments/{id}/"), &token, json!({ "showedUp": showed, "wasLate": false })).await.status, StatusCode::OK);
        let now = app.get("/api/analytics/predictions/", &token).await.body;
        assert_eq!(now["total"], ids.iter().position(|i| i == id).unwrap() + 1, "the outcome invalidated the cache");
    }
    let after = app.get("/api/analytics/predictions/", &token).await.body;
    assert_eq!(after["baseRate"].as_f64().map(|r| (r * 3.0).round()), Some(1.0));
    assert!(after["calibration"][0]["meanPredicted"].is_number(), "camelCase: {after}");
    assert_eq!(after["groups"]["gender"][0]["group"], "F");
    let of_model = &after["groupsPerModel"][&version];
    assert_eq!(of_model["gender"][0]["group"], "F", "the same groups for the model that made the predictions: {after}");
    assert_eq!(of_model["gender"][0]["count"], 3);
    assert_eq!(of_model["ageBand"].as_array().map(Vec::len), Some(1));
    assert_eq!(after["perModel"][&version]["total"], 3);
    assert_eq!(after["correct"].as_u64().unwrap() + after["incorrect"].as_u64().unwrap(), 3);
    app.cleanup().await;
}
