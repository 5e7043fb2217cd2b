//! Every index the application's queries need, declared in one place and
//! created at start-up (creating an existing index is a no-op). Sorted lists
//! end their sort with `_id` as a tiebreak, so their indexes do too: an index
//! that matches the whole sort lets a page stop after `limit` entries.

use crate::{appointments, audit, history, jobs, models, otps, patients, tokens, users, Result, Store};
use mongodb::bson::{doc, Document};
use mongodb::options::IndexOptions;
use mongodb::IndexModel;
use std::time::Duration;

fn index(keys: Document) -> IndexModel {
    IndexModel::builder().keys(keys).build()
}

fn unique(keys: Document) -> IndexModel {
    IndexModel::builder().keys(keys).options(IndexOptions::builder().unique(true).build()).build()
}

/// Unique among the documents that have the field (others are not indexed).
fn unique_where_present(keys: Document) -> IndexModel {
    IndexModel::builder().keys(keys).options(IndexOptions::builder().unique(true).sparse(true).build()).build()
}

/// Only documents that have the field are indexed.
fn sparse(keys: Document) -> IndexModel {
    IndexModel::builder().keys(keys).options(IndexOptions::builder().sparse(true).build()).build()
}

/// Documents are removed by the server once `field` is `after` in the past.
fn expiring(field: &str, after: Duration) -> IndexModel {
    IndexModel::builder().keys(doc! { field: 1 }).options(IndexOptions::builder().expire_after(after).build()).build()
}

fn declared() -> Vec<(&'static str, Vec<IndexModel>)> {
    vec![
        (
            users::COLLECTION,
            vec![
                unique(doc! { "email": 1 }),
                index(doc! { "role": 1, "created_at": -1, "_id": -1 }),
                index(doc! { "search_terms": 1 }),
                sparse(doc! { "pending_jobs.created_at": 1 }),
            ],
        ),
        (
            patients::COLLECTION,
            vec![
                index(doc! { "created_at": -1, "_id": -1 }),
                index(doc! { "doctor_id": 1, "created_at": -1, "_id": -1 }),
                index(doc! { "search_terms": 1 }),
                unique(doc! { "dedupe_key": 1 }),
            ],
        ),
        (
            appointments::COLLECTION,
            vec![
                index(doc! { "created_at": -1, "_id": -1 }),
                index(doc! { "doctor_id": 1, "created_at": -1, "_id": -1 }),
                index(doc! { "doctor_id": 1, "starts_at": 1, "_id": 1 }),
                index(doc! { "patient_id": 1, "starts_at": 1 }),
                index(doc! { "status": 1, "starts_at": 1, "_id": 1 }),
                index(doc! { "starts_at": 1, "_id": 1 }),
                index(doc! { "patient_terms": 1 }),
                // Live appointments' 5-minute cells: the database refuses overlapping bookings.
                unique_where_present(doc! { "slot_keys": 1 }),
                // Reminders: pending appointments starting soon.
                index(doc! { "status": 1, "starts_at_utc": 1 }),
                index(doc! { "starts_at_utc": 1 }),
                sparse(doc! { "effects_pending_since": 1 }),
                // The audit trail by actor and time (admins).
                index(doc! { "events.actor": 1, "events.at": -1 }),
                index(doc! { "events.at": -1 }),
            ],
        ),
        (audit::COLLECTION, vec![index(doc! { "actor": 1, "at": -1 }), index(doc! { "at": -1 }), index(doc! { "patient_id": 1, "at": -1 })]),
        (history::COLLECTION, vec![index(doc! { "patient_id": 1, "appointment_day": 1 }), index(doc! { "appointment_day": 1 })]),
        (tokens::COLLECTION, vec![expiring("expires_at", Duration::ZERO)]),
        (otps::COLLECTION, vec![expiring("expires_at", Duration::from_secs(24 * 3600))]),
        (models::COLLECTION, vec![index(doc! { "created_at": -1 })]),
        (
            jobs::COLLECTION,
            vec![
                expiring("created_at", Duration::from_secs(30 * 24 * 3600)),
                index(doc! { "state": 1, "dispatch.next_at": 1 }),
                index(doc! { "state": 1, "lease_until": 1 }),
                index(doc! { "state": 1, "created_at": 1 }),
            ],
        ),
    ]
}

pub async fn ensure(store: &Store) -> Result<()> {
    for (collection, models) in declared() {
        store.collection::<Document>(collection).create_indexes(models).await?;
    }
    Ok(())
}
