//! The benchmark's settings, from the environment (all optional except `MONGO_URI`).
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `MONGO_URI` | required | a dedicated, empty database (`scripts/bench-http.sh` starts one) |
//! | `REDIS_URL` / `REDIS_PREFIX` | `redis://127.0.0.1:6379` / `bench:<pid>` | the run's Redis namespace |
//! | `BENCH_PATIENTS` / `BENCH_APPOINTMENTS` / `BENCH_DOCTORS` | 100000 / 500000 / 20 | data set size |
//! | `BENCH_SECONDS` | 5 | time cap of one cell (one endpoint, one side, one client count) |
//! | `BENCH_CLIENTS` | `1,8,64` | concurrent clients, closed loop |
//! | `BENCH_MAX_CELL_SECONDS` | 90 | a cell whose 1-client median predicts more than this is skipped |
//! | `BENCH_ONLY` | all | comma-separated endpoint keys to measure (see `endpoints`) |
//! | `BENCH_BATCH` / `BENCH_INSERT_CONCURRENCY` | 2000 / 2 | rows per `insert_many`, batches in flight |
//! | `BENCH_SEED` | 42 | generated data |
//! | `BENCH_SERVER_LABEL` | `unknown server` | printed in the header |
//! | `PASSWORD_HASH_CONCURRENCY` | cores | the API's hashing pool; the raw login uses as many threads |

use anyhow::Context;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    pub mongo_uri: String,
    pub redis_url: String,
    pub redis_prefix: String,
    pub patients: usize,
    pub appointments: usize,
    pub doctors: usize,
    pub cell: Duration,
    pub clients: Vec<usize>,
    pub max_cell: Duration,
    pub only: Option<Vec<String>>,
    pub batch: usize,
    pub insert_concurrency: usize,
    pub seed: u64,
    pub server_label: String,
    pub hash_concurrency: usize,
    pub slot_minutes: u32,
    pub clinic_offset: &'static str,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn num<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match var(name) {
        Some(raw) => raw.parse().map_err(|_| anyhow::anyhow!("{name} must be a number, got {raw:?}")),
        None => Ok(default),
    }
}

fn list(name: &str, default: &str) -> anyhow::Result<Vec<usize>> {
    let raw = var(name).unwrap_or_else(|| default.to_string());
    let values = raw
        .split(',')
        .map(|v| v.trim().parse::<usize>().map_err(|_| anyhow::anyhow!("{name} must be numbers like 1,8,64, got {raw:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    anyhow::ensure!(values.iter().all(|&v| v > 0), "{name}: client counts must be at least 1");
    Ok(values)
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let pid = std::process::id();
        let cfg = Self {
            mongo_uri: var("MONGO_URI").context("MONGO_URI is required (a dedicated, empty database)")?,
            redis_url: var("REDIS_URL").unwrap_or_else(|| "redis://127.0.0.1:6379".into()),
            redis_prefix: var("REDIS_PREFIX").unwrap_or_else(|| format!("bench:{pid}")),
            patients: num("BENCH_PATIENTS", 100_000)?,
            appointments: num("BENCH_APPOINTMENTS", 500_000)?,
            doctors: num::<usize>("BENCH_DOCTORS", 20)?.clamp(1, 25),
            cell: Duration::from_secs_f64(num("BENCH_SECONDS", 5.0)?),
            clients: list("BENCH_CLIENTS", "1,8,64")?,
            max_cell: Duration::from_secs_f64(num("BENCH_MAX_CELL_SECONDS", 90.0)?),
            only: var("BENCH_ONLY").map(|v| v.split(',').map(|s| s.trim().to_string()).collect()),
            batch: num::<usize>("BENCH_BATCH", 2_000)?.max(1),
            insert_concurrency: num::<usize>("BENCH_INSERT_CONCURRENCY", 2)?.max(1),
            seed: num("BENCH_SEED", 42)?,
            server_label: var("BENCH_SERVER_LABEL").unwrap_or_else(|| "unknown server".into()),
            hash_concurrency: num("PASSWORD_HASH_CONCURRENCY", cores())?.max(1),
            slot_minutes: 30,
            clinic_offset: "-03:00",
        };
        anyhow::ensure!(cfg.patients >= 100, "BENCH_PATIENTS must be at least 100");
        anyhow::ensure!(cfg.appointments >= 1_000, "BENCH_APPOINTMENTS must be at least 1000");
        Ok(cfg)
    }

    pub fn wants(&self, key: &str) -> bool {
        self.only.as_ref().is_none_or(|keys| keys.iter().any(|k| k == key))
    }
}
