//! Closed-loop load: N clients, each sending its next request as soon as the
//! previous one is answered, until the cell's time cap (requests already in
//! flight finish). Only 2xx answers are latency samples; other statuses and
//! transport errors are counted and reported.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One timed request (or raw operation): milliseconds and the HTTP status
/// (raw operations report 200), or what went wrong.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub ms: f64,
    pub result: Result<u16, String>,
}

pub type OpFuture = Pin<Box<dyn Future<Output = Option<Attempt>> + Send>>;
/// The request with sequence number `seq` of the cell; `None` when there is
/// nothing left to send (a pool of appointments or slots ran out).
pub type Op = Arc<dyn Fn(u64) -> OpFuture + Send + Sync>;

pub fn op<F, Fut>(f: F) -> Op
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<Attempt>> + Send + 'static,
{
    Arc::new(move |seq| Box::pin(f(seq)))
}

/// The result of one cell.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub clients: usize,
    pub ok: usize,
    pub median_ms: f64,
    pub p99_ms: f64,
    pub req_per_s: f64,
    /// Non-2xx statuses and how often.
    pub statuses: BTreeMap<u16, usize>,
    pub errors: usize,
    pub first_error: Option<String>,
    pub exhausted: bool,
    /// Why the cell was not run.
    pub skipped: Option<String>,
    /// Database commands sent per request (API: counted by its store; raw: by the raw client).
    pub commands_per_request: Option<f64>,
}

impl Cell {
    pub fn skipped(clients: usize, why: String) -> Self {
        Self { clients, skipped: Some(why), median_ms: f64::NAN, p99_ms: f64::NAN, req_per_s: f64::NAN, ..Default::default() }
    }

    pub fn answered(&self) -> usize {
        self.ok + self.statuses.values().sum::<usize>()
    }
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[derive(Default)]
struct ClientLog {
    latencies: Vec<f64>,
    statuses: BTreeMap<u16, usize>,
    errors: usize,
    first_error: Option<String>,
}

pub async fn run(clients: usize, budget: Duration, op: Op) -> Cell {
    let started = Instant::now();
    let seq = Arc::new(AtomicU64::new(0));
    let exhausted = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (op, seq, exhausted) = (op.clone(), seq.clone(), exhausted.clone());
            tokio::spawn(async move {
                let mut log = ClientLog::default();
                while started.elapsed() < budget && !exhausted.load(Ordering::Relaxed) {
                    let Some(attempt) = op(seq.fetch_add(1, Ordering::Relaxed)).await else {
                        exhausted.store(true, Ordering::Relaxed);
                        break;
                    };
                    match attempt.result {
                        Ok(status) if (200..300).contains(&status) => log.latencies.push(attempt.ms),
                        Ok(status) => *log.statuses.entry(status).or_default() += 1,
                        Err(e) => {
                            log.errors += 1;
                            log.first_error.get_or_insert(e);
                        }
                    }
                }
                log
            })
        })
        .collect();
    let mut all = ClientLog::default();
    for task in tasks {
        match task.await {
            Ok(log) => {
                all.latencies.extend(log.latencies);
                for (s, n) in log.statuses {
                    *all.statuses.entry(s).or_default() += n;
                }
                all.errors += log.errors;
                if all.first_error.is_none() {
                    all.first_error = log.first_error;
                }
            }
            Err(e) => {
                all.errors += 1;
                all.first_error.get_or_insert(format!("client task failed: {e}"));
            }
        }
    }
    let wall_s = started.elapsed().as_secs_f64();
    all.latencies.sort_by(f64::total_cmp);
    Cell {
        clients,
        ok: all.latencies.len(),
        median_ms: percentile(&all.latencies, 50.0),
        p99_ms: percentile(&all.latencies, 99.0),
        req_per_s: all.latencies.len() as f64 / wall_s.max(1e-9),
        statuses: all.statuses,
        errors: all.errors,
        first_error: all.first_error,
        exhausted: exhausted.load(Ordering::Relaxed),
        skipped: None,
        commands_per_request: None,
    }
}
