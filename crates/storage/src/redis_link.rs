//! The one Redis connection a process shares (cache, rate limits, job queues).
//!
//! It is lazy: a process starts even when Redis is down, and connects (or
//! reconnects) on first use. Timeouts are short, so a dead Redis costs a
//! request at most about a second, and callers can fall back.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

/// For request paths: fail within about a second.
pub fn connect_lazily(url: &str) -> redis::RedisResult<ConnectionManager> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_millis(500)))
        .set_response_timeout(Some(Duration::from_millis(800)))
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_millis(200));
    ConnectionManager::new_lazy_with_config(client, config)
}

/// For the worker's queue consumers: a slower command (a vacuum script) must
/// not be taken for an outage, since any error stops an apalis worker.
pub fn connect_lazily_patient(url: &str) -> redis::RedisResult<ConnectionManager> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(Duration::from_secs(5)))
        .set_number_of_retries(3)
        .set_max_delay(Duration::from_millis(500));
    ConnectionManager::new_lazy_with_config(client, config)
}
