//! The measured endpoints, each as a pair of operations: the HTTP request
//! to the API and the raw database operations it performs (see `raw`). Keys
//! (`BENCH_ONLY`) in the order measured:
//! `patients-cold, patients-warm, search-cold, search-warm, appointments-admin, appointments-admin-warm,
//! appointments-doctor, appointments-search, appointments-day, appointment-one,
//! analytics-cold, analytics-warm, booking, outcome, login`.

mod reads;
mod writes;

use crate::app::Account;
use crate::http::{timed, Http};
use crate::load::{op, Attempt, Op};
use crate::raw::Raw;
use crate::workload::Workload;
use reqwest::Method;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

/// What kind of work an endpoint is (decides which goal it counts for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A MongoDB read per request (uncached endpoints, and cached ones with the cache emptied).
    UncachedRead,
    /// Served from Redis.
    CachedRead,
    AnalyticsCold,
    AnalyticsWarm,
    Booking,
    Outcome,
    Login,
}

pub type Prime = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>> + Send + Sync>;

pub struct Endpoint {
    pub key: &'static str,
    pub name: String,
    pub kind: Kind,
    /// What the raw side sends, for the report.
    pub raw_does: String,
    pub api: Op,
    pub raw: Op,
    /// Run before each cell (fills the cache for warm reads).
    pub prime: Option<Prime>,
    /// Told how many cells are left (including the next), before each (shares a finite pool).
    pub before_cell: Option<Arc<dyn Fn(usize) + Send + Sync>>,
}

/// Everything the operations need.
#[derive(Clone)]
pub struct Ctx {
    pub http: Http,
    /// The API's own cache handle, to empty a namespace before a cold request.
    pub cache: storage::Cache,
    pub raw: Raw,
    pub admin: Account,
    pub doctors: Vec<Account>,
    pub work: Arc<Workload>,
    pub today: chrono::NaiveDate,
    /// Distinct client addresses for logins, across cells.
    pub logins: Arc<AtomicU64>,
}

/// Times a raw operation.
pub async fn time<T>(f: impl Future<Output = anyhow::Result<T>>) -> Attempt {
    let started = Instant::now();
    let result = f.await;
    Attempt { ms: started.elapsed().as_secs_f64() * 1000.0, result: result.map(|_| 200).map_err(|e| format!("{e:#}")) }
}

/// GETs cycling through `paths`; with `cold`, the namespace is emptied first (untimed).
pub fn get(ctx: &Ctx, paths: Vec<String>, token: &str, cold: Option<&'static str>) -> Op {
    let (http, cache, paths, token) = (ctx.http.clone(), ctx.cache.clone(), Arc::new(paths), token.to_string());
    op(move |seq| {
        let (http, cache, paths, token) = (http.clone(), cache.clone(), paths.clone(), token.clone());
        async move {
            if let Some(namespace) = cold {
                cache.invalidate(namespace).await;
            }
            let path = &paths[seq as usize % paths.len()];
            Some(timed(http.request(Method::GET, path, Some(&token))).await)
        }
    })
}

/// Empties the namespace and fetches every path once, so the cache holds
/// them, freshly (entries live 60 s: a stale one could expire mid-cell).
pub fn prime(ctx: &Ctx, paths: Vec<String>, token: &str, namespace: &'static str) -> Prime {
    let (http, cache, paths, token) = (ctx.http.clone(), ctx.cache.clone(), Arc::new(paths), token.to_string());
    Arc::new(move || {
        let (http, cache, paths, token) = (http.clone(), cache.clone(), paths.clone(), token.clone());
        Box::pin(async move {
            cache.invalidate(namespace).await;
            for path in paths.iter() {
                http.json(Method::GET, path, Some(&token), None).await?;
            }
            Ok(())
        })
    })
}

/// Every endpoint, in the order they are measured (reads before the writes that change the data).
pub fn catalogue(ctx: &Ctx) -> Vec<Endpoint> {
    let mut all = reads::patients(ctx);
    all.extend(reads::appointments(ctx));
    all.extend(reads::analytics(ctx));
    all.extend(writes::all(ctx));
    all
}
