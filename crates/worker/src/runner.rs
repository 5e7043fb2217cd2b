//! Builds the three queue workers under one apalis `Monitor` and runs them
//! until the shutdown signal; in-flight jobs finish, fetched-but-unstarted ones
//! go back to the queue.

use crate::{handlers, Mailer, WorkerState};
use apalis::layers::retry::backoff::{ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff};
use apalis::layers::retry::{BackoffRetryPolicy, HasherRng, RetryPolicy};
use apalis::prelude::*;
use anyhow::Context;
use jobs::{IngestCsv, Queues, SendOtpEmail, TrainModel, EMAIL_QUEUE, INGEST_QUEUE, TRAIN_QUEUE};
use secrecy::ExposeSecret;
use settings::Settings;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

const POLL: Duration = Duration::from_millis(500);

/// In-process retries with exponential backoff (1 s to 10 s); after them Redis
/// re-queues the task with growing delays, up to its own limit. Kept short so a
/// shutdown is not held up by a retry that is sleeping.
fn retry_policy() -> anyhow::Result<BackoffRetryPolicy<ExponentialBackoff>> {
    let backoff = ExponentialBackoffMaker::new(Duration::from_secs(1), Duration::from_secs(10), 0.5, HasherRng::default())
        .map_err(|e| anyhow::anyhow!("backoff: {e}"))?
        .make_backoff();
    Ok(RetryPolicy::retries(3).with_backoff(backoff))
}

pub async fn run(settings: Settings, shutdown: impl Future<Output = std::io::Result<()>> + Send + 'static) -> anyhow::Result<()> {
    let smtp_url = settings.smtp.url.as_ref().context("SMTP_URL is required by the worker")?.expose_secret().to_string();
    let mailer = Mailer::new(&smtp_url, &settings.smtp.from)?;
    let store = storage::connect(settings.mongo.uri.expose_secret(), &settings.mongo.database)
        .await
        .context("cannot connect to MongoDB (MONGO_URI)")?;
    let queues = Queues::connect(settings.redis.url.expose_secret(), &settings.redis.prefix).await.context("cannot connect to Redis (REDIS_URL)")?;
    let otp = domain::otp::OtpHasher::new(settings.auth.secret_key.expose_secret().as_bytes());
    let state = WorkerState { settings: Arc::new(settings), store, mailer, otp };
    // A unique suffix: apalis refuses a worker name seen within one heartbeat.
    let instance = uuid::Uuid::new_v4().simple().to_string();
    let prefix = queues.prefix().to_string();
    let policy = retry_policy()?;

    let (q, s, p, i) = (queues.clone(), state.clone(), policy.clone(), instance.clone());
    let email = move |run: usize| {
        WorkerBuilder::new(format!("{prefix}-email-{i}-{run}"))
            .backend(q.storage::<SendOtpEmail>(EMAIL_QUEUE).poll_with_interval(POLL))
            .data(s.clone())
            .concurrency(4)
            .retry(p.clone())
            .enable_tracing()
            .build(handlers::send_otp)
    };
    let (q, s, i, prefix) = (queues.clone(), state.clone(), instance.clone(), queues.prefix().to_string());
    let ingest = move |run: usize| {
        WorkerBuilder::new(format!("{prefix}-ingest-{i}-{run}"))
            .backend(q.storage::<IngestCsv>(INGEST_QUEUE).poll_with_interval(POLL))
            .data(s.clone())
            .concurrency(1)
            .enable_tracing()
            .build(handlers::ingest)
    };
    let (q, s, i, prefix) = (queues.clone(), state.clone(), instance, queues.prefix().to_string());
    let train = move |run: usize| {
        WorkerBuilder::new(format!("{prefix}-train-{i}-{run}"))
            .backend(q.storage::<TrainModel>(TRAIN_QUEUE).poll_with_interval(POLL))
            .data(s.clone())
            .concurrency(1)
            .enable_tracing()
            .build(handlers::train)
    };
    crate::vacuum::spawn(queues.clone());
    tracing::info!("worker started");
    Monitor::new()
        .register(email)
        .register(ingest)
        .register(train)
        .shutdown_timeout(Duration::from_secs(25))
        .run_with_signal(shutdown)
        .await
        .map_err(|e| anyhow::anyhow!("worker stopped with an error: {e}"))?;
    tracing::info!("worker stopped");
    Ok(())
}
