//! Query plans (`explain`) of the queries behind the measured endpoints, as
//! the repositories send them, and the time of each part of the list queries
//! (total vs page), to show where the time goes.

use crate::raw::reads::tally_pipeline;
use crate::raw::{all_terms, Raw};
use futures_util::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};
use mongodb::options::Hint;
use std::time::Instant;

/// `LIMIT <- FETCH <- IXSCAN search_terms_1` from a plan tree (MongoDB's shape).
fn plan_summary(plan: &Document) -> String {
    let Ok(stage) = plan.get_str("stage") else {
        return Bson::Document(plan.clone()).into_relaxed_extjson().to_string().chars().take(300).collect();
    };
    let mut s = stage.to_string();
    if let Ok(index) = plan.get_str("indexName") {
        s.push_str(&format!(" {index}"));
    }
    if let Ok(child) = plan.get_document("inputStage") {
        s.push_str(&format!(" <- {}", plan_summary(child)));
    } else if let Ok(children) = plan.get_array("inputStages") {
        let inner: Vec<String> = children.iter().filter_map(Bson::as_document).map(plan_summary).collect();
        s.push_str(&format!(" <- [{}]", inner.join(" | ")));
    }
    s
}

/// The first sub-document named `key`, depth-first (through arrays too).
fn find_doc<'a>(d: &'a Document, key: &str) -> Option<&'a Document> {
    if let Ok(found) = d.get_document(key) {
        return Some(found);
    }
    d.values().find_map(|v| match v {
        Bson::Document(inner) => find_doc(inner, key),
        Bson::Array(items) => items.iter().find_map(|i| i.as_document().and_then(|d| find_doc(d, key))),
        _ => None,
    })
}

async fn explain(db: &mongodb::Database, label: &str, command: Document) {
    println!("- **{label}**");
    let verbosity = |v: &str| doc! { "explain": command.clone(), "verbosity": v };
    match db.run_command(verbosity("queryPlanner")).await {
        Ok(reply) => match find_doc(&reply, "winningPlan") {
            Some(plan) => println!("  - winning plan: `{}`", plan_summary(plan)),
            None => println!("  - reply: `{}`", Bson::Document(reply).into_relaxed_extjson().to_string().chars().take(300).collect::<String>()),
        },
        Err(e) => println!("  - explain failed: {e}"),
    }
    if let Ok(reply) = db.run_command(verbosity("executionStats")).await {
        if let Some(stats) = find_doc(&reply, "executionStats") {
            let num = |k: &str| stats.get(k).map(|v| v.to_string()).unwrap_or_else(|| "?".into());
            println!(
                "  - executionStats: nReturned {}, keysExamined {}, docsExamined {}, {} ms",
                num("nReturned"),
                num("totalKeysExamined"),
                num("totalDocsExamined"),
                num("executionTimeMillis")
            );
        }
    }
}

fn find(coll: &str, filter: Document, sort: Option<Document>, hint: Option<Document>, limit: i64) -> Document {
    let mut c = doc! { "find": coll, "filter": filter };
    if let Some(sort) = sort {
        c.insert("sort", sort);
    }
    if let Some(hint) = hint {
        c.insert("hint", hint);
    }
    c.insert("limit", limit);
    c
}

fn count(coll: &str, filter: Document, hint: Option<Document>) -> Document {
    let mut c = doc! { "aggregate": coll, "pipeline": [{ "$match": filter }, { "$group": { "_id": 1, "n": { "$sum": 1 } } }], "cursor": {} };
    if let Some(hint) = hint {
        c.insert("hint", hint);
    }
    c
}

pub struct Subjects {
    pub words: Vec<String>,
    pub doctor_id: String,
    pub day: (Bson, Bson),
    pub patient_id: String,
    pub booked_at: chrono::NaiveDateTime,
}

pub async fn plans(raw: &Raw, s: &Subjects) {
    let newest = doc! { "created_at": -1, "_id": -1 };
    let mut pending_words = doc! { "status": "pending" };
    pending_words.extend(all_terms("patient_terms", &s.words));
    let day = doc! { "starts_at": { "$gte": s.day.0.clone(), "$lt": s.day.1.clone() } };
    let plans = vec![
        ("patient search (hint search_terms, limit 500)", find("patients", all_terms("search_terms", &s.words), None, Some(doc! { "search_terms": 1 }), 500)),
        ("patient list page 1", find("patients", doc! {}, Some(newest.clone()), None, 20)),
        ("appointment list page 1, admin", find("appointments", doc! {}, Some(newest.clone()), None, 20)),
        ("appointment list page 1, doctor", find("appointments", doc! { "doctor_id": &s.doctor_id }, Some(newest.clone()), None, 20)),
        ("appointment list total, doctor (countDocuments)", count("appointments", doc! { "doctor_id": &s.doctor_id }, None)),
        ("appointment search page (hint patient_terms)", find("appointments", pending_words.clone(), Some(newest.clone()), Some(doc! { "patient_terms": 1 }), 20)),
        ("appointment search total (for comparison: the search endpoint no longer counts)", count("appointments", pending_words, Some(doc! { "patient_terms": 1 }))),
        ("appointments of a day, ordering=time", find("appointments", day.clone(), Some(doc! { "starts_at": 1, "_id": 1 }), None, 20)),
        ("appointments of a day, total", count("appointments", day, None)),
        ("prediction tally (analytics)", doc! { "aggregate": "appointments", "pipeline": tally_pipeline(doc! {}), "cursor": {} }),
        ("patient's history, first stage of patient_past (booking)", find("appointment_history", doc! { "patient_id": &s.patient_id }, None, None, 0)),
        ("patient_past (booking): the history aggregation", doc! { "aggregate": "appointment_history", "pipeline": storage::history::PastPipelines::new(&s.patient_id, s.booked_at).history, "cursor": {} }),
        ("patient_past (booking): the pending-appointments aggregation", doc! { "aggregate": "appointments", "pipeline": storage::history::PastPipelines::new(&s.patient_id, s.booked_at).pending, "cursor": {} }),
    ];
    for (label, command) in plans {
        explain(&raw.db, label, command).await;
    }
}

async fn median_ms<F, Fut>(mut f: F) -> String
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = mongodb::error::Result<()>>,
{
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        if let Err(e) = f().await {
            return format!("failed: {e}");
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    format!("{:.1}", times[2])
}

/// Total vs page of the list queries (median of 5, one at a time).
pub async fn breakdown(raw: &Raw, s: &Subjects) {
    let appointments = raw.collection("appointments");
    let mut words = doc! { "status": "pending" };
    words.extend(all_terms("patient_terms", &s.words));
    let doctor = doc! { "doctor_id": &s.doctor_id };
    let day = doc! { "starts_at": { "$gte": s.day.0.clone(), "$lt": s.day.1.clone() } };
    let hint = || Hint::Keys(doc! { "patient_terms": 1 });
    println!("| query part | median ms |");
    println!("|---|--:|");
    let patients = raw.collection("patients");
    let rows = [
        ("patients: estimatedDocumentCount (unfiltered list total)", median_ms(|| async { patients.estimated_document_count().await.map(|_| ()) }).await),
        ("appointments: estimatedDocumentCount (unfiltered list total)", median_ms(|| async { appointments.estimated_document_count().await.map(|_| ()) }).await),
        ("appointments: page of 20, newest first", median_ms(|| async { appointments.find(doc! {}).sort(doc! { "created_at": -1, "_id": -1 }).limit(20).await?.try_collect::<Vec<_>>().await.map(|_| ()) }).await),
        ("appointment search: countDocuments (not sent: searches have no total)", median_ms(|| async { appointments.count_documents(words.clone()).hint(hint()).await.map(|_| ()) }).await),
        ("appointment search: page of 20", median_ms(|| async { appointments.find(words.clone()).hint(hint()).sort(doc! { "created_at": -1, "_id": -1 }).limit(20).await?.try_collect::<Vec<_>>().await.map(|_| ()) }).await),
        ("one doctor's list: countDocuments", median_ms(|| async { appointments.count_documents(doctor.clone()).await.map(|_| ()) }).await),
        ("one doctor's list: page of 20", median_ms(|| async { appointments.find(doctor.clone()).sort(doc! { "created_at": -1, "_id": -1 }).limit(20).await?.try_collect::<Vec<_>>().await.map(|_| ()) }).await),
        ("a day: countDocuments", median_ms(|| async { appointments.count_documents(day.clone()).await.map(|_| ()) }).await),
        ("a day: page of 20 by time", median_ms(|| async { appointments.find(day.clone()).sort(doc! { "starts_at": 1, "_id": 1 }).limit(20).await?.try_collect::<Vec<_>>().await.map(|_| ()) }).await),
    ];
    for (label, v) in rows {
        println!("| {label} | {v} |");
    }
}

/// Each round trip of a raw booking (median over `bookings`, one at a time).
pub async fn booking_steps(raw: &Raw, bookings: Vec<crate::raw::Booking>) {
    let mut steps: Vec<(&'static str, Vec<f64>)> = Vec::new();
    for b in &bookings {
        match raw.book_steps(b).await {
            Ok(laps) => {
                for (label, ms) in laps {
                    match steps.iter_mut().find(|(l, _)| *l == label) {
                        Some((_, v)) => v.push(ms),
                        None => steps.push((label, vec![ms])),
                    }
                }
            }
            Err(e) => println!("- booking failed: {e:#}"),
        }
    }
    println!("| step | median ms |");
    println!("|---|--:|");
    for (label, mut v) in steps {
        v.sort_by(f64::total_cmp);
        println!("| {label} | {:.1} |", v[v.len() / 2]);
    }
    // Why two aggregations: the same counts in one `$unionWith` aggregation (not what the API sends).
    let Some(b) = bookings.first() else { return };
    let history = raw.collection("appointment_history");
    let union = crate::raw::patient_past_union_pipeline(&b.patient_id, &b.starts_at);
    let joined = median_ms(|| async { history.aggregate(union.clone()).await?.try_collect::<Vec<_>>().await.map(|_| ()) }).await;
    println!("| for comparison, not sent by the API: the same counts in one `$unionWith` aggregation | {joined} |");
}
