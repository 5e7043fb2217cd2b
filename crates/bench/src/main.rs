//! `bench-http`: the HTTP API at clinic scale against its own database
//! operations. A benchmark, not a test: it prints, it asserts nothing.
//!
//! 1. Starts the real application in this process (`app`), against an empty
//!    database, with an admin, doctors and a trained model.
//! 2. Seeds `BENCH_PATIENTS` patients and `BENCH_APPOINTMENTS` appointments
//!    with the repositories' own documents (`seed`, through `storage::seed`).
//! 3. For each endpoint (`endpoints`) and each of `BENCH_CLIENTS` concurrent
//!    clients, runs a closed loop for `BENCH_SECONDS` (`load`) against the API
//!    over HTTP, then the same database operations sent directly (`raw`).
//! 4. Prints one table with median, p99, req/s and the API/raw ratios, the
//!    four goals of the issue (`report`), and the query plans (`explain`).
//!
//! Run by `scripts/bench-http.sh` (which starts a private database server);
//! see `config` for the environment.

mod app;
mod config;
mod endpoints;
mod explain;
mod http;
mod load;
mod raw;
mod report;
mod seed;
mod workload;

use anyhow::Context;
use config::Config;
use endpoints::{Ctx, Endpoint};
use load::Cell;
use mongodb::bson::DateTime as BsonDateTime;
use reqwest::Method;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The same allocator as the `api` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs one side of one cell, counting the database commands it sent.
/// `background` is the commands per second the side sends when idle (the API's
/// job relay, model watcher and repair sweep), left out of the per-request count.
async fn cell(cfg: &Config, e: &Endpoint, api_side: bool, clients: usize, single: Option<f64>, counter: &(dyn Fn() -> u64 + Sync), background: f64) -> Cell {
    if let Some(median_ms) = single.filter(|m| m.is_finite()) {
        let estimate = median_ms / 1000.0 * clients as f64 / config::cores() as f64;
        if estimate > cfg.max_cell.as_secs_f64() {
            return Cell::skipped(clients, format!("1 client took {median_ms:.0} ms, so ~{estimate:.0} s > BENCH_MAX_CELL_SECONDS"));
        }
    }
    if let Some(prime) = &e.prime {
        if let Err(err) = prime().await {
            return Cell::skipped(clients, format!("priming the cache failed: {err:#}"));
        }
    }
    let (before, started) = (counter(), Instant::now());
    let mut c = load::run(clients, cfg.cell, if api_side { e.api.clone() } else { e.raw.clone() }).await;
    let answered = c.answered() + c.errors;
    let wall = started.elapsed().as_secs_f64();
    // Background work makes the count meaningless at low request rates.
    if answered > 0 && (background == 0.0 || answered as f64 / wall >= 20.0) {
        let sent = (counter() - before) as f64 - background * wall;
        c.commands_per_request = Some(sent.max(0.0) / answered as f64);
    }
    let side = if api_side { "api" } else { "raw" };
    eprintln!(
        "  {side} x{clients:<3} median {:>8.2} ms  p99 {:>8.2} ms  {:>7.1} req/s  n={} non-2xx={:?} errors={}{}",
        c.median_ms,
        c.p99_ms,
        c.req_per_s,
        c.ok,
        c.statuses,
        c.errors,
        c.first_error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    c
}

async fn measure(cfg: &Config, app: &app::App, raw: &raw::Raw, e: Endpoint, background: f64) -> report::Row {
    eprintln!("{} [{}]", e.name, e.key);
    let api_counter = || app.state.store.commands_sent();
    let raw_counter = || raw.commands_sent();
    let mut cells = Vec::new();
    let (mut api_single, mut raw_single) = (None, None);
    for (i, &clients) in cfg.clients.iter().enumerate() {
        if let Some(share) = &e.before_cell {
            share(2 * (cfg.clients.len() - i));
        }
        let api = cell(cfg, &e, true, clients, api_single, &api_counter, background).await;
        if let Some(share) = &e.before_cell {
            share(2 * (cfg.clients.len() - i) - 1);
        }
        let raw = cell(cfg, &e, false, clients, raw_single, &raw_counter, 0.0).await;
        if clients == 1 {
            (api_single, raw_single) = (Some(api.median_ms), Some(raw.median_ms));
        }
        cells.push((api, raw));
    }
    report::Row { key: e.key, name: e.name, kind: e.kind, raw_does: e.raw_does, cells }
}

/// Reads back what was loaded, through the API: the data must look like data it wrote.
async fn sanity(app: &app::App, data: &seed::generate::Dataset) -> anyhow::Result<()> {
    let token = Some(app.admin.token.as_str());
    let sample = &data.patients[data.patients.len() / 2].patient;
    let found = app.http.json(Method::GET, &format!("/api/patients/{}/", sample.id), token, None).await?;
    anyhow::ensure!(found["fullName"] == serde_json::json!(sample.full_name), "patient read back differs: {found}");
    let hits = app.http.json(Method::GET, &http::query("/api/patients/search/", &[("q", &sample.id)]), token, None).await?;
    anyhow::ensure!(hits[0]["id"] == serde_json::json!(sample.id), "the record-number search did not rank {} first", sample.id);
    let a = &data.appointments[data.appointments.len() / 2].appointment;
    let read = app.http.json(Method::GET, &format!("/api/appointments/{}/", a.id), token, None).await?;
    anyhow::ensure!(read["patientId"] == serde_json::json!(a.patient_id), "appointment read back differs: {read}");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cfg = Config::from_env()?;
    let app = app::App::start(&cfg).await?;
    let state = app.state.clone();
    let zone = state.settings.clinic.zone;
    let doctor_ids: Vec<String> = app.doctors.iter().map(|d| d.id.clone()).collect();
    let record_numbers = storage::seed::reserve_record_numbers(&state.store, cfg.patients as u64).await?;
    let input = seed::generate::Input {
        seed: cfg.seed,
        record_numbers,
        doctors: &doctor_ids,
        admin_id: &app.admin.id,
        appointments: cfg.appointments,
        model_version: &app.model_version,
        zone,
        now: state.now(),
    };
    let (data, times) = seed::load(&state.store, &cfg, input).await?;
    sanity(&app, &data).await.context("reading the seeded data back through the API")?;
    let today = state.today();
    let work = Arc::new(workload::Workload::pick(&data, cfg.seed, today, app.doctors.len()));
    let raw = raw::Raw::connect(raw::RawSettings {
        uri: &cfg.mongo_uri,
        database: &app.database,
        redis_url: &cfg.redis_url,
        redis_prefix: &cfg.redis_prefix,
        hash_concurrency: cfg.hash_concurrency,
        zone,
        slot_minutes: cfg.slot_minutes,
    })
    .await?;
    let ctx = Ctx {
        http: app.http.clone(),
        cache: state.cache.clone(),
        raw: raw.clone(),
        admin: app.admin.clone(),
        doctors: app.doctors.clone(),
        work: work.clone(),
        today,
        logins: Arc::new(AtomicU64::new(0)),
    };
    // What the API sends by itself (job relay, model watcher, repair sweep), per second.
    let idle = state.store.commands_sent();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let background = (state.store.commands_sent() - idle) as f64 / 5.0;
    let started = Instant::now();
    let mut rows = Vec::new();
    for e in endpoints::catalogue(&ctx).into_iter().filter(|e| cfg.wants(e.key)) {
        rows.push(measure(&cfg, &app, &raw, e, background).await);
    }

    let span = |f: fn(&chrono::NaiveDate, &chrono::NaiveDate) -> bool| {
        data.appointments.iter().map(|a| a.appointment.starts_at.date()).reduce(|x, y| if f(&x, &y) { x } else { y })
    };
    let (used, pool) = work.outcome_pool();
    println!("## Health Sphere HTTP benchmark");
    println!();
    println!("- server: {}; database `{}`; {} CPUs shared by the server, the API and the clients", cfg.server_label, app.database, config::cores());
    println!(
        "- data: {} patients, {} appointments ({} .. {}), {} doctors + 1 admin, {} history rows; model {}",
        data.patients.len(),
        data.appointments.len(),
        span(|a, b| a < b).map(|d| d.to_string()).unwrap_or_default(),
        span(|a, b| a > b).map(|d| d.to_string()).unwrap_or_default(),
        app.doctors.len(),
        times.history_rows + 3000,
        app.model_version
    );
    println!("- seeding: {}", times.describe(&data, &cfg));
    println!(
        "- cells: closed loop, {} s each, clients {:?}; API in-process (release, mimalloc, actix default workers), reqwest over loopback; \
         raw: its own driver client with the API's options (default pool: 10 connections each); password hashing pool {}",
        cfg.cell.as_secs_f64(),
        cfg.clients,
        cfg.hash_concurrency
    );
    println!("- db cmds/req: commands sent per answered request, counted by each side's driver (the API's idle {background:.1} commands/s of background work left out; API side shown only at 20 req/s or more)");
    println!("- cold = the Redis namespace is emptied (untimed) before each request, so it reads MongoDB; warm = cache hit; latencies count 2xx replies only");
    println!("- bookings made: {} slots taken; outcomes recorded: {used} of a pool of {pool}; measuring took {:.0} s", work.slots.taken(), started.elapsed().as_secs_f64());
    println!();
    report::table(&rows);
    println!();
    report::goals(&rows, &cfg.clients);

    let words = domain::search_text::query_words("maria sil");
    let day = work.days.first().copied().unwrap_or(today).and_time(chrono::NaiveTime::MIN);
    let subjects = explain::Subjects {
        words,
        doctor_id: app.doctors[0].id.clone(),
        day: (BsonDateTime::from_chrono(day.and_utc()).into(), BsonDateTime::from_chrono((day + chrono::Duration::days(1)).and_utc()).into()),
        patient_id: work.patient_ids[0].clone(),
        booked_at: state.clinic_now(),
    };
    println!("### Query plans (explain, as the repositories send them)");
    println!();
    explain::plans(&raw, &subjects).await;
    println!();
    println!("### Where list time goes (one at a time, median of 5)");
    println!();
    explain::breakdown(&raw, &subjects).await;
    println!();
    println!("### Where booking time goes (raw, one at a time, median of 5)");
    println!();
    let bookings = (0..5u64)
        .filter_map(|i| {
            let (doctor, starts_at) = work.slots.take()?;
            let patient_id = work.patient_ids[i as usize].clone();
            Some(raw::Booking { doctor: app.doctors[doctor].oid, patient_id, starts_at, sms_received: false })
        })
        .collect();
    explain::booking_steps(&raw, bookings).await;
    app.cleanup();
    Ok(())
}
