//! HTTP latency benchmark at scale (a benchmark, not a timed test): loads
//! `BENCH_PATIENTS` patients (default 100,000) and `BENCH_APPOINTMENTS`
//! appointments (default 500,000) into an EMPTY database, then measures the
//! patient and appointment list and search endpoints through the real HTTP API
//! (in-process actix server, reqwest client, JWT auth), sequentially and with
//! `BENCH_CONCURRENCY` requests in flight. It also prints the query plans
//! (`explain`) of the main queries and a storage-level breakdown (count vs.
//! page fetch) without HTTP.
//!
//! Normally run by `scripts/bench-http.sh`, which starts a dedicated SecantusDB
//! server. Direct use:
//!
//! ```text
//! MONGO_URI=mongodb://127.0.0.1:27099/hs_bench REDIS_URL=redis://127.0.0.1:6379 REDIS_PREFIX=bench:1 \
//!   cargo run --release -p api --example bench_http
//! ```
//!
//! Environment (all optional except `MONGO_URI`):
//! - `BENCH_PATIENTS`, `BENCH_APPOINTMENTS`, `BENCH_DOCTORS` (20): data set size;
//! - `BENCH_BATCH` (2000) rows per `insert_many`, `BENCH_INSERT_CONCURRENCY` (4) batches in flight;
//! - `BENCH_SAMPLES` (100) timed requests per sequential cell, `BENCH_CONC_SAMPLES` (200) per
//!   concurrent cell, `BENCH_SECONDS` (10) time cap per cell (a cell stops at whichever comes
//!   first, after at least a few requests), `BENCH_CONCURRENCY` (8);
//! - `BENCH_SEED` (42) for the generated data, `BENCH_SERVER_LABEL` printed in the header,
//!   `BENCH_JSON` a file to write every result to;
//! - `REDIS_URL` (redis://127.0.0.1:6379), `REDIS_PREFIX` (`bench:<pid>`), `SECRET_KEY`,
//!   `CLINIC_UTC_OFFSET` (-03:00), `SLOT_MINUTES` (30).
//!
//! "cold" means a Redis cache miss: the patient cache namespace is invalidated
//! (generation bump, untimed) right before each timed request, so the request
//! goes to MongoDB. With requests in flight the invalidations of one request can
//! race with the cache fill of another, so "cold cN" is a close approximation.
//! Appointment endpoints are not cached: they always hit MongoDB.

use anyhow::{bail, Context};
use api::services::patients::CACHE as PATIENT_CACHE;
use api::startup::Application;
use chrono::{DateTime, Datelike, Duration as ChronoDuration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use domain::appointment::{clinic_now, Appointment, AppointmentStatus, Outcome};
use domain::patient::{age_on, Attendance, ClinicalFlags, Gender, Patient};
use domain::prediction::Prediction;
use domain::search_text;
use futures_util::{StreamExt, TryStreamExt};
use mongodb::bson::{doc, oid::ObjectId, Bson, Document};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- configuration

struct Config {
    patients: usize,
    appointments: usize,
    doctors: usize,
    batch: usize,
    insert_concurrency: usize,
    samples: usize,
    conc_samples: usize,
    concurrency: usize,
    cell_budget: Duration,
    seed: u64,
    slot_minutes: u32,
    clinic_offset_minutes: i32,
    server_label: String,
    json_out: Option<String>,
}

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match std::env::var(name) {
        Ok(raw) if !raw.trim().is_empty() => {
            raw.trim().parse().map_err(|_| anyhow::anyhow!("{name} must be a number, got {raw:?}"))
        }
        _ => Ok(default),
    }
}

impl Config {
    fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            patients: env_num("BENCH_PATIENTS", 100_000)?,
            appointments: env_num("BENCH_APPOINTMENTS", 500_000)?,
            doctors: env_num::<usize>("BENCH_DOCTORS", 20)?.max(1),
            batch: env_num::<usize>("BENCH_BATCH", 2_000)?.max(1),
            insert_concurrency: env_num::<usize>("BENCH_INSERT_CONCURRENCY", 4)?.max(1),
            samples: env_num::<usize>("BENCH_SAMPLES", 100)?.max(1),
            conc_samples: env_num::<usize>("BENCH_CONC_SAMPLES", 200)?.max(1),
            concurrency: env_num::<usize>("BENCH_CONCURRENCY", 8)?.max(1),
            cell_budget: Duration::from_secs_f64(env_num("BENCH_SECONDS", 10.0)?),
            seed: env_num("BENCH_SEED", 42)?,
            slot_minutes: 30,
            clinic_offset_minutes: -180,
            server_label: std::env::var("BENCH_SERVER_LABEL").unwrap_or_else(|_| "unknown server".into()),
            json_out: std::env::var("BENCH_JSON").ok().filter(|s| !s.is_empty()),
        })
    }
}

// ---------------------------------------------------------------- deterministic data

/// splitmix64: small, fast and the same on every platform and crate version.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// Favours the first entries (lists are ordered by how common they are in Brazil).
    fn skewed<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let u = self.unit();
        &items[((u * u * u) * items.len() as f64) as usize]
    }
}

#[rustfmt::skip]
const FIRST_F: &[&str] = &[
    "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda", "Patrícia", "Aline",
    "Conceição", "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia", "Luciana", "Vanessa",
    "Mariana", "Gabriela", "Vitória", "Beatriz", "Larissa", "Raimunda", "Rosângela", "Cláudia", "Simone", "Débora",
    "Lúcia", "Helena", "Alice", "Valentina", "Sofia", "Luíza", "Mônica", "Tânia", "Fátima", "Eliane", "Joana",
    "Josefa", "Jussara", "Cecília",
];
#[rustfmt::skip]
const FIRST_M: &[&str] = &[
    "José", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos", "Luís", "Gabriel",
    "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe", "Raimundo", "Rodrigo", "Sebastião", "Matheus",
    "André", "Fernando", "Fábio", "Leonardo", "Gustavo", "Guilherme", "Thiago", "Vinícius", "Joaquim", "Caio", "Davi",
    "Heitor", "Miguel", "Arthur", "Otávio", "Sérgio", "Márcio", "Rogério", "Jorge", "Júlio", "Jonas", "Benedito",
];
#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa",
    "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias",
    "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas", "Cardoso", "Ramos",
    "Gonçalves", "Santana", "Teixeira", "Araújo", "Conceição", "Magalhães", "Brandão", "Simões", "Falcão", "Galvão",
    "Assunção", "Damião", "Estêvão", "Pimentel", "Cavalcanti", "Monteiro", "Batista", "Moraes", "Siqueira", "Jesus",
];
const PARTICLES: &[&str] = &["da", "de", "dos", "das", "do"];
#[rustfmt::skip]
const NEIGHBOURHOODS: &[&str] = &[
    "JARDIM CAMBURI", "MARIA ORTIZ", "RESISTÊNCIA", "JARDIM DA PENHA", "ITARARÉ", "CENTRO", "TABUAZEIRO",
    "SANTA MARTHA", "JESUS DE NAZARETH", "BONFIM", "SANTO ANTÔNIO", "SANTO ANDRÉ", "CARATOÍRA", "JABOUR", "SÃO PEDRO",
    "NOVA PALESTINA", "ANDORINHAS", "DA PENHA", "ROMÃO", "GURIGICA", "SÃO JOSÉ", "BELA VISTA", "MARUÍPE",
    "FORTE SÃO JOÃO", "ILHA DE SANTA MARIA", "SÃO CRISTÓVÃO", "REDENÇÃO", "SÃO BENEDITO", "CONSOLAÇÃO",
    "ILHA DO PRÍNCIPE",
];
#[rustfmt::skip]
const DOCTOR_NAMES: &[&str] = &[
    "Helena Duarte", "Ricardo Vasconcelos", "Beatriz Quintão", "Otávio Lacerda", "Isabela Coutinho", "Fábio Meireles",
    "Lívia Prates", "Renato Bragança", "Cíntia Amaral", "Gilberto Sampaio", "Natália Borges", "Vítor Paiva",
    "Clarice Fontes", "Henrique Tavares", "Paula Guimarães", "Mauro Rezende", "Sílvia Peixoto", "Álvaro Queiroz",
    "Teresa Bittencourt", "Caetano Leão",
];
#[rustfmt::skip]
const REASONS: &[&str] = &[
    "Consulta de rotina", "Retorno", "Dor de cabeça persistente", "Hipertensão: acompanhamento",
    "Resultado de exames", "Vacinação", "Pré-natal", "Renovação de receita", "Dor lombar",
    "Acompanhamento de diabetes",
];

/// A patient being generated, before its attendance counts are known.
struct Person {
    id: String,
    full_name: String,
    first_name: String,
}

fn full_name(rng: &mut Rng, female: bool) -> (String, String) {
    let firsts = if female { FIRST_F } else { FIRST_M };
    let first = rng.skewed(firsts).to_string();
    let mut name = first.clone();
    if rng.chance(0.2) {
        let second = rng.pick(firsts);
        if *second != first {
            name.push(' ');
            name.push_str(second);
        }
    }
    if rng.chance(0.3) {
        name.push(' ');
        name.push_str(rng.pick::<&str>(PARTICLES));
    }
    let last = rng.skewed(SURNAMES);
    name.push(' ');
    name.push_str(last);
    if rng.chance(0.6) {
        let other = rng.skewed(SURNAMES);
        if other != last {
            name.push(' ');
            name.push_str(other);
        }
    }
    (name, first)
}

struct Dataset {
    patients: Vec<Patient>,
    appointments: Vec<Appointment>,
}

/// Generates the whole data set in memory (deterministic for a seed).
fn generate(cfg: &Config, ids: Vec<String>, doctors: &[String], admin_id: &str) -> Dataset {
    let mut rng = Rng(cfg.seed);
    let now = Utc::now();
    let now_clinic = clinic_now(cfg.clinic_offset_minutes);
    let today = now_clinic.date();
    let n = ids.len();

    // Patients' identities first: appointments point at them, and their
    // attendance counts come from the appointments' outcomes.
    let people: Vec<Person> = ids
        .into_iter()
        .map(|id| {
            let female = rng.chance(0.55);
            let (full_name, first_name) = full_name(&mut rng, female);
            Person { id, full_name, first_name }
        })
        .collect();

    let (appointments, attendance) = generate_appointments(cfg, &mut rng, &people, doctors, now_clinic);

    let registration_span = ChronoDuration::days(3 * 365);
    let patients = people
        .into_iter()
        .enumerate()
        .map(|(i, person)| {
            let female = FIRST_F.contains(&person.first_name.as_str());
            let years = rng.below(96) as i64;
            let dob = (rng.chance(0.95))
                .then(|| today - ChronoDuration::days(years * 365 + years / 4 + rng.below(365) as i64));
            let age = dob.map_or(years as u8, |d| age_on(d, today));
            let phone = rng.chance(0.9).then(|| {
                // A bijection of the index onto 8 digits: unique phones, so no two patients share a dedupe key.
                let d = (i as u64 * 7_654_321 + 1_234_567) % 100_000_000;
                format!("(27) 9{:04}-{:04}", d / 10_000, d % 10_000)
            });
            let email = rng.chance(0.35).then(|| {
                let words = search_text::words(&person.full_name);
                let last = words.last().cloned().unwrap_or_default();
                format!("{}.{}{}@exemplo.com.br", words.first().cloned().unwrap_or_default(), last, i % 1000)
            });
            // Registered in record-number order over the last three years.
            let span = registration_span.num_seconds();
            let created_at = now - registration_span
                + ChronoDuration::seconds(span * i as i64 / n.max(1) as i64 + rng.below(600) as i64);
            Patient {
                id: person.id.clone(),
                full_name: person.full_name,
                age,
                date_of_birth: dob,
                gender: if female { Gender::F } else { Gender::M },
                phone,
                email,
                neighbourhood: rng.chance(0.95).then(|| rng.skewed(NEIGHBOURHOODS).to_string()),
                flags: ClinicalFlags {
                    scholarship: rng.chance(0.10),
                    hypertension: rng.chance(0.20),
                    diabetes: rng.chance(0.07),
                    alcoholism: rng.chance(0.03),
                    handicap: if rng.chance(0.02) { 1 + rng.below(2) as u8 } else { 0 },
                },
                attendance: attendance.get(&person.id).copied().unwrap_or_default(),
                doctor_id: if rng.chance(0.1) { admin_id.to_string() } else { rng.pick(doctors).clone() },
                created_at: created_at.min(now),
            }
        })
        .collect();
    Dataset { patients, appointments }
}

/// Each doctor's appointments take distinct 30-minute slots (07:00-19:00 on
/// weekdays, about 80% of them filled), so no two live ones overlap; the range
/// ends 60 days from today, so recent and upcoming days are pending.
fn generate_appointments(
    cfg: &Config,
    rng: &mut Rng,
    people: &[Person],
    doctors: &[String],
    now_clinic: NaiveDateTime,
) -> (Vec<Appointment>, HashMap<String, Attendance>) {
    const SLOTS_PER_DAY: usize = 24;
    let mut out = Vec::with_capacity(cfg.appointments);
    let mut attendance: HashMap<String, Attendance> = HashMap::new();
    if people.is_empty() || cfg.appointments == 0 {
        return (out, attendance);
    }
    let per_doctor = cfg.appointments.div_ceil(doctors.len());
    let days_needed = (per_doctor as f64 / 0.8 / SLOTS_PER_DAY as f64).ceil() as usize;
    let mut days = Vec::with_capacity(days_needed);
    let mut day = now_clinic.date() + ChronoDuration::days(60);
    while days.len() < days_needed {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            days.push(day);
        }
        day -= ChronoDuration::days(1);
    }
    days.reverse();
    let first_slot = NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default();
    let offset = ChronoDuration::minutes(i64::from(cfg.clinic_offset_minutes));
    let mut slots: Vec<u32> = (0..(days.len() * SLOTS_PER_DAY) as u32).collect();
    for (d, doctor) in doctors.iter().enumerate() {
        let count = (cfg.appointments - out.len()).min(per_doctor);
        if d == doctors.len() - 1 && count == 0 {
            break;
        }
        // Partial Fisher-Yates: the first `count` slots are a uniform sample.
        for k in 0..count {
            let j = k + rng.below((slots.len() - k) as u64) as usize;
            slots.swap(k, j);
        }
        for &slot in &slots[..count] {
            let slot = slot as usize;
            let starts_at = days[slot / SLOTS_PER_DAY].and_time(first_slot)
                + ChronoDuration::minutes(i64::from(cfg.slot_minutes) * (slot % SLOTS_PER_DAY) as i64);
            let person = rng.pick(people);
            let past = starts_at < now_clinic;
            let roll = rng.unit();
            let (status, outcome) = if past {
                if roll < 0.78 {
                    let showed_up = !rng.chance(0.2);
                    (AppointmentStatus::Done, Some(Outcome { showed_up, was_late: showed_up && rng.chance(0.15) }))
                } else if roll < 0.86 {
                    (AppointmentStatus::Canceled, None)
                } else {
                    (AppointmentStatus::Pending, None)
                }
            } else if roll < 0.93 {
                (AppointmentStatus::Pending, None)
            } else {
                (AppointmentStatus::Canceled, None)
            };
            if let Some(o) = outcome {
                let a = attendance.entry(person.id.clone()).or_default();
                match (o.showed_up, o.was_late) {
                    (false, _) => a.missed += 1,
                    (true, true) => a.late += 1,
                    (true, false) => a.on_time += 1,
                }
            }
            // Booked 1 hour to 45 days ahead, never in the future.
            let mut booked = starts_at - ChronoDuration::minutes(60 + rng.below(45 * 24 * 60) as i64);
            if booked > now_clinic {
                booked = now_clinic - ChronoDuration::minutes(rng.below(14 * 24 * 60) as i64);
            }
            let created_at: DateTime<Utc> = (booked - offset).and_utc();
            let prediction = rng.chance(0.8).then(|| {
                let p = rng.unit() * 0.6;
                Prediction::new(p, p >= 0.3, "bench-v1".into(), created_at)
            });
            out.push(Appointment {
                id: ObjectId::new().to_hex(),
                patient_id: person.id.clone(),
                patient_name: person.full_name.clone(),
                doctor_id: doctor.clone(),
                starts_at,
                sms_received: rng.chance(0.4),
                reason: rng.chance(0.3).then(|| rng.pick(REASONS).to_string()),
                status,
                outcome,
                prediction,
                created_at,
            });
        }
    }
    // Stored in booking order, as a live system would have written them.
    out.sort_by_key(|a| a.created_at);
    (out, attendance)
}

// ---------------------------------------------------------------- HTTP helpers

#[derive(Clone)]
struct Http {
    base: String,
    client: reqwest::Client,
}

impl Http {
    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> anyhow::Result<Value> {
        let mut req = self.client.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            bail!("POST {path}: {status} {text}");
        }
        Ok(serde_json::from_str(&text)?)
    }

    async fn get_json(&self, path: &str, token: Option<&str>) -> anyhow::Result<Value> {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            bail!("GET {path}: {status} {}", text.chars().take(300).collect::<String>());
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// One timed GET, body fully read; milliseconds.
    async fn timed_get(&self, path: &str, token: Option<&str>) -> anyhow::Result<f64> {
        let started = Instant::now();
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await?;
        let status = res.status();
        let body = res.bytes().await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if !status.is_success() {
            bail!("GET {path}: {status} {}", String::from_utf8_lossy(&body).chars().take(300).collect::<String>());
        }
        Ok(ms)
    }

    async fn login(&self, email: &str, password: &str) -> anyhow::Result<String> {
        let r = self.post("/api/auth/login/", None, json!({ "email": email, "password": password })).await?;
        r["access"].as_str().map(String::from).context("login reply without access token")
    }
}

fn query(path: &str, params: &[(&str, &str)]) -> String {
    format!("{path}?{}", serde_urlencoded::to_string(params).unwrap_or_default())
}

// ---------------------------------------------------------------- measurement

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// Uncached endpoint, one request at a time.
    Seq,
    /// Uncached endpoint, `concurrency` in flight.
    Conc,
    ColdSeq,
    ColdConc,
    WarmSeq,
    WarmConc,
}

impl Mode {
    fn label(self, conc: usize) -> String {
        match self {
            Mode::Seq => "seq".into(),
            Mode::Conc => format!("c{conc}"),
            Mode::ColdSeq => "cold seq".into(),
            Mode::ColdConc => format!("cold c{conc}"),
            Mode::WarmSeq => "warm seq".into(),
            Mode::WarmConc => format!("warm c{conc}"),
        }
    }
    fn concurrent(self) -> bool {
        matches!(self, Mode::Conc | Mode::ColdConc | Mode::WarmConc)
    }
    fn cold(self) -> bool {
        matches!(self, Mode::ColdSeq | Mode::ColdConc)
    }
    fn warm(self) -> bool {
        matches!(self, Mode::WarmSeq | Mode::WarmConc)
    }
}

struct Scenario {
    name: String,
    who: &'static str,
    token: Option<String>,
    /// Requests cycle through these paths.
    paths: Vec<String>,
    /// Served through the Redis cache (patient lists and searches).
    cached: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
struct Row {
    endpoint: String,
    who: String,
    mode: String,
    n: usize,
    errors: usize,
    median_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    req_per_s: f64,
    result: String,
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A short description of a reply, to show what was measured returns real data.
fn describe(v: &Value) -> String {
    match v {
        Value::Array(items) => format!("{} items", items.len()),
        Value::Object(map) => {
            let items = map.values().find_map(|x| x.as_array().map(Vec::len)).unwrap_or(0);
            match map.get("total") {
                Some(total) => format!("{items} of total {total}"),
                None => "object".into(),
            }
        }
        _ => "?".into(),
    }
}

struct Bench {
    http: Http,
    cache: storage::Cache,
    cfg: Config,
}

impl Bench {
    async fn invalidate(&self) {
        self.cache.invalidate(PATIENT_CACHE).await;
    }

    async fn measure(&self, sc: &Scenario, mode: Mode, result: &str) -> anyhow::Result<Row> {
        let token = sc.token.as_deref();
        if mode.warm() {
            for p in &sc.paths {
                self.http.timed_get(p, token).await?;
            }
        }
        let (max_n, min_n) = if mode.concurrent() {
            (self.cfg.conc_samples, self.cfg.concurrency.max(3))
        } else {
            (self.cfg.samples, 3)
        };
        let budget = self.cfg.cell_budget;
        let started = Instant::now();
        let mut latencies = Vec::new();
        let mut errors = 0;
        let mut first_error = None;
        if mode.concurrent() {
            let counter = Arc::new(AtomicUsize::new(0));
            let paths = Arc::new(sc.paths.clone());
            let mut tasks = Vec::new();
            for _ in 0..self.cfg.concurrency {
                let (counter, paths, http, cache) =
                    (counter.clone(), paths.clone(), self.http.clone(), self.cache.clone());
                let token = sc.token.clone();
                let cold = mode.cold();
                tasks.push(tokio::spawn(async move {
                    let mut mine = Vec::new();
                    let mut errs = Vec::new();
                    loop {
                        let i = counter.fetch_add(1, Ordering::Relaxed);
                        if i >= max_n || (started.elapsed() >= budget && i >= min_n) {
                            break;
                        }
                        if cold {
                            cache.invalidate(PATIENT_CACHE).await;
                        }
                        match http.timed_get(&paths[i % paths.len()], token.as_deref()).await {
                            Ok(ms) => mine.push(ms),
                            Err(e) => errs.push(e.to_string()),
                        }
                    }
                    (mine, errs)
                }));
            }
            for t in tasks {
                let (mine, errs) = t.await?;
                latencies.extend(mine);
                errors += errs.len();
                if first_error.is_none() {
                    first_error = errs.into_iter().next();
                }
            }
        } else {
            let mut i = 0;
            while i < max_n && !(started.elapsed() >= budget && i >= min_n) {
                if mode.cold() {
                    self.invalidate().await;
                }
                match self.http.timed_get(&sc.paths[i % sc.paths.len()], token).await {
                    Ok(ms) => latencies.push(ms),
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e.to_string());
                    }
                }
                i += 1;
            }
        }
        let wall = started.elapsed().as_secs_f64();
        if let Some(e) = first_error {
            eprintln!("  ! {} {}: {errors} errors, first: {e}", sc.name, mode.label(self.cfg.concurrency));
        }
        latencies.sort_by(f64::total_cmp);
        let row = Row {
            endpoint: sc.name.clone(),
            who: sc.who.into(),
            mode: mode.label(self.cfg.concurrency),
            n: latencies.len(),
            errors,
            median_ms: percentile(&latencies, 50.0),
            p95_ms: percentile(&latencies, 95.0),
            p99_ms: percentile(&latencies, 99.0),
            max_ms: latencies.last().copied().unwrap_or(f64::NAN),
            req_per_s: latencies.len() as f64 / wall,
            result: result.into(),
        };
        eprintln!(
            "  {:<44} {:<6} {:<9} n={:<4} median {:>9.2} ms  p99 {:>9.2} ms",
            row.endpoint, row.who, row.mode, row.n, row.median_ms, row.p99_ms
        );
        Ok(row)
    }

    async fn run(&self, sc: &Scenario) -> anyhow::Result<Vec<Row>> {
        // Probe (also warms the connection): must succeed, and shows what comes back.
        if sc.cached {
            self.invalidate().await;
        }
        let probe = self.http.get_json(&sc.paths[0], sc.token.as_deref()).await?;
        let result = describe(&probe);
        let modes: &[Mode] = if sc.cached {
            &[Mode::ColdSeq, Mode::ColdConc, Mode::WarmSeq, Mode::WarmConc]
        } else {
            &[Mode::Seq, Mode::Conc]
        };
        let mut rows = Vec::new();
        for &mode in modes {
            rows.push(self.measure(sc, mode, &result).await?);
        }
        Ok(rows)
    }
}

fn print_table(rows: &[Row]) {
    println!("| endpoint | as | mode | n | median ms | p95 ms | p99 ms | max ms | req/s | reply |");
    println!("|---|---|---|--:|--:|--:|--:|--:|--:|---|");
    for r in rows {
        let errors = if r.errors > 0 { format!(" ({} errors)", r.errors) } else { String::new() };
        println!(
            "| {} | {} | {} | {}{} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {} |",
            r.endpoint, r.who, r.mode, r.n, errors, r.median_ms, r.p95_ms, r.p99_ms, r.max_ms, r.req_per_s, r.result
        );
    }
}

// ---------------------------------------------------------------- explain and storage-level timings

/// `LIMIT <- FETCH <- IXSCAN search_terms_1` from a plan tree (MongoDB's shape).
fn plan_summary(plan: &Document) -> String {
    let Ok(stage) = plan.get_str("stage") else {
        return Bson::Document(plan.clone()).into_relaxed_extjson().to_string();
    };
    let mut s = stage.to_string();
    if let Ok(index) = plan.get_str("indexName") {
        s.push_str(&format!(" {index}"));
    } else if let Ok(keys) = plan.get_document("keyPattern") {
        s.push_str(&format!(" {keys}"));
    }
    if let Ok(dir) = plan.get_str("direction") {
        if dir != "forward" {
            s.push_str(&format!(" ({dir})"));
        }
    }
    if let Ok(child) = plan.get_document("inputStage") {
        s.push_str(&format!(" <- {}", plan_summary(child)));
    } else if let Ok(children) = plan.get_array("inputStages") {
        let inner: Vec<String> = children.iter().filter_map(Bson::as_document).map(plan_summary).collect();
        s.push_str(&format!(" <- [{}]", inner.join(" | ")));
    }
    s
}

/// The first sub-document named `key`, searched depth-first (also through arrays,
/// so an aggregation's `stages[0].$cursor.queryPlanner` is found).
fn find_doc<'a>(d: &'a Document, key: &str) -> Option<&'a Document> {
    if let Ok(found) = d.get_document(key) {
        return Some(found);
    }
    d.values().find_map(|v| find_in(v, key))
}

fn find_in<'a>(v: &'a Bson, key: &str) -> Option<&'a Document> {
    match v {
        Bson::Document(inner) => find_doc(inner, key),
        Bson::Array(items) => items.iter().find_map(|i| find_in(i, key)),
        _ => None,
    }
}

fn stats_summary(reply: &Document) -> Option<String> {
    let stats = find_doc(reply, "executionStats")?;
    let num = |k: &str| stats.get(k).map(|v| v.to_string()).unwrap_or_else(|| "?".into());
    Some(format!(
        "nReturned {}, keysExamined {}, docsExamined {}, {} ms",
        num("nReturned"),
        num("totalKeysExamined"),
        num("totalDocsExamined"),
        num("executionTimeMillis")
    ))
}

async fn explain(db: &mongodb::Database, label: &str, command: Document) {
    println!("- **{label}**: `{}`", Bson::Document(command.clone()).into_relaxed_extjson());
    match db.run_command(doc! { "explain": command.clone(), "verbosity": "queryPlanner" }).await {
        Ok(reply) => {
            match find_doc(&reply, "winningPlan") {
                Some(plan) => println!("  - winning plan: `{}`", plan_summary(plan)),
                None => println!(
                    "  - reply: `{}`",
                    Bson::Document(reply.clone())
                        .into_relaxed_extjson()
                        .to_string()
                        .chars()
                        .take(400)
                        .collect::<String>()
                ),
            }
            if let Some(planner) = find_doc(&reply, "queryPlanner") {
                if let Ok(rejected) = planner.get_array("rejectedPlans") {
                    println!("  - rejected plans: {}", rejected.len());
                }
            }
        }
        Err(e) => println!("  - explain failed: {e}"),
    }
    if let Ok(reply) = db.run_command(doc! { "explain": command, "verbosity": "executionStats" }).await {
        if let Some(s) = stats_summary(&reply) {
            println!("  - executionStats: {s}");
        }
    }
}

async fn median_ms<F, Fut>(runs: usize, mut f: F) -> anyhow::Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f().await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(percentile(&times, 50.0))
}

/// The list queries as the repositories send them (same filters, sorts and
/// hints), timed without HTTP, auth or cache: the count and the page separately.
async fn storage_breakdown(
    db: &mongodb::Database,
    doctor: &str,
    words: &[String],
    patients_n: u64,
    appointments_n: u64,
) -> anyhow::Result<()> {
    use mongodb::options::Hint;
    let patients = db.collection::<Document>("patients");
    let appointments = db.collection::<Document>("appointments");
    let newest = doc! { "created_at": -1, "_id": -1 };
    let created = doc! { "created_at": -1, "_id": -1 };
    let doctor_created = doc! { "doctor_id": 1, "created_at": -1, "_id": -1 };
    println!("| query (driver, as the repository sends it; no HTTP/auth/cache) | median ms (3 runs) |");
    println!("|---|--:|");
    let count = |coll: mongodb::Collection<Document>, filter: Document, hint: Document| async move {
        coll.count_documents(filter).hint(Hint::Keys(hint)).await?;
        Ok::<_, anyhow::Error>(())
    };
    let page = |coll: mongodb::Collection<Document>, filter: Document, hint: Document, sort: Document, skip: u64| async move {
        let docs: Vec<Document> =
            coll.find(filter).hint(Hint::Keys(hint)).sort(sort).skip(skip).limit(20).await?.try_collect().await?;
        anyhow::ensure!(!docs.is_empty(), "empty page at skip {skip}");
        Ok::<_, anyhow::Error>(())
    };
    let last = |n: u64| n.saturating_sub(1) / 20 * 20;
    let mut rows: Vec<(String, f64)> = Vec::new();
    rows.push((
        "patients: count_documents({}) (list total)".into(),
        median_ms(3, || count(patients.clone(), doc! {}, created.clone())).await?,
    ));
    for skip in [0, 9_980, last(patients_n)] {
        if skip < patients_n {
            rows.push((
                format!("patients: find {{}} newest first, skip {skip}, limit 20"),
                median_ms(3, || page(patients.clone(), doc! {}, created.clone(), newest.clone(), skip)).await?,
            ));
        }
    }
    let filter = doc! { "search_terms": { "$all": words } };
    rows.push((
        format!("patients: find search_terms $all {words:?}, limit 500 (search)"),
        median_ms(3, || {
            let (coll, filter) = (patients.clone(), filter.clone());
            async move {
                let _: Vec<Document> = coll
                    .find(filter)
                    .hint(Hint::Keys(doc! { "search_terms": 1 }))
                    .limit(500)
                    .await?
                    .try_collect()
                    .await?;
                Ok(())
            }
        })
        .await?,
    ));
    rows.push((
        "appointments: count_documents({}) (admin list total)".into(),
        median_ms(3, || count(appointments.clone(), doc! {}, created.clone())).await?,
    ));
    rows.push((
        "appointments: count_documents({doctor_id}) (doctor list total)".into(),
        median_ms(3, || count(appointments.clone(), doc! { "doctor_id": doctor }, doctor_created.clone())).await?,
    ));
    for skip in [0, 9_980, last(appointments_n)] {
        if skip < appointments_n {
            rows.push((
                format!("appointments: find {{}} newest first, skip {skip}, limit 20"),
                median_ms(3, || page(appointments.clone(), doc! {}, created.clone(), newest.clone(), skip)).await?,
            ));
        }
    }
    rows.push((
        "appointments: find {doctor_id} newest first, limit 20".into(),
        median_ms(3, || {
            page(appointments.clone(), doc! { "doctor_id": doctor }, doctor_created.clone(), newest.clone(), 0)
        })
        .await?,
    ));
    for (label, ms) in rows {
        println!("| {label} | {ms:.1} |");
    }
    Ok(())
}

// ---------------------------------------------------------------- main

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cfg = Config::from_env()?;
    let mongo_uri = std::env::var("MONGO_URI").context("MONGO_URI is required (a dedicated, empty database)")?;
    let pid = std::process::id();
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("MONGO_URI".into(), mongo_uri);
    vars.insert("REDIS_URL".into(), std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into()));
    vars.insert("REDIS_PREFIX".into(), std::env::var("REDIS_PREFIX").unwrap_or_else(|_| format!("bench:{pid}")));
    vars.insert(
        "SECRET_KEY".into(),
        std::env::var("SECRET_KEY").unwrap_or_else(|_| format!("bench-secret-{}-{}", pid, ObjectId::new().to_hex())),
    );
    vars.insert("HOST".into(), "127.0.0.1".into());
    vars.insert("PORT".into(), "0".into());
    vars.insert("CLINIC_UTC_OFFSET".into(), "-03:00".into());
    vars.insert("SLOT_MINUTES".into(), cfg.slot_minutes.to_string());
    vars.insert(
        "ARTIFACTS_DIR".into(),
        std::env::temp_dir().join(format!("hs-bench-artifacts-{pid}")).display().to_string(),
    );
    vars.insert("DATA_DIR".into(), concat!(env!("CARGO_MANIFEST_DIR"), "/../../data").into());
    let settings = settings::Settings::from_lookup(&move |name| vars.get(name).cloned())?;
    anyhow::ensure!(settings.clinic_utc_offset_minutes == cfg.clinic_offset_minutes, "clinic offset mismatch");
    let database = settings.mongo.database.clone();

    let app = Application::build(settings).await?;
    let state = app.state();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let store = state.store.clone();
    anyhow::ensure!(cfg.patients > 0, "BENCH_PATIENTS must be at least 1");
    let existing = store.db.collection::<Document>("patients").estimated_document_count().await?;
    if existing > 0 {
        bail!(
            "database {database:?} already holds {existing} patients: the benchmark needs an empty, dedicated database"
        );
    }

    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    let http = Http { base, client };
    let admin_email = "bench-admin@clinic.test";
    let password = "bench-pass-12345";
    api::cli::create_admin(&store, admin_email, password, "Bench Admin").await?;
    let admin = http.login(admin_email, password).await?;
    let admin_id = store.find_user_by_email(admin_email).await?.context("admin missing")?.id;

    eprintln!("creating {} doctors over HTTP", cfg.doctors);
    let mut doctors = Vec::new();
    for i in 0..cfg.doctors {
        let name = format!("{} {}", DOCTOR_NAMES[i % DOCTOR_NAMES.len()], i + 1);
        let email = format!("doctor{}@clinic.test", i + 1);
        let r = http
            .post(
                "/api/admin/doctors/",
                Some(&admin),
                json!({ "full_name": name, "email": email, "password": password }),
            )
            .await?;
        doctors.push(r["user"]["id"].as_str().context("doctor id")?.to_string());
    }
    let doctor_token = http.login("doctor1@clinic.test", password).await?;
    let doctor_id = doctors[0].clone();

    // ------------------------------------------------------------ seeding
    let started = Instant::now();
    let ids = storage::seed::reserve_record_numbers(&store, cfg.patients as u64).await?;
    let data = generate(&cfg, ids, &doctors, &admin_id);
    let generate_s = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {} patients and {} appointments in {generate_s:.1} s; inserting (batches of {}, {} in flight)",
        data.patients.len(),
        data.appointments.len(),
        cfg.batch,
        cfg.insert_concurrency
    );

    let started = Instant::now();
    let done = AtomicUsize::new(0);
    let total = data.patients.len();
    futures_util::stream::iter(data.patients.chunks(cfg.batch))
        .map(|chunk| {
            let (store, done) = (&store, &done);
            async move {
                storage::seed::insert_patients(store, chunk).await?;
                let so_far = done.fetch_add(chunk.len(), Ordering::Relaxed) + chunk.len();
                if so_far * 10 / total.max(1) != (so_far - chunk.len()) * 10 / total.max(1) {
                    eprintln!("  patients {so_far}/{total} ({:.0} s)", started.elapsed().as_secs_f64());
                }
                Ok::<_, anyhow::Error>(())
            }
        })
        .buffer_unordered(cfg.insert_concurrency)
        .try_collect::<Vec<()>>()
        .await?;
    let patients_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let done = AtomicUsize::new(0);
    let total = data.appointments.len();
    futures_util::stream::iter(data.appointments.chunks(cfg.batch))
        .map(|chunk| {
            let (store, done, slot) = (&store, &done, cfg.slot_minutes);
            async move {
                storage::seed::insert_appointments(store, chunk, slot).await?;
                let so_far = done.fetch_add(chunk.len(), Ordering::Relaxed) + chunk.len();
                if so_far * 10 / total.max(1) != (so_far - chunk.len()) * 10 / total.max(1) {
                    eprintln!("  appointments {so_far}/{total} ({:.0} s)", started.elapsed().as_secs_f64());
                }
                Ok::<_, anyhow::Error>(())
            }
        })
        .buffer_unordered(cfg.insert_concurrency)
        .try_collect::<Vec<()>>()
        .await?;
    let appointments_s = started.elapsed().as_secs_f64();

    let patients_in_db = store.db.collection::<Document>("patients").count_documents(doc! {}).await?;
    let appointments_in_db = store.db.collection::<Document>("appointments").count_documents(doc! {}).await?;
    anyhow::ensure!(patients_in_db as usize == data.patients.len(), "patients stored: {patients_in_db}");
    anyhow::ensure!(
        appointments_in_db as usize == data.appointments.len(),
        "appointments stored: {appointments_in_db}"
    );

    // ------------------------------------------------------------ sanity checks through the API
    let sample = &data.patients[data.patients.len() / 2];
    let found = http.get_json(&format!("/api/patients/{}/", sample.id), Some(&admin)).await?;
    anyhow::ensure!(found["fullName"] == json!(sample.full_name), "patient read back differs: {found}");
    let hits = http.get_json(&query("/api/patients/search/", &[("q", &sample.id)]), Some(&admin)).await?;
    anyhow::ensure!(hits[0]["id"] == json!(sample.id), "record-number search did not rank {} first: {hits}", sample.id);
    // Not an error if it fails: search ranks at most 500 index matches, so a common
    // full name can lose its exact match (reported below).
    let by_name = http.get_json(&query("/api/patients/search/", &[("q", &sample.full_name)]), Some(&admin)).await?;
    let full_name_found = by_name.as_array().is_some_and(|a| a.iter().any(|p| p["id"] == json!(sample.id)));
    if let Some(a) = data.appointments.first() {
        http.get_json(&format!("/api/appointments/{}/", a.id), Some(&admin)).await?;
    }

    // ------------------------------------------------------------ scenarios
    let mut rng = Rng(cfg.seed ^ 0x5EED);
    let some_patients: Vec<&Patient> = (0..20).map(|_| rng.pick(&data.patients)).collect();
    let record_numbers: Vec<String> =
        some_patients.iter().map(|p| query("/api/patients/search/", &[("q", &p.id)])).collect();
    let phones: Vec<String> = data
        .patients
        .iter()
        .skip(7)
        .step_by((data.patients.len() / 20).max(1))
        .filter_map(|p| p.phone.as_deref())
        .map(|ph| query("/api/patients/search/", &[("q", &search_text::digits(ph))]))
        .collect();
    let full_names: Vec<String> =
        some_patients.iter().map(|p| query("/api/patients/search/", &[("q", &p.full_name)])).collect();
    let patient_pages = (data.patients.len() as u64).div_ceil(20).max(1);
    let appointment_pages = (data.appointments.len() as u64).div_ceil(20).max(1);
    let today = clinic_now(cfg.clinic_offset_minutes).date();
    // Five clinic days with appointments, the most recent past ones about a week apart
    // (upcoming ones when every generated day is in the future, as in tiny runs).
    let mut all_days: Vec<NaiveDate> = data.appointments.iter().map(|a| a.starts_at.date()).collect();
    all_days.sort_unstable();
    all_days.dedup();
    let past: Vec<NaiveDate> = all_days.iter().copied().filter(|d| *d < today).collect();
    let pool = if past.is_empty() { &all_days } else { &past };
    let days: Vec<NaiveDate> = (0..5).filter_map(|k| pool.len().checked_sub(1 + 5 * k).map(|i| pool[i])).collect();
    let by_day = |extra: &[(&str, &str)]| -> Vec<String> {
        days.iter()
            .map(|d| {
                let day = d.to_string();
                let mut params = vec![("date", day.as_str())];
                params.extend_from_slice(extra);
                query("/api/appointments/", &params)
            })
            .collect()
    };

    let a = Some(admin.clone());
    let d = Some(doctor_token.clone());
    let p = |name: &str, who: &'static str, token: &Option<String>, paths: Vec<String>, cached: bool| Scenario {
        name: name.to_string(),
        who,
        token: token.clone(),
        paths,
        cached,
    };
    let one = |s: String| vec![s];
    let scenarios = vec![
        p("GET /api/health/ (no auth, baseline)", "-", &None, one("/api/health/".into()), false),
        p(
            "GET /api/patients/{id}/ (baseline)",
            "admin",
            &a,
            some_patients.iter().map(|x| format!("/api/patients/{}/", x.id)).collect(),
            false,
        ),
        p("GET /api/patients/ page 1", "admin", &a, one("/api/patients/?page=1".into()), true),
        p("GET /api/patients/ page 500", "admin", &a, one("/api/patients/?page=500".into()), true),
        p(
            &format!("GET /api/patients/ page {patient_pages} (last)"),
            "admin",
            &a,
            one(format!("/api/patients/?page={patient_pages}")),
            true,
        ),
        p(
            "GET /api/patients/?doctorId= page 1",
            "admin",
            &a,
            one(query("/api/patients/", &[("doctorId", &doctor_id)])),
            true,
        ),
        p("GET /api/patients/search/?q=jo", "admin", &a, one(query("/api/patients/search/", &[("q", "jo")])), true),
        p(
            "GET /api/patients/search/?q=maria sil",
            "admin",
            &a,
            one(query("/api/patients/search/", &[("q", "maria sil")])),
            true,
        ),
        p(
            "GET /api/patients/search/?q=conceição",
            "admin",
            &a,
            one(query("/api/patients/search/", &[("q", "conceição")])),
            true,
        ),
        p("GET /api/patients/search/?q=<full name> (20 names)", "admin", &a, full_names, true),
        p("GET /api/patients/search/?q=<record no.> (20)", "admin", &a, record_numbers, true),
        p("GET /api/patients/search/?q=<phone digits> (20)", "admin", &a, phones, true),
        p("GET /api/appointments/ page 1", "admin", &a, one("/api/appointments/".into()), false),
        p("GET /api/appointments/ page 500", "admin", &a, one("/api/appointments/?page=500".into()), false),
        p(
            &format!("GET /api/appointments/ page {appointment_pages} (last)"),
            "admin",
            &a,
            one(format!("/api/appointments/?page={appointment_pages}")),
            false,
        ),
        p("GET /api/appointments/ page 1", "doctor", &d, one("/api/appointments/".into()), false),
        p(
            "GET /api/appointments/?date=<day>&ordering=time (5 days)",
            "admin",
            &a,
            by_day(&[("ordering", "time")]),
            false,
        ),
        p(
            "GET /api/appointments/?date=<day>&ordering=time (5 days)",
            "doctor",
            &d,
            by_day(&[("ordering", "time")]),
            false,
        ),
        p(
            "GET /api/appointments/search/?q=maria sil&status=pending",
            "admin",
            &a,
            one(query("/api/appointments/search/", &[("q", "maria sil"), ("status", "pending")])),
            false,
        ),
        p(
            "GET /api/appointments/search/?q=jo&status=pending",
            "doctor",
            &d,
            one(query("/api/appointments/search/", &[("q", "jo"), ("status", "pending")])),
            false,
        ),
        p(
            "GET /api/appointments/search/?q=<record no.> (20)",
            "admin",
            &a,
            some_patients.iter().map(|x| query("/api/appointments/search/", &[("q", &x.id)])).collect(),
            false,
        ),
    ];

    let scenarios: Vec<Scenario> = scenarios.into_iter().filter(|s| !s.paths.is_empty()).collect();
    let bench = Bench { http: http.clone(), cache: state.cache.clone(), cfg };
    let cfg = &bench.cfg;
    eprintln!("measuring {} scenarios", scenarios.len());
    let measure_started = Instant::now();
    let mut rows = Vec::new();
    for sc in &scenarios {
        rows.extend(bench.run(sc).await.with_context(|| sc.name.clone())?);
    }
    let measure_s = measure_started.elapsed().as_secs_f64();

    // ------------------------------------------------------------ report
    println!();
    println!("## Health Sphere HTTP benchmark");
    println!();
    println!(
        "- server: {}; database `{database}`; {} CPUs; API in-process (release), client reqwest over loopback",
        cfg.server_label,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    println!(
        "- data: {} patients, {} appointments, {} doctors (+1 admin); appointments {} .. {}",
        data.patients.len(),
        data.appointments.len(),
        doctors.len(),
        data.appointments.iter().map(|a| a.starts_at).min().map(|t| t.date().to_string()).unwrap_or_default(),
        data.appointments.iter().map(|a| a.starts_at).max().map(|t| t.date().to_string()).unwrap_or_default(),
    );
    let rate = |n: usize, s: f64| if s > 0.0 { n as f64 / s } else { f64::NAN };
    println!(
        "- seeding (storage::seed, insert_many {} per batch, {} in flight): generate {generate_s:.1} s; patients {patients_s:.1} s ({:.0} docs/s); appointments {appointments_s:.1} s ({:.0} docs/s)",
        cfg.batch,
        cfg.insert_concurrency,
        rate(data.patients.len(), patients_s),
        rate(data.appointments.len(), appointments_s)
    );
    println!(
        "- sampling: up to {} sequential / {} concurrent ({} in flight) requests per cell, each cell capped at {:.0} s (min 3 requests); measuring took {measure_s:.0} s",
        cfg.samples,
        cfg.conc_samples,
        cfg.concurrency,
        cfg.cell_budget.as_secs_f64()
    );
    println!(
        "- check: patient {} ({:?}) found by record number: yes; found by its full name: {}",
        sample.id,
        sample.full_name,
        if full_name_found { "yes" } else { "NO (not among the 500 index matches ranked)" }
    );
    println!("- cold = Redis cache invalidated before each request (MongoDB read); warm = cache hit; seq/cN = uncached endpoints");
    println!();
    print_table(&rows);

    println!();
    println!("### Query plans (explain)");
    println!();
    let db = &store.db;
    let words = search_text::query_words("maria sil");
    let record_words = search_text::query_words(&sample.id);
    let newest = doc! { "created_at": -1, "_id": -1 };
    let by_time = doc! { "starts_at": 1, "_id": 1 };
    // As the repositories send them: only the `$all` word searches carry a hint.
    let find = |coll: &str, filter: Document, sort: Option<&Document>, hint: Option<Document>, limit: i64| {
        let mut c = doc! { "find": coll, "filter": filter };
        if let Some(sort) = sort {
            c.insert("sort", sort.clone());
        }
        if let Some(hint) = hint {
            c.insert("hint", hint);
        }
        c.insert("limit", limit);
        c
    };
    let count = |coll: &str, filter: Document, hint: Document| {
        doc! { "aggregate": coll, "pipeline": [{ "$match": filter }, { "$group": { "_id": 1, "n": { "$sum": 1 } } }], "hint": hint, "cursor": {} }
    };
    let terms = |field: &str, w: &[String]| doc! { field: { "$all": w } };
    let day_start = days.first().copied().unwrap_or(today).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let (from, to) = (
        mongodb::bson::DateTime::from_chrono(day_start),
        mongodb::bson::DateTime::from_chrono(day_start + ChronoDuration::days(1)),
    );
    let day = doc! { "starts_at": { "$gte": from, "$lt": to } };
    let mut doctor_day = day.clone();
    doctor_day.insert("doctor_id", &doctor_id);
    let mut pending_words = doc! { "status": "pending" };
    pending_words.extend(terms("patient_terms", &words));
    let plans: Vec<(String, Document)> = vec![
        (
            "patient search `maria sil` (hint search_terms)".into(),
            find("patients", terms("search_terms", &words), None, Some(doc! { "search_terms": 1 }), 500),
        ),
        (
            "patient search `maria sil`, without the hint".into(),
            find("patients", terms("search_terms", &words), None, None, 500),
        ),
        (
            format!("patient search `{}` (record number)", sample.id),
            find("patients", terms("search_terms", &record_words), None, Some(doc! { "search_terms": 1 }), 500),
        ),
        (
            "patient list page 1 (hint created_at, _id)".into(),
            find("patients", doc! {}, Some(&newest), Some(doc! { "created_at": -1, "_id": -1 }), 20),
        ),
        ("patient list page 1, without the hint".into(), find("patients", doc! {}, Some(&newest), None, 20)),
        ("patient list total (count_documents)".into(), count("patients", doc! {}, doc! { "created_at": -1, "_id": -1 })),
        (
            "appointment list page 1, admin (as sent: no hint)".into(),
            find("appointments", doc! {}, Some(&newest), None, 20),
        ),
        (
            "appointment list total, admin (count_documents)".into(),
            count("appointments", doc! {}, doc! { "created_at": -1, "_id": -1 }),
        ),
        (
            "appointment list page 1, doctor".into(),
            find(
                "appointments",
                doc! { "doctor_id": &doctor_id },
                Some(&newest),
                None,
                20,
            ),
        ),
        (
            "appointment list total, doctor (count_documents)".into(),
            count("appointments", doc! { "doctor_id": &doctor_id }, doc! { "doctor_id": 1, "created_at": -1, "_id": -1 }),
        ),
        (
            format!("appointments of {}, admin, ordering=time", days.first().copied().unwrap_or(today)),
            find("appointments", day.clone(), Some(&by_time), None, 20),
        ),
        (
            format!("appointments of {}, doctor, ordering=time", days.first().copied().unwrap_or(today)),
            find("appointments", doctor_day, Some(&by_time), None, 20),
        ),
        (
            "appointment search `maria sil` + pending, admin".into(),
            find("appointments", pending_words, Some(&newest), Some(doc! { "patient_terms": 1 }), 20),
        ),
        (
            format!("appointment search `{}` (record number), admin", sample.id),
            find(
                "appointments",
                terms("patient_terms", &record_words),
                Some(&newest),
                Some(doc! { "patient_terms": 1 }),
                20,
            ),
        ),
    ];
    for (label, command) in plans {
        explain(db, &label, command).await;
    }

    println!();
    println!("### Storage-level breakdown");
    println!();
    storage_breakdown(db, &doctor_id, &words, data.patients.len() as u64, data.appointments.len() as u64).await?;

    if let Some(path) = &cfg.json_out {
        let out = json!({
            "server": cfg.server_label,
            "patients": data.patients.len(),
            "appointments": data.appointments.len(),
            "doctors": doctors.len(),
            "seed_seconds": { "generate": generate_s, "patients": patients_s, "appointments": appointments_s },
            "rows": rows,
        });
        std::fs::write(path, serde_json::to_string_pretty(&out)?)?;
        eprintln!("results written to {path}");
    }
    Ok(())
}
