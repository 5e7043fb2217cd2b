//! Appointments: booking rules, lists and searches, outcomes, cancellation,
//! doctor scoping on every route, and the prediction analytics.

use crate::helpers::{slot, spawn_app, Reply, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A clinic with one active doctor and one patient.
struct Clinic {
    app: TestApp,
    doctor: String,
    token: String,
    patient: String,
}

async fn clinic() -> Clinic {
    let app = spawn_app().await;
    let (doctor, token) = app.doctor("Dr Main").await;
    let patient = app.patient(&app.admin, "Maria Souza").await;
    Clinic { app, doctor, token, patient }
}

fn booking(patient: &str, when: &str) -> Value {
    json!({ "patientIdInput": patient, "appointmentDate": when, "smsReceived": true })
}

/// Books and expects 201; returns the appointment id.
async fn book(app: &TestApp, token: &str, patient: &str, when: &str) -> String {
    let r = app.post("/api/appointments/", token, booking(patient, when)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{when}: {r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

/// Records an outcome as if it were a day later (outcomes wait for the start
/// time), then puts the clock back, so later bookings in the test stay in the future.
async fn outcome(app: &TestApp, token: &str, id: &str, showed_up: bool, was_late: bool) -> Reply {
    let now = app.clock_now();
    app.clock.set(now + chrono::Duration::days(8));
    let reply = app.patch(&format!("/api/appointments/{id}/"), token, json!({ "showedUp": showed_up, "wasLate": was_late })).await;
    app.clock.set(now);
    reply
}

async fn cancel(app: &TestApp, token: &str, id: &str) -> Reply {
    app.call(Method::POST, &format!("/api/appointments/{id}/cancel/"), Some(token), None).await
}

/// The appointment ids of a page object or a bare array.
fn ids(body: &Value) -> Vec<String> {
    let items = body.get("appointments").unwrap_or(body);
    items.as_array().unwrap_or_else(|| panic!("no appointments in {body}")).iter().map(|a| a["id"].as_str().unwrap().to_string()).collect()
}

async fn listed(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let r = app.get(path, token).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {r:?}");
    ids(&r.body)
}

async fn score(app: &TestApp, patient: &str) -> Value {
    app.get(&format!("/api/patients/{patient}/"), &app.admin).await.body["attendanceScore"].clone()
}

fn assert_error(r: &Reply, status: StatusCode) {
    assert_eq!(r.status, status, "{r:?}");
    assert!(r.body["error"].as_str().is_some_and(|e| !e.is_empty()), "{r:?}");
}

#[tokio::test]
async fn a_doctor_books_for_themselves_and_gets_the_full_pending_appointment_unshifted() {
    let Clinic { app, doctor, token, patient } = clinic().await;
    let when = slot(3, "16:30");
    let mut body = booking(&patient, &when);
    for (k, v) in
        [("status", json!("done")), ("showedUp", json!(true)), ("wasLate", json!(true)), ("prediction", json!({ "label": "Show", "probability": 99 }))]
    {
        body[k] = v;
    }
    let r = app.post("/api/appointments/", &token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let a = &r.body;
    assert_eq!(a["id"].as_str().map(str::len), Some(24));
    assert_eq!(
        (a["patientId"].as_str(), a["patientName"].as_str(), a["doctorId"].as_str()),
        (Some(patient.as_str()), Some("Maria Souza"), Some(doctor.as_str()))
    );
    assert_eq!((a["date"].as_str(), a["time"].as_str()), (Some(&when[..10]), Some("16:30")), "no zone shift");
    assert_eq!(a["appointmentDate"], when);
    assert_eq!(a["smsReceived"], true);
    assert_eq!(a["status"], "pending", "outcome fields in the body are ignored");
    assert_eq!((a["showedUp"].clone(), a["wasLate"].clone(), a["prediction"].clone()), (Value::Null, Value::Null, Value::Null));
    assert!(a["createdAt"].as_str().is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()));
    let id = a["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/api/appointments/{id}/"), &token).await.body, r.body);
    app.cleanup().await;
}

#[tokio::test]
async fn admins_must_name_an_active_doctor() {
    let Clinic { app, doctor, patient, .. } = clinic().await;
    let (off, _) = app.doctor("Dr Off").await;
    assert_eq!(app.patch(&format!("/api/admin/doctors/{off}/"), &app.admin, json!({ "is_active": false })).await.status, StatusCode::OK);
    let admin_book = |doctor_id: Option<&str>, at: &str| {
        let mut body = booking(&patient, &slot(1, at));
        if let Some(d) = doctor_id {
            body["doctorId"] = json!(d);
        }
        app.post("/api/appointments/", &app.admin, body)
    };
    assert_error(&admin_book(None, "09:00").await, StatusCode::BAD_REQUEST);
    assert_error(&admin_book(Some(""), "09:00").await, StatusCode::BAD_REQUEST);
    assert_error(&admin_book(Some("0123456789abcdef01234567"), "09:00").await, StatusCode::NOT_FOUND);
    assert_error(&admin_book(Some("not-an-id"), "09:00").await, StatusCode::NOT_FOUND);
    assert_error(&admin_book(Some(&off), "09:00").await, StatusCode::BAD_REQUEST);
    let ok = admin_book(Some(&doctor), "09:00").await;
    assert_eq!((ok.status, ok.body["doctorId"].as_str()), (StatusCode::CREATED, Some(doctor.as_str())), "{ok:?}");
    assert_eq!(listed(&app, &app.admin, "/api/appointments/").await.len(), 1, "refusals wrote nothing");
    app.cleanup().await;
}

#[tokio::test]
async fn unknown_patients_past_times_and_garbage_dates_are_refused() {
    let Clinic { app, token, patient, .. } = clinic().await;
    let post = |body: Value| app.post("/api/appointments/", &token, body);
    assert_error(&post(booking("P-404", &slot(1, "09:00"))).await, StatusCode::NOT_FOUND);
    assert_error(&post(booking(&patient, &slot(-1, "09:00"))).await, StatusCode::BAD_REQUEST);
    for garbage in ["tomorrow", "2026-13-45T09:00:00", "", "09:30"] {
        let r = post(booking(&patient, garbage)).await;
        assert_error(&r, StatusCode::BAD_REQUEST);
        assert_eq!(r.body["field"], "appointmentDate", "{garbage}: {r:?}");
    }
    assert_error(&post(json!({ "appointmentDate": slot(1, "09:00"), "smsReceived": true })).await, StatusCode::BAD_REQUEST);
    assert_error(&post(json!({ "patientIdInput": patient, "appointmentDate": slot(1, "09:00"), "smsReceived": "yes" })).await, StatusCode::BAD_REQUEST);
    assert!(listed(&app, &token, "/api/appointments/").await.is_empty());
    app.cleanup().await;
}

#[tokio::test]
async fn an_overlapping_slot_of_the_same_doctor_is_409_until_the_first_is_canceled() {
    let Clinic { app, token, patient, .. } = clinic().await;
    let (_, other) = app.doctor("Dr Parallel").await;
    let first = book(&app, &token, &patient, &slot(2, "09:30")).await;
    for clash in ["09:30", "09:45", "09:01"] {
        let r = app.post("/api/appointments/", &token, booking(&patient, &slot(2, clash))).await;
        assert_error(&r, StatusCode::CONFLICT);
    }
    book(&app, &token, &patient, &slot(2, "10:00")).await;
    book(&app, &token, &patient, &slot(2, "09:00")).await;
    book(&app, &other, &patient, &slot(2, "09:30")).await;
    assert_eq!(cancel(&app, &token, &first).await.status, StatusCode::OK);
    book(&app, &token, &patient, &slot(2, "09:30")).await;
    app.cleanup().await;
}

#[tokio::test]
async fn the_list_is_newest_booked_first_and_filters_by_status_dates_patient_and_name() {
    let Clinic { app, token, patient, .. } = clinic().await;
    let other = app.patient(&app.admin, "Pedro Alves").await;
    let a1 = book(&app, &token, &patient, &slot(3, "08:00")).await;
    let a2 = book(&app, &token, &other, &slot(1, "08:00")).await;
    let a3 = book(&app, &token, &patient, &slot(2, "08:00")).await;
    cancel(&app, &token, &a2).await;
    let page = app.get("/api/appointments/", &token).await;
    assert_eq!((page.body["total"].clone(), page.body["page"].clone(), page.body["total_pages"].clone()), (json!(3), json!(1), json!(1)));
    assert_eq!(ids(&page.body), [a3.as_str(), a2.as_str(), a1.as_str()]);
    let day = |d: i64| slot(d, "08:00")[..10].to_string();
    let cases = [
        ("status=canceled".to_string(), vec![a2.as_str()]),
        ("status=pending".to_string(), vec![a3.as_str(), a1.as_str()]),
        (format!("date={}", day(2)), vec![a3.as_str()]),
        (format!("from={}&to={}", day(2), day(3)), vec![a3.as_str(), a1.as_str()]),
        (format!("from={}", day(2)), vec![a3.as_str(), a1.as_str()]),
        (format!("to={}", day(1)), vec![a2.as_str()]),
        (format!("patientId={other}"), vec![a2.as_str()]),
        ("q=maria+sou".to_string(), vec![a3.as_str(), a1.as_str()]),
        ("q=pedro&status=pending".to_string(), Vec::<&str>::new()),
        ("page=2&page_size=2".to_string(), vec![a1.as_str()]),
    ];
    for (query, expected) in cases {
        assert_eq!(listed(&app, &token, &format!("/api/appointments/?{query}")).await, expected, "{query}");
    }
    for bad in ["date=2026-02-30", "date=today", "from=x", "status=closed", "page_size=101"] {
        for path in ["/api/appointments/", "/api/appointments/search/"] {
            assert_error(&app.get(&format!("{path}?{bad}"), &token).await, StatusCode::BAD_REQUEST);
        }
    }
    app.cleanup().await;
}

#[tokio::test]
async fn search_is_a_bare_array_empty_without_a_filter_and_finds_by_patient_name_or_id() {
    let Clinic { app, token, patient, .. } = clinic().await;
    let other = app.patient(&app.admin, "João Pereira").await;
    let mine = book(&app, &token, &patient, &slot(1, "11:00")).await;
    let his = book(&app, &token, &other, &slot(2, "11:00")).await;
    assert_eq!(app.get("/api/appointments/search/", &token).await.body, json!([]));
    assert_eq!(app.get("/api/appointments/search/?q=", &token).await.body, json!([]));
    assert_eq!(listed(&app, &token, "/api/appointments/search/?q=souza").await, [mine.as_str()]);
    assert_eq!(listed(&app, &token, "/api/appointments/search/?q=joao+per").await, [his.as_str()]);
    assert_eq!(listed(&app, &token, &format!("/api/appointments/search/?q={other}")).await, [his.as_str()]);
    assert_eq!(listed(&app, &token, &format!("/api/appointments/search/?date={}", &slot(1, "11:00")[..10])).await, [mine.as_str()]);
    assert_eq!(listed(&app, &token, "/api/appointments/search/?status=pending&q=maria").await, [mine.as_str()]);
    assert!(listed(&app, &token, "/api/appointments/search/?status=done").await.is_empty());
    app.cleanup().await;
}

#[tokio::test]
async fn admins_list_one_doctors_appointments_as_a_page_and_unknown_doctors_are_404() {
    let Clinic { app, doctor, token, patient } = clinic().await;
    let (other_id, other) = app.doctor("Dr Second").await;
    let mine = book(&app, &token, &patient, &slot(1, "13:00")).await;
    book(&app, &other, &patient, &slot(1, "13:00")).await;
    let r = app.get(&format!("/api/appointments/doctor/{doctor}/"), &app.admin).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!((r.body["total"].clone(), r.body["page"].clone(), r.body["total_pages"].clone()), (json!(1), json!(1), json!(1)));
    assert_eq!(ids(&r.body), [mine.as_str()]);
    assert_eq!((r.body["appointments"][0]["time"].as_str(), r.body["appointments"][0]["status"].as_str()), (Some("13:00"), Some("pending")));
    assert_eq!(listed(&app, &app.admin, &format!("/api/appointments/doctor/{other_id}/")).await.len(), 1);
    for unknown in ["0123456789abcdef01234567", "nobody"] {
        assert_error(&app.get(&format!("/api/appointments/doctor/{unknown}/"), &app.admin).await, StatusCode::NOT_FOUND);
    }
    app.cleanup().await;
}

#[tokio::test]
async fn an_outcome_marks_it_done_once_and_late_absentees_are_refused() {
    let Clinic { app, token, patient, .. } = clinic().await;
    let id = book(&app, &token, &patient, &slot(1, "14:00")).await;
    assert_error(&outcome(&app, &token, &id, false, true).await, StatusCode::BAD_REQUEST);
    assert_error(&app.patch(&format!("/api/appointments/{id}/"), &token, json!({ "wasLate": false })).await, StatusCode::BAD_REQUEST);
    let r = outcome(&app, &token, &id, true, true).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!((r.body["status"].as_str(), r.body["showedUp"].as_bool(), r.body["wasLate"].as_bool()), (Some("done"), Some(true), Some(true)));
    assert_eq!((r.body["date"].clone(), r.body["patientName"].clone()), (json!(&slot(1, "14:00")[..10]), json!("Maria Souza")), "full appointment: {r:?}");
    for (showed, late) in [(true, true), (false, false)] {
        assert_error(&outcome(&app, &token, &id, showed, late).await, StatusCode::CONFLICT);
    }
    assert_eq!(app.get(&format!("/api/appointments/{id}/"), &token).await.body["wasLate"], true, "the first outcome stands");
    for unknown in ["0123456789abcdef01234567", "not-an-id"] {
        assert_error(&outcome(&app, &token, unknown, true, false).await, StatusCode::NOT_FOUND);
    }
    app.cleanup().await;
}

#[tokio::test]
async fn the_prediction_cannot_be_written_through_patch() {
    let Clinic { app, token, patient, .. } = clinic().await;
    let id = book(&app, &token, &patient, &slot(1, "15:00")).await;
    let forged = json!({ "label": "No-show", "probability": 90, "modelVersion": "forged" });
    for body in [json!({ "prediction": forged }), json!({ "showedUp": true, "wasLate": false, "prediction": forged })] {
        assert_error(&app.patch(&format!("/api/appointments/{id}/"), &token, body).await, StatusCode::BAD_REQUEST);
    }
    let stored = app.get(&format!("/api/appointments/{id}/"), &token).await.body;
    assert_eq!((stored["prediction"].clone(), stored["status"].clone()), (Value::Null, json!("pending")));
    assert_eq!(outcome(&app, &token, &id, false, false).await.body["prediction"], Value::Null, "recording the outcome leaves it");
    app.cleanup().await;
}

#[tokio::test]
async fn outcomes_update_the_patients_attendance_score() {
    let Clinic { app, token, patient, .. } = clinic().await;
    let late_one = app.patient(&app.admin, "Late Larry").await;
    let on_time = book(&app, &token, &patient, &slot(1, "08:00")).await;
    let missed = book(&app, &token, &patient, &slot(2, "08:00")).await;
    let late = book(&app, &token, &late_one, &slot(3, "08:00")).await;
    assert_eq!(score(&app, &patient).await, 75);
    assert_eq!(outcome(&app, &token, &on_time, true, false).await.status, StatusCode::OK);
    assert_eq!(score(&app, &patient).await, 100);
    assert_eq!(outcome(&app, &token, &missed, false, false).await.status, StatusCode::OK);
    assert_eq!(score(&app, &patient).await, 50, "one on time + one missed");
    assert_eq!(outcome(&app, &token, &late, true, true).await.status, StatusCode::OK);
    assert_eq!(score(&app, &late_one).await, 50, "late counts half");
    let listed = app.get("/api/patients/", &app.admin).await.body;
    let row = listed["patients"].as_array().unwrap().iter().find(|p| p["id"] == json!(patient)).cloned().unwrap();
    assert_eq!(row["attendanceScore"], 50, "no stale cached list");
    app.cleanup().await;
}

#[tokio::test]
async fn cancel_returns_the_full_appointment_is_repeatable_and_refused_once_done() {
    let Clinic { app, token, patient, .. } = clinic().await;
    let id = book(&app, &token, &patient, &slot(1, "12:00")).await;
    let r = cancel(&app, &token, &id).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!((r.body["id"].as_str(), r.body["status"].as_str(), r.body["time"].as_str()), (Some(id.as_str()), Some("canceled"), Some("12:00")));
    assert_eq!(r.body["date"], json!(&slot(1, "12:00")[..10]));
    let again = cancel(&app, &token, &id).await;
    assert_eq!((again.status, again.body["status"].as_str()), (StatusCode::OK, Some("canceled")));
    assert_error(&outcome(&app, &token, &id, true, false).await, StatusCode::CONFLICT);
    let done = book(&app, &token, &patient, &slot(1, "13:00")).await;
    outcome(&app, &token, &done, true, false).await;
    assert_error(&cancel(&app, &token, &done).await, StatusCode::CONFLICT);
    assert_eq!(app.get(&format!("/api/appointments/{done}/"), &token).await.body["status"], "done");
    assert_error(&cancel(&app, &token, "0123456789abcdef01234567").await, StatusCode::NOT_FOUND);
    app.cleanup().await;
}

#[tokio::test]
async fn another_doctors_appointment_is_404_on_every_route_and_never_listed() {
    let Clinic { app, doctor, token: a, patient } = clinic().await;
    let (_, b) = app.doctor("Dr Nosy").await;
    let theirs = book(&app, &a, &patient, &slot(1, "10:00")).await;
    let own = book(&app, &b, &patient, &slot(1, "10:00")).await;
    let path = format!("/api/appointments/{theirs}/");
    assert_error(&app.get(&path, &b).await, StatusCode::NOT_FOUND);
    assert_error(&outcome(&app, &b, &theirs, true, false).await, StatusCode::NOT_FOUND);
    assert_error(&cancel(&app, &b, &theirs).await, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&path, &a).await.body["status"], "pending", "B's attempts changed nothing");
    let scoped = [
        "/api/appointments/".to_string(),
        format!("/api/appointments/?doctorId={doctor}"),
        format!("/api/appointments/?patientId={patient}"),
        "/api/appointments/search/?q=maria".to_string(),
        "/api/appointments/search/?status=pending".to_string(),
        format!("/api/appointments/search/?q={patient}&doctorId={doctor}"),
    ];
    for query in &scoped {
        assert_eq!(listed(&app, &b, query).await, [own.as_str()], "{query}");
    }
    let booked_for_a = app
        .post("/api/appointments/", &b, json!({ "patientIdInput": patient, "appointmentDate": slot(2, "10:00"), "smsReceived": false, "doctorId": doctor }))
        .await;
    assert!(booked_for_a.status.is_client_error() && booked_for_a.status != StatusCode::CREATED, "{booked_for_a:?}");
    assert_eq!(app.get(&format!("/api/appointments/doctor/{doctor}/"), &b).await.status, StatusCode::FORBIDDEN);
    let mut all = listed(&app, &app.admin, "/api/appointments/").await;
    all.sort();
    let mut both = vec![theirs.clone(), own.clone()];
    both.sort();
    assert_eq!(all, both, "admins see everything");
    assert_eq!(app.get(&path, &app.admin).await.status, StatusCode::OK);
    assert_eq!(cancel(&app, &app.admin, &theirs).await.body["status"], "canceled", "admins manage everything");
    app.cleanup().await;
}

#[tokio::test]
async fn prediction_analytics_count_only_predicted_appointments() {
    let Clinic { app, token, patient, .. } = clinic().await;
    let zeros = json!({ "total": 0, "correct": 0, "incorrect": 0, "accuracy": 0 });
    let summary = |r: Reply| {
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        ["total", "correct", "incorrect", "accuracy"].iter().map(|k| (k.to_string(), r.body[*k].clone())).collect::<serde_json::Map<_, _>>()
    };
    assert_eq!(Value::Object(summary(app.get("/api/analytics/predictions/", &app.admin).await)), zeros);
    let id = book(&app, &token, &patient, &slot(1, "09:00")).await;
    assert_eq!(outcome(&app, &token, &id, false, false).await.status, StatusCode::OK);
    for t in [&app.admin, &token] {
        // No model is trained here: the done appointment has no prediction and does not count.
        assert_eq!(Value::Object(summary(app.get("/api/analytics/predictions/", t).await)), zeros);
    }
    app.cleanup().await;
}

#[tokio::test]
async fn cached_appointment_pages_never_show_a_stale_write() {
    let c = clinic().await;
    let app = &c.app;
    let first = |r: &Reply| r.body["appointments"][0].clone();
    assert_eq!(app.get("/api/appointments/", &c.token).await.body["total"], 0);
    assert_eq!(app.get("/api/appointments/", &c.token).await.body["total"], 0, "served again, now from the cache");

    let booked = app.post("/api/appointments/", &c.token, json!({ "patientIdInput": c.patient, "appointmentDate": slot(1, "10:00") })).await;
    assert_eq!(booked.status, StatusCode::CREATED, "{booked:?}");
    let id = booked.body["id"].as_str().unwrap().to_string();
    let page = app.get("/api/appointments/", &c.token).await;
    assert_eq!((page.body["total"].as_u64(), first(&page)["id"].as_str()), (Some(1), Some(id.as_str())), "the booking shows at once");
    let admin_page = app.get(&format!("/api/appointments/doctor/{}/", c.doctor), &app.admin).await;
    assert_eq!(admin_page.body["total"], 1);

    let renamed = app.patch(&format!("/api/patients/{}/", c.patient), &app.admin, json!({ "fullName": "Maria Souza Lima", "age": 40 })).await;
    assert_eq!(renamed.status, StatusCode::OK, "{renamed:?}");
    assert_eq!(first(&app.get("/api/appointments/", &c.token).await)["patientName"], "Maria Souza Lima", "the rename shows at once");

    app.advance(chrono::Duration::days(2));
    let done = app.patch(&format!("/api/appointments/{id}/"), &c.token, json!({ "showedUp": true, "wasLate": false })).await;
    assert_eq!(done.status, StatusCode::OK, "{done:?}");
    assert_eq!(first(&app.get("/api/appointments/", &c.token).await)["status"], "done", "the outcome shows at once");
    let fixed = app
        .post(&format!("/api/appointments/{id}/correct-outcome/"), &c.token, json!({ "showedUp": false, "wasLate": false, "reason": "mis-click" }))
        .await;
    assert_eq!(fixed.status, StatusCode::OK, "{fixed:?}");
    assert_eq!(first(&app.get("/api/appointments/", &c.token).await)["showedUp"], false, "the correction shows at once");

    let other = app.post("/api/appointments/", &c.token, json!({ "patientIdInput": c.patient, "appointmentDate": slot(3, "10:00") })).await;
    let other_id = other.body["id"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/appointments/", &c.token).await.body["total"], 2);
    app.call(Method::POST, &format!("/api/appointments/{other_id}/cancel/"), Some(&c.token), None).await;
    assert_eq!(first(&app.get("/api/appointments/", &c.token).await)["status"], "canceled", "the cancel shows at once");
    c.app.cleanup().await;
}
