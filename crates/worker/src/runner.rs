//! Builds the queue workers under one apalis `Monitor`, plus the job relay,
//! the repair sweep, the reminder scheduler and the queue vacuum, and runs
//! them until the shutdown signal. In-flight jobs finish; fetched-but-unstarted
//! ones go back to the queue.
//!
//! apalis stops a worker for good on any Redis error (a restart, a timeout);
//! here the monitor restarts it, waiting a little longer each time (up to
//! 30 s), so the worker recovers by itself when Redis comes back. Each worker
//! fetches no more tasks at a time than it runs, so its heartbeat never
//! pauses behind a buffered task (which would let another worker take them).

use crate::{execute, Mailer, WorkerState};
use anyhow::Context;
use apalis::prelude::*;
use domain::clock::SharedClock;
use jobs::{Queues, EMAIL_QUEUE, INGEST_QUEUE, TRAIN_QUEUE};
use secrecy::ExposeSecret;
use settings::Settings;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

const POLL: Duration = Duration::from_millis(500);

pub async fn run(settings: Settings, shutdown: impl Future<Output = std::io::Result<()>> + Send + 'static) -> anyhow::Result<()> {
    run_with_clock(settings, domain::clock::system(), shutdown).await
}

pub async fn run_with_clock(
    settings: Settings,
    clock: SharedClock,
    shutdown: impl Future<Output = std::io::Result<()>> + Send + 'static,
) -> anyhow::Result<()> {
    let smtp_url = settings.smtp.url.as_ref().context("SMTP_URL is required by the worker")?.expose_secret().to_string();
    let mailer = Mailer::new(&smtp_url, &settings.smtp.from)?;
    let timeouts = storage::Timeouts { server_selection: settings.mongo.server_selection_timeout, connect: settings.mongo.connect_timeout };
    let store = storage::connect_patiently(settings.mongo.uri.expose_secret(), &settings.mongo.database, timeouts, storage::STARTUP_WAIT)
        .await
        .context("cannot connect to MongoDB (MONGO_URI)")?;
    let redis_url = settings.redis.url.expose_secret().to_string();
    let consumers = Queues::new(storage::redis_link::connect_lazily_patient(&redis_url)?, &settings.redis.prefix);
    let redis = storage::redis_link::connect_lazily(&redis_url)?;
    let producers = Queues::new(redis.clone(), &settings.redis.prefix);
    // The repair sweep empties the API's cached views it changes.
    let cache = storage::Cache::new(redis, &settings.redis.prefix);
    let otp = domain::otp::OtpHasher::new(settings.auth.secret_key.expose_secret().as_bytes());
    let relay = jobs::Relay::new(store.clone(), producers.clone(), jobs::RelayConfig::from_settings(&settings.jobs));
    let state = WorkerState { settings: Arc::new(settings), store: store.clone(), mailer, otp, clock };
    // A unique suffix: apalis refuses a worker name seen within one heartbeat.
    let instance = uuid::Uuid::new_v4().simple().to_string();

    let factory = |queue: &'static str, concurrency: usize| {
        let (queues, state, instance) = (consumers.clone(), state.clone(), instance.clone());
        move |run: usize| {
            let backoff = Duration::from_secs((run as u64).min(30));
            let backend = queues
                .storage_with_batch(queue, concurrency)
                .poll_with_interval(POLL)
                .before_start(move |_| async move {
                    tokio::time::sleep(backoff).await;
                    Ok(())
                });
            WorkerBuilder::new(format!("{}-{queue}-{instance}-{run}", queues.prefix()))
                .backend(backend)
                .data(state.clone())
                .concurrency(concurrency)
                .enable_tracing()
                .build(execute::run)
        }
    };
    let relay_task = relay.spawn();
    let sweep = pipeline::maintenance::spawn(store.clone(), cache, state.settings.clinic.zone, state.clock.clone(), Duration::from_secs(10));
    let vacuum = crate::vacuum::spawn(consumers.clone());
    let scheduler = crate::reminders::spawn(state.clone());
    tracing::info!("worker started");
    let result = Monitor::new()
        .register(factory(EMAIL_QUEUE, 4))
        .register(factory(INGEST_QUEUE, 1))
        .register(factory(TRAIN_QUEUE, 1))
        .should_restart(|worker, error| {
            tracing::warn!(worker = worker.name(), error = %error, "queue worker stopped; restarting it");
            true
        })
        .shutdown_timeout(Duration::from_secs(25))
        .run_with_signal(shutdown)
        .await;
    for task in [relay_task, sweep, vacuum, scheduler] {
        task.abort();
    }
    result.map_err(|e| anyhow::anyhow!("worker stopped with an error: {e}"))?;
    tracing::info!("worker stopped");
    Ok(())
}
