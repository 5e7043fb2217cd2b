//! The relay between the job outbox (MongoDB) and the Redis queues. Both the
//! API and the worker run one; they never push the same due job twice (each
//! push is claimed in MongoDB first), and a duplicate push is harmless anyway:
//! a worker claims a job before running it.
//!
//! Each round:
//! 1. moves jobs left embedded in accounts (`pending_jobs`) into `jobs`;
//! 2. requeues jobs whose worker's lease expired (the worker died);
//! 3. fails jobs no worker could run for a day, with the reason;
//! 4. pushes every due job; a job still queued when its next push comes
//!    (Redis lost it, or every worker was busy) is pushed again, with growing
//!    delays. If Redis is down, it stops and tries again next round.
//!
//! A round runs every `interval`, and at once when [`Relay::kick`] is called
//! (right after a request wrote a job).

use crate::Queues;
use chrono::{Duration, Utc};
use std::sync::Arc;
use storage::Store;
use tokio::sync::Notify;

/// Timing of the relay and of job leases.
#[derive(Debug, Clone, Copy)]
pub struct RelayConfig {
    /// Time between rounds.
    pub interval: std::time::Duration,
    /// How long a pushed job may stay unclaimed before it is pushed again (doubling each time).
    pub redispatch_after: Duration,
    /// Jobs queued longer than this are failed.
    pub max_age: Duration,
}

impl RelayConfig {
    pub fn from_settings(s: &settings::JobSettings) -> Self {
        let seconds = |d: std::time::Duration| Duration::seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 1000));
        Self { interval: s.relay_interval, redispatch_after: seconds(s.redispatch_after), max_age: seconds(s.max_age) }
    }
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self { interval: std::time::Duration::from_secs(1), redispatch_after: Duration::seconds(30), max_age: Duration::hours(24) }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundStats {
    pub pushed: u64,
    pub moved_from_accounts: u64,
    pub requeued: u64,
    pub failed_stale: u64,
    pub redis_down: bool,
}

#[derive(Clone)]
pub struct Relay {
    store: Store,
    queues: Queues,
    config: RelayConfig,
    wake: Arc<Notify>,
}

/// How long after a failed push (Redis down) to try again.
const PUSH_RETRY: Duration = Duration::seconds(1);
/// At most this many pushes per round, so one round never runs long.
const MAX_PUSHES: usize = 500;

impl Relay {
    pub fn new(store: Store, queues: Queues, config: RelayConfig) -> Self {
        Self { store, queues, config, wake: Arc::new(Notify::new()) }
    }

    /// Asks for a round now (a job was just written).
    pub fn kick(&self) {
        self.wake.notify_one();
    }

    /// One round. Each repair step runs on its own, so one failing step
    /// (the database briefly down, one bad record) never holds back the
    /// pushes; a database error in the pushes ends the round (the next retries).
    pub async fn round(&self) -> Result<RoundStats, storage::StorageError> {
        let now = Utc::now();
        let mut stats = RoundStats::default();
        match self.store.flush_embedded_jobs("users", None, now - Duration::seconds(5)).await {
            Ok(moved) => stats.moved_from_accounts = moved,
            Err(err) => tracing::warn!(error = %err, "job relay: moving jobs out of accounts failed; retrying next round"),
        }
        match self.store.recover_expired_leases(now).await {
            Ok((requeued, failed)) => (stats.requeued, stats.failed_stale) = (requeued, failed),
            Err(err) => tracing::warn!(error = %err, "job relay: recovering expired claims failed; retrying next round"),
        }
        match self.store.fail_stale_jobs(now, self.config.max_age).await {
            Ok(failed) => stats.failed_stale += failed,
            Err(err) => tracing::warn!(error = %err, "job relay: failing stale jobs failed; retrying next round"),
        }
        for _ in 0..MAX_PUSHES {
            let Some(job) = self.store.claim_dispatch(Utc::now(), self.config.redispatch_after).await? else { break };
            match self.queues.push(&job.queue, &job.id).await {
                Ok(()) => stats.pushed += 1,
                Err(err) => {
                    tracing::warn!(error = %err, job_id = %job.id, "job queue unreachable; will push again");
                    self.store.dispatch_failed(&job.id, Utc::now() + PUSH_RETRY).await?;
                    stats.redis_down = true;
                    break;
                }
            }
        }
        if stats.requeued > 0 || stats.failed_stale > 0 || stats.moved_from_accounts > 0 {
            tracing::info!(?stats, "job relay repaired the outbox");
        }
        Ok(stats)
    }

    /// Runs rounds until the process ends.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(err) = self.round().await {
                    tracing::warn!(error = %err, "job relay round failed; retrying");
                }
                tokio::select! {
                    () = tokio::time::sleep(self.config.interval) => {}
                    () = self.wake.notified() => {}
                }
            }
        })
    }
}
