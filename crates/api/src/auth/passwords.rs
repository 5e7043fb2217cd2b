//! argon2id password hashing on a small dedicated thread pool.
//!
//! Each hash takes about 19 MiB and tens of milliseconds. Run unbounded (on
//! tokio's blocking pool, up to 512 threads), 64 concurrent wrong passwords
//! once took the API to 4 GB, never returned. Here:
//! - at most `concurrency` hashes run at once (default: one per core), on
//!   threads of their own, so memory is bounded by `concurrency` x 19 MiB;
//! - at most `queue` more wait for a thread; anyone beyond that gets 503 with
//!   `Retry-After` at once, instead of piling up;
//! - the allocator (mimalloc, see `main.rs`) returns the freed memory.

use crate::error::ApiError;
use argon2::password_hash::{phc::PasswordHash, PasswordHasher as _, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, OnceLock};
use tokio::sync::{oneshot, Semaphore};

/// OWASP's recommendation for argon2id: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    #[allow(clippy::unwrap_used)] // constant, valid parameters
    let params = Params::new(19 * 1024, 2, 1, None).unwrap();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> Result<String, String> {
    let hash: PasswordHash = argon2().hash_password(password.as_bytes()).map_err(|e| e.to_string())?;
    Ok(hash.to_string())
}

fn verify_now(password: &str, stored_hash: &str) -> bool {
    argon2().verify_password(password.as_bytes(), stored_hash).is_ok()
}

/// Hashes and verifies passwords with bounded concurrency and queueing.
#[derive(Clone)]
pub struct PasswordHasher {
    pool: Arc<rayon::ThreadPool>,
    admission: Arc<Semaphore>,
}

fn busy() -> ApiError {
    ApiError::unavailable("Too many password checks are in progress. Please try again in a moment.", 1)
}

impl PasswordHasher {
    /// `concurrency` hashing threads; `queue` requests may wait for one.
    pub fn new(concurrency: usize, queue: usize) -> anyhow::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(concurrency.max(1))
            .thread_name(|i| format!("argon2-{i}"))
            .build()?;
        Ok(Self { pool: Arc::new(pool), admission: Arc::new(Semaphore::new(concurrency.max(1) + queue)) })
    }

    /// Runs `work` on the hashing pool, or refuses at once when the queue is full.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let permit = self.admission.clone().try_acquire_owned().map_err(|_| {
            metrics::counter!("password_checks_refused_total").increment(1);
            busy()
        })?;
        let (tx, rx) = oneshot::channel();
        self.pool.spawn(move || {
            let _ = tx.send(work());
            drop(permit);
        });
        rx.await.map_err(|_| ApiError::internal(anyhow::anyhow!("the hashing thread stopped")))
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || hash_now(&password)).await?.map_err(|e| ApiError::internal(anyhow::anyhow!("hashing: {e}")))
    }

    /// False for a wrong password or an unreadable stored hash.
    pub async fn verify(&self, password: String, stored_hash: String) -> Result<bool, ApiError> {
        self.run(move || verify_now(&password, &stored_hash)).await
    }

    /// Verifies against a throwaway hash when an email is unknown, so a wrong
    /// email and a wrong password take the same time.
    pub async fn waste_time(&self, password: String) -> Result<(), ApiError> {
        static DUMMY: OnceLock<String> = OnceLock::new();
        self.run(move || {
            let dummy = DUMMY.get_or_init(|| hash_now("not-a-real-password").unwrap_or_default());
            verify_now(&password, dummy)
        })
        .await
        .map(|_| ())
    }
}

/// Hashes on the calling thread: for the command line (`api create-admin`).
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    hash_now(password).map_err(|e| anyhow::anyhow!("hashing: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() {
        let hasher = PasswordHasher::new(1, 1).unwrap();
        let hash = hasher.hash("correct horse".into()).await.unwrap();
        assert!(hasher.verify("correct horse".into(), hash.clone()).await.unwrap());
        assert!(!hasher.verify("wrong horse".into(), hash).await.unwrap());
    }

    #[tokio::test]
    async fn requests_beyond_the_queue_are_refused_at_once_with_retry_after() {
        let hasher = PasswordHasher::new(1, 2).unwrap();
        let hash = hash_now("pw").unwrap();
        let attempts: Vec<_> = (0..12).map(|_| hasher.verify("x".into(), hash.clone())).collect();
        let results = futures_util::future::join_all(attempts).await;
        let refused = results.iter().filter(|r| matches!(r, Err(ApiError::Unavailable { retry_after: 1, .. }))).count();
        assert_eq!(refused, 9, "one running and two waiting; the rest refused");
    }
}
