//! The reads: patient list and search (cold and warm), appointment list
//! (admin cold and warm, one doctor), search, by day and one appointment,
//! analytics (cold and warm).

use super::{get, prime, time, Ctx, Endpoint, Kind};
use crate::http::query;
use crate::load::{op, Op};
use crate::raw::reads::AppointmentQuery;
use crate::raw::Raw;
use api::services::{analytics::CACHE as ANALYTICS, appointment_lists, patients, patients::CACHE as PATIENTS};
use chrono::{Duration, NaiveTime};
use domain::search_text;
use mongodb::bson::{doc, DateTime as BsonDateTime};
use std::future::Future;
use std::sync::Arc;

/// A raw operation, timed.
fn raw<F, Fut, T>(ctx: &Ctx, f: F) -> Op
where
    F: Fn(Raw, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<T>> + Send + 'static,
{
    let r = ctx.raw.clone();
    op(move |seq| {
        let fut = f(r.clone(), seq);
        async move { Some(time(fut).await) }
    })
}

fn cached(ctx: &Ctx, namespace: &'static str, keys: Vec<String>) -> Op {
    let (admin, keys) = (ctx.admin.oid, Arc::new(keys));
    raw(ctx, move |r, seq| {
        let keys = keys.clone();
        async move { r.cached(admin, namespace, &keys[seq as usize % keys.len()]).await }
    })
}

const LISTS: &str = appointment_lists::CACHE;

/// A cache hit: the API serves `paths` from the cache that `prime` filled; the
/// raw side reads the same entries (`keys`) straight from Redis.
fn warm(ctx: &Ctx, key: &'static str, name: String, kind: Kind, paths: Vec<String>, namespace: &'static str, keys: Vec<String>) -> Endpoint {
    let token = ctx.admin.token.clone();
    Endpoint {
        key,
        name,
        kind,
        raw_does: "users.findOne; Redis GET generation + GET entry".into(),
        api: get(ctx, paths.clone(), &token, None),
        raw: cached(ctx, namespace, keys),
        prime: Some(prime(ctx, paths, &token, namespace)),
        before_cell: None,
    }
}

pub fn patients(ctx: &Ctx) -> Vec<Endpoint> {
    let admin = ctx.admin.clone();
    let list = vec!["/api/patients/".to_string()];
    // The keys `services::patients` caches under (filter, page, page size, clinic day; words, page, page size).
    let first = domain::pagination::PageRequest::default();
    let list_key = patients::list_key(&storage::patients::PatientFilter::default(), first, ctx.today);
    let searches = ctx.work.searches.clone();
    let paths: Vec<String> = searches.iter().map(|q| query("/api/patients/search/", &[("q", q)])).collect();
    let words: Arc<Vec<Vec<String>>> = Arc::new(searches.iter().map(|q| search_text::query_words(q)).collect());
    let search_keys = words.iter().map(|w| patients::search_key(w, first)).collect();
    let ws = words.clone();
    vec![
        Endpoint {
            key: "patients-cold",
            name: "GET /api/patients/ page 1, cold".into(),
            kind: Kind::UncachedRead,
            raw_does: "users.findOne; patients.estimatedDocumentCount and patients.find({}) sort created_at,_id limit 20, at once".into(),
            api: get(ctx, list.clone(), &admin.token, Some(PATIENTS)),
            raw: raw(ctx, move |r, _| async move { r.patient_page(admin.oid).await }),
            prime: None,
            before_cell: None,
        },
        warm(ctx, "patients-warm", "GET /api/patients/ page 1, warm".into(), Kind::CachedRead, list, PATIENTS, vec![list_key]),
        Endpoint {
            key: "search-cold",
            name: format!("GET /api/patients/search/?q= ({} queries), cold", paths.len()),
            kind: Kind::UncachedRead,
            raw_does: "users.findOne; patients.find(search_terms $all) hint search_terms limit 500".into(),
            api: get(ctx, paths.clone(), &admin.token, Some(PATIENTS)),
            raw: raw(ctx, move |r, seq| {
                let ws = ws.clone();
                async move { r.patient_search(admin.oid, &ws[seq as usize % ws.len()]).await }
            }),
            prime: None,
            before_cell: None,
        },
        warm(ctx, "search-warm", format!("GET /api/patients/search/?q= ({} queries), warm", paths.len()), Kind::CachedRead, paths, PATIENTS, search_keys),
    ]
}

fn page(ctx: &Ctx, user: mongodb::bson::oid::ObjectId, queries: Vec<AppointmentQuery>) -> Op {
    let queries = Arc::new(queries);
    raw(ctx, move |r, seq| {
        let queries = queries.clone();
        async move { r.appointment_page(user, &queries[seq as usize % queries.len()]).await }
    })
}

pub fn appointments(ctx: &Ctx) -> Vec<Endpoint> {
    let (admin, doctor) = (ctx.admin.clone(), ctx.doctors[0].clone());
    let newest = doc! { "created_at": -1, "_id": -1 };
    let all = |filter| AppointmentQuery { filter, sort: newest.clone(), hint: None };
    let searches = &ctx.work.searches;
    let search_paths = searches.iter().map(|q| query("/api/appointments/search/", &[("q", q), ("status", "pending")])).collect();
    let search_queries: Vec<AppointmentQuery> = searches
        .iter()
        .map(|q| {
            let mut filter = doc! { "status": "pending" };
            filter.extend(crate::raw::all_terms("patient_terms", &search_text::query_words(q)));
            AppointmentQuery { filter, sort: newest.clone(), hint: Some(doc! { "patient_terms": 1 }) }
        })
        .collect();
    let days = &ctx.work.days;
    let day_paths = days.iter().map(|d| query("/api/appointments/", &[("date", &d.to_string()), ("ordering", "time")])).collect();
    let day_queries = days
        .iter()
        .map(|d| {
            let start = d.and_time(NaiveTime::MIN);
            let (from, to) = (BsonDateTime::from_chrono(start.and_utc()), BsonDateTime::from_chrono((start + Duration::days(1)).and_utc()));
            AppointmentQuery { filter: doc! { "starts_at": { "$gte": from, "$lt": to } }, sort: doc! { "starts_at": 1, "_id": 1 }, hint: None }
        })
        .collect();
    // The key `services::appointment_lists` caches an admin's first page under.
    let admin_list_key = appointment_lists::key(
        &storage::appointments::AppointmentFilter::default(),
        storage::appointments::AppointmentOrder::NewestBooked,
        domain::pagination::PageRequest::default(),
    );
    let ids = ctx.work.appointment_ids.clone();
    let one_paths = ids.iter().take(200).map(|id| format!("/api/appointments/{}/", id.to_hex())).collect();
    let ids = Arc::new(ids);
    vec![
        Endpoint {
            key: "appointments-admin",
            name: "GET /api/appointments/ page 1, admin, cold".into(),
            kind: Kind::UncachedRead,
            raw_does: "users.findOne; appointments.estimatedDocumentCount and find({}) sort created_at,_id limit 20, at once".into(),
            api: get(ctx, vec!["/api/appointments/".into()], &admin.token, Some(LISTS)),
            raw: page(ctx, admin.oid, vec![all(doc! {})]),
            prime: None,
            before_cell: None,
        },
        warm(
            ctx,
            "appointments-admin-warm",
            "GET /api/appointments/ page 1, admin, warm".into(),
            Kind::CachedRead,
            vec!["/api/appointments/".into()],
            LISTS,
            vec![admin_list_key],
        ),
        Endpoint {
            key: "appointments-doctor",
            name: "GET /api/appointments/ page 1, one doctor, cold".into(),
            kind: Kind::UncachedRead,
            raw_does: "users.findOne; appointments.countDocuments({doctor_id}) and find({doctor_id}) sort created_at,_id limit 20, at once".into(),
            api: get(ctx, vec!["/api/appointments/".into()], &doctor.token, Some(LISTS)),
            raw: page(ctx, doctor.oid, vec![all(doc! { "doctor_id": &doctor.id })]),
            prime: None,
            before_cell: None,
        },
        Endpoint {
            key: "appointments-search",
            name: format!("GET /api/appointments/search/?q=&status=pending ({} queries), admin", searches.len()),
            kind: Kind::UncachedRead,
            raw_does: "users.findOne; find({status, patient_terms $all}) hint patient_terms, limit 20 (no total)".into(),
            api: get(ctx, search_paths, &admin.token, None),
            raw: {
                let queries = Arc::new(search_queries);
                raw(ctx, move |r, seq| {
                    let queries = queries.clone();
                    async move { r.appointment_search(admin.oid, &queries[seq as usize % queries.len()]).await }
                })
            },
            prime: None,
            before_cell: None,
        },
        Endpoint {
            key: "appointments-day",
            name: format!("GET /api/appointments/?date=&ordering=time ({} days), admin, cold", days.len()),
            kind: Kind::UncachedRead,
            raw_does: "users.findOne; countDocuments and find({starts_at in day}) sort starts_at,_id limit 20, at once".into(),
            api: get(ctx, day_paths, &admin.token, Some(LISTS)),
            raw: page(ctx, admin.oid, day_queries),
            prime: None,
            before_cell: None,
        },
        Endpoint {
            key: "appointment-one",
            name: "GET /api/appointments/{id}/ (200 ids), admin".into(),
            kind: Kind::UncachedRead,
            raw_does: "users.findOne; appointments.findOne({_id}) without logs".into(),
            api: get(ctx, one_paths, &admin.token, None),
            raw: raw(ctx, move |r, seq| {
                let ids = ids.clone();
                async move { r.appointment(admin.oid, ids[seq as usize % ids.len().min(200)]).await }
            }),
            prime: None,
            before_cell: None,
        },
    ]
}

pub fn analytics(ctx: &Ctx) -> Vec<Endpoint> {
    let admin = ctx.admin.clone();
    let path = vec!["/api/analytics/predictions/".to_string()];
    // The key `services::analytics` caches an admin's unfiltered figures under.
    let key = api::services::analytics::key(&storage::appointments::AppointmentFilter::default());
    vec![
        Endpoint {
            key: "analytics-cold",
            name: "GET /api/analytics/predictions/, cold".into(),
            kind: Kind::AnalyticsCold,
            raw_does: "users.findOne; the prediction_tally aggregation ($match, one $group by model, gender, age band, neighbourhood, score bin, outcome and flag), every cell read".into(),
            api: get(ctx, path.clone(), &admin.token, Some(ANALYTICS)),
            raw: raw(ctx, move |r, _| async move { r.tally(admin.oid).await }),
            prime: None,
            before_cell: None,
        },
        warm(ctx, "analytics-warm", "GET /api/analytics/predictions/, warm".into(), Kind::AnalyticsWarm, path, ANALYTICS, vec![key]),
    ]
}
