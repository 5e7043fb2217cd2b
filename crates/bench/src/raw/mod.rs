//! The raw baseline: the database operations each endpoint performs, sent
//! directly with the `mongodb` driver (and, for cache hits, the Redis reads),
//! from a client of its own, made by the API's own `storage::connect` (same
//! URI, pool size, timeouts and command monitoring). Each function is one request's worth of
//! round trips, in the same order, with the same filters, sorts, hints,
//! projections and limits as the repositories (see `reads` and `writes`).
//! What it leaves out is the API itself: HTTP, JSON, routing, middleware,
//! token checks, the typed documents, ranking and shaping replies.

pub mod reads;
mod writes;

pub use writes::{patient_past_union_pipeline, Booking};

use anyhow::Context;
use domain::clinic_time::ClinicZone;
use mongodb::bson::{doc, oid::ObjectId, Document};
use mongodb::{Collection, Database};
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct Raw {
    pub db: Database,
    /// The connection, counting the commands it sends.
    store: storage::Store,
    cache: storage::Cache,
    hashing: Arc<Semaphore>,
    zone: ClinicZone,
    slot_minutes: u32,
}

/// What the repositories leave on the server when reading an appointment.
pub fn without_logs() -> Document {
    doc! { "events": 0, "contacts": 0, "patient_terms": 0, "slot_keys": 0 }
}

/// What they leave on the server when reading a patient.
pub fn without_ledger() -> Document {
    doc! { "attendance_applied": 0 }
}

/// `$all` with the longest (most selective) word first, as `docs::all_terms` sends it.
pub fn all_terms(field: &str, words: &[String]) -> Document {
    let mut ordered: Vec<&String> = words.iter().collect();
    ordered.sort_by_key(|w| std::cmp::Reverse(w.len()));
    doc! { field: { "$all": ordered } }
}

pub struct RawSettings<'a> {
    pub uri: &'a str,
    pub database: &'a str,
    pub redis_url: &'a str,
    pub redis_prefix: &'a str,
    pub hash_concurrency: usize,
    pub zone: ClinicZone,
    pub slot_minutes: u32,
}

impl Raw {
    pub async fn connect(s: RawSettings<'_>) -> anyhow::Result<Self> {
        let store = storage::connect(s.uri, s.database, storage::Timeouts::default()).await?;
        let redis = storage::redis_link::connect_lazily(s.redis_url)?;
        Ok(Self {
            db: store.db.clone(),
            store,
            cache: storage::Cache::new(redis, s.redis_prefix),
            hashing: Arc::new(Semaphore::new(s.hash_concurrency)),
            zone: s.zone,
            slot_minutes: s.slot_minutes,
        })
    }

    pub fn commands_sent(&self) -> u64 {
        self.store.commands_sent()
    }

    pub fn collection(&self, name: &str) -> Collection<Document> {
        self.db.collection(name)
    }

    /// The account behind a token (every signed-in request re-reads it).
    pub async fn auth(&self, user: ObjectId) -> anyhow::Result<Document> {
        self.collection("users").find_one(doc! { "_id": user }).await?.context("account missing")
    }

    /// A cache hit: the account, the namespace's generation and the entry.
    pub async fn cached(&self, user: ObjectId, namespace: &str, key: &str) -> anyhow::Result<()> {
        self.auth(user).await?;
        let generation = self.cache.generation(namespace).await.context("no cache generation")?;
        let hit: Option<serde_json::Value> = self.cache.get(namespace, &generation, key).await;
        anyhow::ensure!(hit.is_some(), "cache miss for {namespace} {key}");
        Ok(())
    }

    /// Login's database read and password check: the account by e-mail, then
    /// argon2id verification on as many threads as the API's hashing pool (no
    /// queue limit). The API adds its Redis rate-limit counters and the tokens.
    pub async fn login(&self, email: &str, password: &str) -> anyhow::Result<()> {
        let user = self.collection("users").find_one(doc! { "email": email }).await?.context("no such account")?;
        let hash = user.get_str("password_hash")?.to_string();
        let permit = self.hashing.clone().acquire_owned().await?;
        let password = password.to_string();
        let correct = tokio::task::spawn_blocking(move || {
            use argon2::password_hash::PasswordVerifier;
            let _permit = permit;
            // The API's parameters (OWASP argon2id: m = 19 MiB, t = 2, p = 1).
            let params = argon2::Params::new(19 * 1024, 2, 1, None).ok()?;
            let hasher = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
            Some(hasher.verify_password(password.as_bytes(), hash.as_str()).is_ok())
        })
        .await?;
        anyhow::ensure!(correct == Some(true), "wrong password");
        Ok(())
    }
}
