//! The outreach loop over real services. Reminders: the clock is moved, two workers run
//! the scheduler every second against one Redis and one SMTP sink, and each
//! reminder arrives exactly once, in the clinic's local time, logged in the
//! contact log; none for cancelled appointments, opted-out patients or
//! patients without an e-mail address.

use crate::helpers::{slot, spawn_app_with, TestApp};
use chrono::{NaiveDateTime, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use testkit::services::{PrivateRedis, PrivateSmtp};
use testkit::{eventually, mailbox};

const FAST: [(&str, &str); 4] =
    [("JOB_REDISPATCH_SECONDS", "2"), ("JOB_LEASE_SECONDS", "4"), ("JOB_RELAY_INTERVAL_MS", "200"), ("REMINDER_TICK_SECONDS", "1")];

async fn patient(app: &TestApp, token: &str, name: &str, email: Option<&str>, opt_out: bool) -> String {
    let mut body = json!({ "fullName": name, "age": 40, "gender": "F", "remindersOptOut": opt_out });
    if let Some(e) = email {
        body["email"] = json!(e);
    }
    let r = app.post("/api/patients/", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

async fn book(app: &TestApp, token: &str, patient: &str, when: &str) -> String {
    let r = app.post("/api/appointments/", token, json!({ "patientIdInput": patient, "appointmentDate": when })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn each_reminder_is_emailed_once_with_two_workers_and_never_when_it_should_not_be() {
    let (redis, smtp) = (PrivateRedis::start(), PrivateSmtp::start());
    let (redis_url, smtp_url) = (redis.url(), smtp.url());
    let mut extra = vec![("REDIS_URL", redis_url.as_str()), ("SMTP_URL", smtp_url.as_str()), ("CLINIC_NAME", "Vila Clinic")];
    extra.extend(FAST);
    let app = spawn_app_with(&extra).await;
    let (_, doctor) = app.doctor("Dr Remind").await;
    let id = &app.iso.id;
    let (ana, bia, cai) = (format!("ana-{id}@mail.test"), format!("bia-{id}@mail.test"), format!("cai-{id}@mail.test"));
    let reminded = patient(&app, &doctor, "Ana Remind", Some(&ana), false).await;
    let opted_out = patient(&app, &doctor, "Bia Optout", Some(&bia), true).await;
    let cancelled = patient(&app, &doctor, "Cai Cancel", Some(&cai), false).await;
    let no_email = patient(&app, &doctor, "Dora Nomail", None, false).await;
    let when = slot(3, "10:00");
    let appointment = book(&app, &doctor, &reminded, &when).await;
    book(&app, &doctor, &opted_out, &slot(3, "11:00")).await;
    let to_cancel = book(&app, &doctor, &cancelled, &slot(3, "12:00")).await;
    book(&app, &doctor, &no_email, &slot(3, "13:00")).await;
    let r = app.call(reqwest::Method::POST, &format!("/api/appointments/{to_cancel}/cancel/"), Some(&doctor), None).await;
    assert_eq!(r.status, StatusCode::OK);

    let _first = app.start_worker();
    let _second = app.start_worker();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(mailbox::count_to(&smtp.maildir, &ana), 0, "nothing is due three days ahead");

    // Twelve hours before the appointment (clinic time is UTC here): the 24-hour reminder is due.
    let start = Utc.from_utc_datetime(&NaiveDateTime::parse_from_str(&when, "%Y-%m-%dT%H:%M:%S").unwrap());
    app.advance(start - chrono::Duration::hours(12) - app.clock_now());
    let job_id = jobs::reminder_job_id(&appointment, 24);
    let job = eventually(Duration::from_secs(60), || async { app.state.store.find_job(&job_id).await.ok().flatten() }).await;
    let upcoming = app.state.store.upcoming_appointments(app.clock_now(), chrono::Duration::hours(24)).await.unwrap();
    assert!(job.is_some(), "the scheduler writes the job: upcoming {upcoming:?} at {}", app.clock_now());
    let arrived = eventually(Duration::from_secs(60), || async { Some(mailbox::count_to(&smtp.maildir, &ana)).filter(|n| *n >= 1) }).await;
    let job = app.state.store.find_job(&job_id).await.unwrap();
    assert_eq!(arrived, Some(1), "the reminder arrives: {job:?}");
    // Both schedulers keep firing every second: still one message.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(mailbox::count_to(&smtp.maildir, &ana), 1, "sent exactly once");
    for (who, address) in [("opted out", &bia), ("cancelled", &cai)] {
        assert_eq!(mailbox::count_to(&smtp.maildir, address), 0, "no reminder when {who}");
    }
    let body = mailbox::messages_to(&smtp.maildir, &ana).join("\n");
    assert!(body.contains("10:00") && body.contains("Vila Clinic") && body.contains("Ana Remind"), "{body}");

    let contacts = app.get(&format!("/api/appointments/{appointment}/contacts/"), &doctor).await;
    let log = contacts.body.as_array().cloned().unwrap_or_default();
    assert_eq!(log.len(), 1, "{contacts:?}");
    assert_eq!((log[0]["channel"].as_str(), log[0]["result"].as_str(), log[0]["reminderHours"].as_u64()), (Some("email"), Some("sent"), Some(24)));
    let events = app.get(&format!("/api/appointments/{appointment}/events/"), &doctor).await;
    assert!(events.body.to_string().contains("reminder"), "the reminder is in the audit trail: {events:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_worklist_orders_a_days_pending_appointments_by_risk_with_what_was_done() {
    let app = spawn_app_with(&[]).await;
    let (_, doctor) = app.doctor("Dr Worklist").await;
    let (_, other) = app.doctor("Dr Elsewhere").await;
    let unpredicted = patient(&app, &doctor, "Una Unscored", Some("una@mail.test"), false).await;
    let day = slot(4, "08:00")[..10].to_string();
    book(&app, &doctor, &unpredicted, &format!("{day}T08:00:00")).await;
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/noshow-sample.csv");
    api::cli::first_model(&app.state.store, &sample, &app.iso_artifacts()).await.unwrap();
    app.state.model.refresh(&app.state.store).await.unwrap();
    let mut booked = Vec::new();
    for (i, age) in [70u8, 19, 45].iter().enumerate() {
        let r = app.post("/api/patients/", &doctor, json!({ "fullName": format!("Pat {i}"), "age": age, "gender": "F", "phone": "+55 27 99999-0000" })).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        booked.push(book(&app, &doctor, &id, &format!("{day}T{:02}:00:00", 9 + i)).await);
    }
    let cancelled = booked[2].clone();
    app.call(reqwest::Method::POST, &format!("/api/appointments/{cancelled}/cancel/"), Some(&doctor), None).await;
    let contact = app.post(&format!("/api/appointments/{}/contacts/", booked[0]), &doctor, json!({ "channel": "phone", "result": "no_answer" })).await;
    assert_eq!(contact.status, StatusCode::CREATED, "{contact:?}");

    let list = app.get(&format!("/api/outreach/?date={day}"), &doctor).await;
    assert_eq!(list.status, StatusCode::OK, "{list:?}");
    let entries = list.body["entries"].as_array().unwrap().clone();
    assert_eq!(list.body["total"], 3, "pending only: {list:?}");
    let risks: Vec<Option<f64>> = entries.iter().map(|e| e["prediction"]["noShowProbability"].as_f64()).collect();
    assert!(risks[..2].iter().all(Option::is_some) && risks[2].is_none(), "unpredicted last: {risks:?}");
    assert!(risks[0] >= risks[1], "highest risk first: {risks:?}");
    let first = entries.iter().find(|e| e["appointmentId"] == booked[0].as_str()).unwrap();
    assert_eq!(first["patient"]["phone"], "+55 27 99999-0000");
    assert_eq!(first["contacts"][0]["result"], "no_answer");
    assert!(first["prediction"]["reasons"].as_array().is_some_and(|r| r.len() == 3) && first["prediction"]["band"].is_string());

    let theirs = app.get(&format!("/api/outreach/?date={day}"), &other).await;
    assert_eq!(theirs.body["total"], 0, "a doctor sees their own");
    let all = app.get(&format!("/api/outreach/?date={day}"), &app.admin).await;
    assert_eq!(all.body["total"], 3);
    let paged = app.get(&format!("/api/outreach/?date={day}&page_size=1&page=2"), &doctor).await;
    assert_eq!(paged.body["entries"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.get("/api/outreach/?date=2026-02-30", &doctor).await.status, StatusCode::BAD_REQUEST);
    app.cleanup().await;
}

#[tokio::test]
async fn capacity_sums_expected_attendances_per_doctor_and_day_and_events_are_listed_by_actor() {
    let app = spawn_app_with(&[]).await;
    let (doctor_id, doctor) = app.doctor("Dr Capacity").await;
    let (_, other) = app.doctor("Dr Other").await;
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/noshow-sample.csv");
    api::cli::first_model(&app.state.store, &sample, &app.iso_artifacts()).await.unwrap();
    app.state.model.refresh(&app.state.store).await.unwrap();
    let day = slot(5, "08:00")[..10].to_string();
    let mut expected = 0.0;
    for i in 0..3 {
        let p = patient(&app, &doctor, &format!("Cap {i}"), None, false).await;
        let r = app.post("/api/appointments/", &doctor, json!({ "patientIdInput": p, "appointmentDate": format!("{day}T{:02}:00:00", 9 + i) })).await;
        expected += 1.0 - r.body["prediction"]["noShowProbability"].as_f64().unwrap();
        if i == 2 {
            let id = r.body["id"].as_str().unwrap();
            app.call(reqwest::Method::POST, &format!("/api/appointments/{id}/cancel/"), Some(&doctor), None).await;
            expected -= 1.0 - r.body["prediction"]["noShowProbability"].as_f64().unwrap();
        }
    }
    let r = app.get(&format!("/api/analytics/capacity/?from={day}&to={day}"), &doctor).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let rows = r.body.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{r:?}");
    assert_eq!((rows[0]["doctorId"].as_str(), rows[0]["date"].as_str(), rows[0]["booked"].as_u64()), (Some(doctor_id.as_str()), Some(day.as_str()), Some(2)));
    assert!((rows[0]["expectedAttendances"].as_f64().unwrap() - expected).abs() < 1e-9, "{r:?} vs {expected}");
    assert_eq!(app.get(&format!("/api/analytics/capacity/?from={day}&to={day}"), &other).await.body, json!([]), "scoped");
    assert_eq!(app.get("/api/analytics/capacity/?from=yesterday", &doctor).await.status, StatusCode::BAD_REQUEST);

    let events = app.get("/api/admin/events/?actor=system", &app.admin).await;
    assert_eq!(events.status, StatusCode::OK, "{events:?}");
    let mine = app.get(&format!("/api/admin/events/?actor={doctor_id}"), &app.admin).await;
    let kinds: Vec<&str> = mine.body.as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"booked") && kinds.contains(&"cancel"), "{kinds:?}");
    assert!(mine.body.as_array().unwrap().iter().all(|e| e["actor"] == doctor_id.as_str()));
    assert_eq!(app.get("/api/admin/events/", &doctor).await.status, StatusCode::FORBIDDEN, "admins only");
    app.cleanup().await;
}

#[tokio::test]
async fn bookings_reminders_and_today_follow_the_clinic_zone_across_a_daylight_saving_change() {
    let (redis, smtp) = (PrivateRedis::start(), PrivateSmtp::start());
    let (redis_url, smtp_url) = (redis.url(), smtp.url());
    let mut extra = vec![("REDIS_URL", redis_url.as_str()), ("SMTP_URL", smtp_url.as_str()), ("CLINIC_TIMEZONE", "Europe/Lisbon")];
    extra.extend(FAST);
    let app = spawn_app_with(&extra).await;
    // Lisbon moves from UTC+0 to UTC+1 at 01:00 UTC on Sunday 2027-03-28.
    let at = |s: &str| Utc.from_utc_datetime(&NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap());
    app.advance(at("2027-03-27T23:30:00") - app.clock_now());
    let (_, doctor) = app.doctor("Dr Lisboa").await;
    let email = format!("dst-{}@mail.test", app.iso.id);
    let p = patient(&app, &doctor, "Dina Daylight", Some(&email), false).await;
    // Booked in winter time for a summer-time morning: stored and echoed as the wall clock.
    let id = book(&app, &doctor, &p, "2027-03-29T10:00:00").await;
    let read = app.get(&format!("/api/appointments/{id}/"), &doctor).await;
    assert!(read.body["appointmentDate"].as_str().unwrap().starts_with("2027-03-29T10:00"), "{read:?}");
    // "Today" is the clinic's day: 23:30 UTC on the 27th is still the 27th in Lisbon (UTC+0).
    let today = app.get("/api/outreach/", &doctor).await;
    assert_eq!(today.body["date"], "2027-03-27", "{today:?}");

    let _worker = app.start_worker();
    // 10:00 WEST is 09:00 UTC: the 24-hour reminder is due at 09:00 UTC on the 28th, after the change.
    app.advance(at("2027-03-28T08:50:00") - app.clock_now());
    assert_eq!(app.get("/api/outreach/", &doctor).await.body["date"], "2027-03-28");
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(mailbox::count_to(&smtp.maildir, &email), 0, "not due at 09:50 local: 24 h before is 10:00 local");
    app.advance(at("2027-03-28T09:01:00") - app.clock_now());
    let arrived = eventually(Duration::from_secs(60), || async { Some(mailbox::count_to(&smtp.maildir, &email)).filter(|n| *n >= 1) }).await;
    assert_eq!(arrived, Some(1));
    let body = mailbox::messages_to(&smtp.maildir, &email).join("\n");
    assert!(body.contains("10:00") && body.contains("Europe/Lisbon"), "the reminder gives the clinic's wall-clock time: {body}");
    app.cleanup().await;
}

#[tokio::test]
async fn outcomes_wait_for_the_start_and_corrections_keep_score_and_history_consistent() {
    let app = spawn_app_with(&[]).await;
    let (_, doctor) = app.doctor("Dr Outcome").await;
    let p = patient(&app, &doctor, "Otto Outcome", None, false).await;
    let when = slot(1, "14:30");
    let id = book(&app, &doctor, &p, &when).await;
    let path = format!("/api/appointments/{id}/");
    // 14:11 for a 14:30 appointment: refused with a clear 400.
    let start = Utc.from_utc_datetime(&NaiveDateTime::parse_from_str(&when, "%Y-%m-%dT%H:%M:%S").unwrap());
    app.advance(start - chrono::Duration::minutes(19) - app.clock_now());
    let early = app.patch(&path, &doctor, json!({ "showedUp": true, "wasLate": false })).await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST, "{early:?}");
    assert!(early.body["error"].as_str().unwrap().contains("not started"), "{early:?}");
    app.advance(chrono::Duration::minutes(40));
    let done = app.patch(&path, &doctor, json!({ "showedUp": true, "wasLate": false })).await;
    assert_eq!(done.status, StatusCode::OK, "{done:?}");
    let prediction = done.body["prediction"].clone();

    // The doctor corrects a mis-click within 24 hours, with a reason.
    let corrections = format!("/api/appointments/{id}/correct-outcome/");
    let bare = app.post(&corrections, &doctor, json!({ "showedUp": false })).await;
    assert_eq!(bare.status, StatusCode::BAD_REQUEST, "a reason is required: {bare:?}");
    let fixed = app.post(&corrections, &doctor, json!({ "showedUp": false, "wasLate": false, "reason": "clicked the wrong row" })).await;
    assert_eq!(fixed.status, StatusCode::OK, "{fixed:?}");
    assert_eq!((fixed.body["showedUp"].as_bool(), fixed.body["prediction"].clone()), (Some(false), prediction.clone()), "the prediction is never touched");
    let history = app.state.store.patient_history(&p).await.unwrap();
    assert_eq!(history.len(), 1, "corrected in place, not counted twice: {history:?}");
    assert!(history[0].no_show);
    let patient_now = app.get(&format!("/api/patients/{p}/"), &doctor).await;
    assert_eq!(patient_now.body["attendanceScore"], 0, "one visit, missed: {patient_now:?}");

    // After 24 hours only an admin may correct.
    app.advance(chrono::Duration::hours(25));
    let late = app.post(&corrections, &doctor, json!({ "showedUp": true, "wasLate": true, "reason": "patient came late after all" })).await;
    assert_eq!(late.status, StatusCode::FORBIDDEN, "{late:?}");
    let admin = app.post(&corrections, &app.admin, json!({ "showedUp": true, "wasLate": true, "reason": "front desk confirmed" })).await;
    assert_eq!(admin.status, StatusCode::OK, "{admin:?}");
    let history = app.state.store.patient_history(&p).await.unwrap();
    assert_eq!((history.len(), history[0].no_show), (1, false));
    let events = app.get(&format!("/api/appointments/{id}/events/"), &app.admin).await;
    let kinds: Vec<&str> = events.body.as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "correction").count(), 2, "{kinds:?}");
    assert!(kinds.contains(&"outcome") && kinds.contains(&"booked"), "{kinds:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn contact_logs_and_events_are_scoped_and_append_only_and_record_reads_are_audited() {
    let app = spawn_app_with(&[]).await;
    let (doctor_id, doctor) = app.doctor("Dr Scope").await;
    let (other_id, other) = app.doctor("Dr Nosy").await;
    let p = patient(&app, &doctor, "Sco Pedro", None, false).await;
    let id = book(&app, &doctor, &p, &slot(2, "09:00")).await;
    let contacts = format!("/api/appointments/{id}/contacts/");
    let events = format!("/api/appointments/{id}/events/");

    // Another doctor cannot see or add to it: 404, as for the appointment itself.
    assert_eq!(app.get(&contacts, &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&events, &other).await.status, StatusCode::NOT_FOUND);
    let theirs = app.post(&contacts, &other, json!({ "channel": "phone", "result": "reached" })).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{theirs:?}");
    // Staff log calls, never "sent" (the reminder job's word), nor unknown values.
    for bad in [json!({ "channel": "email", "result": "sent" }), json!({ "channel": "fax", "result": "reached" }), json!({ "channel": "phone" })] {
        let r = app.post(&contacts, &doctor, bad.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {r:?}");
        assert!(r.body["error"].is_string());
    }
    let logged = app.post(&contacts, &doctor, json!({ "channel": "sms", "result": "confirmed", "note": "will come" })).await;
    assert_eq!(logged.status, StatusCode::CREATED, "{logged:?}");
    assert_eq!((logged.body["by"].as_str(), logged.body["result"].as_str()), (Some(doctor_id.as_str()), Some("confirmed")), "who is set by the server");
    let listed = app.get(&contacts, &app.admin).await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "{listed:?}");
    for method in [reqwest::Method::PATCH, reqwest::Method::DELETE, reqwest::Method::PUT] {
        let r = app.call(method.clone(), &contacts, Some(&doctor), Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method}: the log is append-only");
        let r = app.call(method.clone(), &events, Some(&app.admin), Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method}: events are never changed");
    }
    let kinds: Vec<String> =
        app.get(&events, &doctor).await.body.as_array().unwrap().iter().filter_map(|e| e["kind"].as_str().map(String::from)).collect();
    assert!(kinds.iter().any(|k| k == "booked") && kinds.iter().any(|k| k == "contact"), "{kinds:?}");

    // Reading a patient's record is an event: who looked at whom.
    assert_eq!(app.get(&format!("/api/patients/{p}/"), &other).await.status, StatusCode::OK);
    let seen = app.get(&format!("/api/admin/events/?actor={other_id}"), &app.admin).await;
    let viewed: Vec<&serde_json::Value> = seen.body.as_array().unwrap().iter().filter(|e| e["kind"] == "patient_viewed").collect();
    assert_eq!(viewed.len(), 1, "{seen:?}");
    assert_eq!(viewed[0]["patientId"], p.as_str());

    // The time range: today's events are in today's range, not in yesterday's.
    let today = app.get("/api/outreach/", &doctor).await.body["date"].as_str().unwrap().to_string();
    let yesterday = (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap() - chrono::Duration::days(1)).to_string();
    let in_range = app.get(&format!("/api/admin/events/?actor={doctor_id}&from={today}&to={today}"), &app.admin).await;
    assert!(in_range.body.as_array().is_some_and(|e| !e.is_empty()), "{in_range:?}");
    let before = app.get(&format!("/api/admin/events/?actor={doctor_id}&from={yesterday}&to={yesterday}"), &app.admin).await;
    assert_eq!(before.body, json!([]), "{before:?}");
    assert_eq!(app.get("/api/admin/events/?from=2026-13-01", &app.admin).await.status, StatusCode::BAD_REQUEST);
    app.cleanup().await;
}
