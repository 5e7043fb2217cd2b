//! Patients: registration and validation, record numbers, the paginated list,
//! the indexed search, updates and deletion; every role sees every patient.

use crate::helpers::{slot, spawn_app, Reply, TestApp};
use futures_util::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn register(app: &TestApp, body: Value) -> Reply {
    app.post("/api/patients/", &app.admin, body).await
}

/// A registration body with the three required fields.
fn person(name: &str) -> Value {
    json!({ "fullName": name, "age": 40, "gender": "M" })
}

/// The `fullName`s of a bare array of patients, in order.
fn names(body: &Value) -> Vec<&str> {
    body.as_array().unwrap_or_else(|| panic!("not an array: {body}")).iter().map(|p| p["fullName"].as_str().unwrap()).collect()
}

async fn search(app: &TestApp, q: &str) -> Vec<String> {
    let r = app.get(&format!("/api/patients/search/?q={q}"), &app.admin).await;
    assert_eq!(r.status, StatusCode::OK, "q={q}: {r:?}");
    names(&r.body).into_iter().map(String::from).collect()
}

/// True if any stage of an explain plan (at any depth) is an index scan.
fn uses_index(plan: &Bson) -> bool {
    match plan {
        Bson::Document(d) => d.get_str("stage").is_ok_and(|s| s == "IXSCAN") || d.values().any(uses_index),
        Bson::Array(a) => a.iter().any(uses_index),
        _ => false,
    }
}

#[tokio::test]
async fn registering_returns_201_with_the_camel_case_patient_and_a_score_of_75() {
    let app = spawn_app().await;
    let body = json!({
        "fullName": "  Maria   Souza ", "age": 33, "gender": "F", "dateOfBirth": "1990-01-15", "phone": "+55 (11) 98765-4321",
        "email": "Maria@Example.com", "neighbourhood": "Centro", "scholarship": true, "hypertension": true,
        "diabetes": false, "alcoholism": false, "handicap": 2
    });
    let r = register(&app, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let p = &r.body;
    assert!(p["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(p["fullName"], "Maria Souza");
    assert_eq!(p["gender"], "F");
    assert_eq!(p["dateOfBirth"], "1990-01-15");
    assert!(p["age"].as_u64().is_some_and(|a| a >= 35), "age follows the date of birth: {p}");
    assert_eq!(p["attendanceScore"], 75);
    assert_eq!((p["scholarship"].clone(), p["hypertension"].clone(), p["handicap"].clone()), (json!(true), json!(true), json!(2)));
    assert!(p["doctorId"].as_str().is_some_and(|d| d.len() == 24), "the creator: {p}");
    assert!(p["createdAt"].as_str().is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()));
    let id = p["id"].as_str().unwrap();
    let read = app.get(&format!("/api/patients/{id}/"), &app.admin).await;
    assert_eq!(read.body, r.body);
    app.cleanup().await;
}

#[tokio::test]
async fn a_taken_proposed_id_is_never_overwritten_and_a_fresh_one_is_returned() {
    let app = spawn_app().await;
    let first = register(&app, json!({ "id": "P-021", "fullName": "First Holder", "age": 50, "gender": "F" })).await;
    assert_eq!(first.body["id"], "P-021", "a free proposed id is kept: {first:?}");
    let second = register(&app, json!({ "id": "P-021", "fullName": "Second Comer", "age": 20, "gender": "M" })).await;
    assert_eq!(second.status, StatusCode::CREATED, "{second:?}");
    let fresh = second.body["id"].as_str().unwrap();
    assert_ne!(fresh, "P-021");
    assert_eq!(app.get(&format!("/api/patients/{fresh}/"), &app.admin).await.body["fullName"], "Second Comer");
    let kept = app.get("/api/patients/P-021/", &app.admin).await;
    assert_eq!((kept.body["fullName"].clone(), kept.body["age"].clone()), (json!("First Holder"), json!(50)));
    let unsafe_id = register(&app, json!({ "id": "../P 1", "fullName": "Path Safe", "age": 5, "gender": "M" })).await;
    assert!(unsafe_id.body["id"].as_str().unwrap().chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(app.get("/api/patients/", &app.admin).await.body["total"], 3);
    app.cleanup().await;
}

#[tokio::test]
async fn invalid_fields_are_400_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let future = slot(30, "09:00")[..10].to_string();
    let cases = [
        ("age", json!(-1)),
        ("age", json!(121)),
        ("age", json!("x")),
        ("gender", json!("X")),
        ("handicap", json!(5)),
        ("handicap", json!(-1)),
        ("dateOfBirth", json!(future)),
    ];
    for (field, value) in cases {
        let mut body = person("Bad Input");
        body[field] = value.clone();
        let r = register(&app, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}={value}: {r:?}");
        assert!(r.body["error"].as_str().is_some_and(|e| !e.is_empty()), "{r:?}");
        assert!(r.body["code"].is_string(), "{r:?}");
        assert_eq!(r.body["field"], field, "{field}={value}: {r:?}");
    }
    let list = app.get("/api/patients/", &app.admin).await;
    assert_eq!(list.body["total"], 0, "{list:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_same_name_date_of_birth_and_phone_twice_is_409() {
    let app = spawn_app().await;
    let body = |name: &str, phone: &str| json!({ "fullName": name, "age": 1, "gender": "F", "dateOfBirth": "1985-06-01", "phone": phone });
    assert_eq!(register(&app, body("Ana Lima", "(11) 5555-1234")).await.status, StatusCode::CREATED);
    let again = register(&app, body("ANA LIMA", "11 5555 1234")).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{again:?}");
    assert!(again.body["error"].is_string());
    let other_phone = register(&app, body("Ana Lima", "11 5555 9999")).await;
    assert_eq!(other_phone.status, StatusCode::CREATED, "a different phone is a different person: {other_phone:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_list_is_paginated_newest_first_and_refuses_bad_page_values() {
    let app = spawn_app().await;
    for name in ["Oldest One", "Middle One", "Newest One"] {
        app.patient(&app.admin, name).await;
    }
    let all = app.get("/api/patients/", &app.admin).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!((all.body["total"].clone(), all.body["page"].clone(), all.body["total_pages"].clone()), (json!(3), json!(1), json!(1)));
    assert_eq!(names(&all.body["patients"]), ["Newest One", "Middle One", "Oldest One"]);
    let second = app.get("/api/patients/?page=2&page_size=2", &app.admin).await;
    assert_eq!((second.body["page"].clone(), second.body["total_pages"].clone()), (json!(2), json!(2)));
    assert_eq!(names(&second.body["patients"]), ["Oldest One"]);
    assert_eq!(app.get("/api/patients/?page_size=100", &app.admin).await.status, StatusCode::OK);
    for bad in ["page=0", "page_size=0", "page_size=101", "page=abc", "page_size=abc"] {
        let r = app.get(&format!("/api/patients/?{bad}"), &app.admin).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {r:?}");
        assert!(r.body["error"].is_string());
    }
    app.cleanup().await;
}

#[tokio::test]
async fn search_matches_word_prefixes_ignoring_case_and_accents() {
    let app = spawn_app().await;
    app.patient(&app.admin, "João da Silva").await;
    app.patient(&app.admin, "Pedro Alves").await;
    for q in ["jo%20sil", "jo+sil", "JOAO", "jo%C3%A3o", "SILVA", "da"] {
        assert_eq!(search(&app, q).await, ["João da Silva"], "q={q}");
    }
    for q in ["oao", "ilva", "jo+xyz"] {
        assert!(search(&app, q).await.is_empty(), "q={q} matches only word prefixes");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn search_finds_patients_by_record_number_phone_digits_and_email() {
    let app = spawn_app().await;
    let contact =
        json!({ "id": "MRN-4242", "fullName": "Carla Dias", "age": 30, "gender": "F", "phone": "+55 (21) 3456-7890", "email": "carla.dias@mail.test" });
    assert_eq!(register(&app, contact).await.status, StatusCode::CREATED);
    app.patient(&app.admin, "Someone Else").await;
    for q in ["MRN-4242", "mrn-42", "5521345", "552134567890", "carla.dias@mail.test", "carla.dias@ma"] {
        assert_eq!(search(&app, q).await, ["Carla Dias"], "q={q}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn search_puts_the_exact_record_number_first_then_the_closest_names() {
    let app = spawn_app().await;
    for (id, name) in [("A-1", "Bruna Anastacia"), ("A-2", "Anabela Costa"), ("A-3", "Zoe Ana"), ("ANA", "Yuri Anacleto")] {
        assert_eq!(register(&app, json!({ "id": id, "fullName": name, "age": 9, "gender": "F" })).await.body["id"], id);
    }
    // Exact record number, then a whole-word name match, then first-word prefix, then the rest.
    assert_eq!(search(&app, "ana").await, ["Yuri Anacleto", "Zoe Ana", "Anabela Costa", "Bruna Anastacia"]);
    let page = app.get("/api/patients/search/?q=ana&page=2&page_size=3", &app.admin).await;
    assert_eq!(names(&page.body), ["Bruna Anastacia"]);
    app.cleanup().await;
}

#[tokio::test]
async fn an_empty_query_finds_nothing_and_a_one_character_query_is_400() {
    let app = spawn_app().await;
    app.patient(&app.admin, "Jo Short").await;
    for path in ["/api/patients/search/", "/api/patients/search/?q=", "/api/patients/search/?q=%20%20"] {
        let r = app.get(path, &app.admin).await;
        assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!([])), "{path}");
    }
    let r = app.get("/api/patients/search/?q=j", &app.admin).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert!(r.body["error"].as_str().is_some_and(|e| e.contains("2 characters")), "{r:?}");
    app.cleanup().await;
}

/// The server's profiler records the exact `find` the API sends; its `explain`
/// must be an index scan. (SecantusDB reports standard `queryPlanner` plans;
/// without a hint it plans `$all` as a COLLSCAN, which this test caught.)
#[tokio::test]
async fn search_is_served_by_the_search_terms_index() {
    let app = spawn_app().await;
    for name in ["João da Silva", "Joana Souza", "Pedro Silva", "Sílvio Jorge", "Maria Alves"] {
        app.patient(&app.admin, name).await;
    }
    let db = &app.state.store.db;
    db.run_command(doc! { "profile": 2 }).await.unwrap();
    assert_eq!(search(&app, "jo+sil").await, ["João da Silva", "Sílvio Jorge"]);
    db.run_command(doc! { "profile": 0 }).await.unwrap();
    let profiled: Vec<Document> = db.collection::<Document>("system.profile").find(doc! {}).await.unwrap().try_collect().await.unwrap();
    let find = profiled
        .iter()
        .filter_map(|p| p.get_document("command").ok())
        .find(|c| c.get_str("find").is_ok_and(|f| f == "patients") && c.get_document("filter").is_ok_and(|f| f.contains_key("search_terms")))
        .unwrap_or_else(|| panic!("the search's find was not profiled: {profiled:?}"))
        .clone();
    println!("search command: {find}");
    let explained = db.run_command(doc! { "explain": find, "verbosity": "executionStats" }).await.unwrap();
    let plan = explained.get_document("queryPlanner").unwrap().get("winningPlan").cloned().unwrap();
    println!("winning plan: {plan}");
    assert!(uses_index(&plan), "not an index scan: {plan}");
    assert!(!plan.to_string().contains("COLLSCAN"), "{plan}");
    let stats = explained.get_document("executionStats").unwrap();
    assert_eq!(stats.get("totalDocsExamined"), stats.get("nReturned"), "only matches are fetched: {stats}");
    app.cleanup().await;
}

#[tokio::test]
async fn patching_returns_the_full_patient_and_renames_their_appointments() {
    let app = spawn_app().await;
    let (doctor, token) = app.doctor("Dr Rename").await;
    let id = app.patient(&token, "Old Name").await;
    let booking = json!({ "patientIdInput": id, "appointmentDate": slot(2, "10:00"), "smsReceived": false, "doctorId": doctor });
    let appt = app.post("/api/appointments/", &token, booking).await;
    assert_eq!(appt.status, StatusCode::CREATED, "{appt:?}");
    assert_eq!(search(&app, "old").await, ["Old Name"]);
    let r = app.patch(&format!("/api/patients/{id}/"), &token, json!({ "fullName": "New Name", "age": 41 })).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!((r.body["id"].as_str(), r.body["fullName"].as_str(), r.body["age"].as_u64()), (Some(id.as_str()), Some("New Name"), Some(41)));
    assert_eq!((r.body["gender"].clone(), r.body["attendanceScore"].clone()), (json!("F"), json!(75)), "untouched fields stay: {r:?}");
    assert!(search(&app, "old").await.is_empty(), "no stale cached search after a write");
    assert_eq!(search(&app, "new+na").await, ["New Name"]);
    let appt_id = appt.body["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/api/appointments/{appt_id}/"), &token).await.body["patientName"], "New Name");
    let moved = app.patch(&format!("/api/patients/{id}/"), &token, json!({ "id": "P-999" })).await;
    assert_eq!((moved.status, moved.body["id"].as_str()), (StatusCode::OK, Some(id.as_str())), "the record number never changes: {moved:?}");
    let bad = app.patch(&format!("/api/patients/{id}/"), &token, json!({ "age": 500 })).await;
    assert_eq!((bad.status, bad.body["field"].clone()), (StatusCode::BAD_REQUEST, json!("age")));
    app.cleanup().await;
}

#[tokio::test]
async fn an_unknown_patient_is_404_with_an_error_on_every_route() {
    let app = spawn_app().await;
    let routes = [(Method::GET, None), (Method::PATCH, Some(json!({ "fullName": "X Y", "age": 3 }))), (Method::DELETE, None)];
    for (method, body) in routes {
        let r = app.call(method.clone(), "/api/patients/P-404/", Some(&app.admin), body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method}: {r:?}");
        assert!(r.body["error"].is_string(), "{method}: {r:?}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_is_204_but_409_while_the_patient_has_appointments() {
    let app = spawn_app().await;
    let (_, token) = app.doctor("Dr Delete").await;
    let free = app.patient(&app.admin, "Free Patient").await;
    let booked = app.patient(&app.admin, "Booked Patient").await;
    let appt = app.post("/api/appointments/", &token, json!({ "patientIdInput": booked, "appointmentDate": slot(1, "08:00"), "smsReceived": true })).await;
    assert_eq!(appt.status, StatusCode::CREATED, "{appt:?}");
    let r = app.call(Method::DELETE, &format!("/api/patients/{free}/"), Some(&token), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{r:?}");
    assert_eq!(app.get(&format!("/api/patients/{free}/"), &app.admin).await.status, StatusCode::NOT_FOUND);
    let r = app.call(Method::DELETE, &format!("/api/patients/{booked}/"), Some(&app.admin), None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
    assert!(r.body["error"].is_string());
    assert_eq!(names(&app.get("/api/patients/", &app.admin).await.body["patients"]), ["Booked Patient"]);
    app.cleanup().await;
}

#[tokio::test]
async fn doctors_see_every_patient_whoever_registered_them() {
    let app = spawn_app().await;
    let (a_id, a) = app.doctor("Dr Registrar").await;
    let (_, b) = app.doctor("Dr Other").await;
    let id = app.patient(&a, "Shared Patient").await;
    let read = app.get(&format!("/api/patients/{id}/"), &b).await;
    assert_eq!((read.status, read.body["doctorId"].as_str()), (StatusCode::OK, Some(a_id.as_str())));
    let list = app.get("/api/patients/", &b).await;
    assert_eq!(names(&list.body["patients"]), ["Shared Patient"]);
    let found = app.get("/api/patients/search/?q=shared", &b).await;
    assert_eq!(names(&found.body), ["Shared Patient"]);
    app.cleanup().await;
}
