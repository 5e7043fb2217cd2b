//! Seeding: generates the data set (`generate`, `names`) and loads it with
//! `storage::seed`, which writes the repositories' own documents, in
//! unordered `insert_many` batches; then the training-history rows of every
//! recorded outcome. Checks that everything arrived.

pub mod generate;
pub mod names;

use crate::config::Config;
use futures_util::{StreamExt, TryStreamExt};
use generate::{Dataset, Input};
use mongodb::bson::{doc, Document};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use storage::Store;

/// How long each part of the load took.
pub struct LoadTimes {
    pub generate_s: f64,
    pub patients_s: f64,
    pub appointments_s: f64,
    pub history_s: f64,
    pub history_rows: usize,
}

impl LoadTimes {
    pub fn describe(&self, data: &Dataset, cfg: &Config) -> String {
        let rate = |n: usize, s: f64| n as f64 / s.max(1e-9);
        format!(
            "generate {:.1} s; patients {:.1} s ({:.0} docs/s); appointments {:.1} s ({:.0} docs/s); history rows {} in {:.1} s \
             (insert_many of {}, {} in flight)",
            self.generate_s,
            self.patients_s,
            rate(data.patients.len(), self.patients_s),
            self.appointments_s,
            rate(data.appointments.len(), self.appointments_s),
            self.history_rows,
            self.history_s,
            cfg.batch,
            cfg.insert_concurrency
        )
    }
}

/// Runs `insert` over `items` in chunks, a few in flight, printing progress every 10%.
async fn batched<'a, T, F, Fut>(label: &str, items: &'a [T], cfg: &Config, insert: F) -> anyhow::Result<f64>
where
    T: Sync,
    F: Fn(&'a [T]) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let started = Instant::now();
    let done = AtomicUsize::new(0);
    let total = items.len().max(1);
    futures_util::stream::iter(items.chunks(cfg.batch))
        .map(|chunk| {
            let (done, insert) = (&done, &insert);
            async move {
                insert(chunk).await?;
                let so_far = done.fetch_add(chunk.len(), Ordering::Relaxed) + chunk.len();
                if so_far * 10 / total != (so_far - chunk.len()) * 10 / total {
                    eprintln!("  {label} {so_far}/{total} ({:.0} s)", started.elapsed().as_secs_f64());
                }
                Ok::<_, anyhow::Error>(())
            }
        })
        .buffer_unordered(cfg.insert_concurrency)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(started.elapsed().as_secs_f64())
}

pub async fn load(store: &Store, cfg: &Config, input: Input<'_>) -> anyhow::Result<(Dataset, LoadTimes)> {
    let started = Instant::now();
    let zone = input.zone;
    let data = generate::generate(input);
    let generate_s = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {} patients, {} appointments, {} history rows in {generate_s:.1} s",
        data.patients.len(),
        data.appointments.len(),
        data.history.len()
    );
    let patients_s = batched("patients", &data.patients, cfg, |chunk| async move {
        storage::seed::insert_patients(store, chunk).await.map_err(anyhow::Error::from)
    })
    .await?;
    let appointments_s = batched("appointments", &data.appointments, cfg, |chunk| async move {
        storage::seed::insert_appointments(store, chunk, cfg.slot_minutes, &zone).await.map_err(anyhow::Error::from)
    })
    .await?;
    let history_s = batched("history rows", &data.history, cfg, |chunk| async move {
        let outcome = store.insert_history_batch(chunk).await?;
        anyhow::ensure!(outcome.duplicates == 0, "{} history rows already present", outcome.duplicates);
        Ok(())
    })
    .await?;

    let patients = store.db.collection::<Document>("patients").count_documents(doc! {}).await?;
    let appointments = store.db.collection::<Document>("appointments").count_documents(doc! {}).await?;
    anyhow::ensure!(patients as usize == data.patients.len(), "patients stored: {patients} of {}", data.patients.len());
    anyhow::ensure!(
        appointments as usize == data.appointments.len(),
        "appointments stored: {appointments} of {}",
        data.appointments.len()
    );
    let history_rows = data.history.len();
    Ok((data, LoadTimes { generate_s, patients_s, appointments_s, history_s, history_rows }))
}
