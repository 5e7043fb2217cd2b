//! Trying a database operation again while the server is unreachable
//! (starting, restarting, failing over), with growing pauses, for a bounded time.

use crate::Result;
use std::future::Future;
use std::time::{Duration, Instant};

/// Runs `op` until it succeeds, fails for another reason than the server
/// being unreachable, or `for_up_to` has passed; pauses grow from 200 ms to 5 s.
pub async fn while_unavailable<T, F, Fut>(for_up_to: Duration, mut op: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let deadline = Instant::now() + for_up_to;
    let mut pause = Duration::from_millis(200);
    loop {
        match op().await {
            Err(err) if err.is_unavailable() && Instant::now() + pause < deadline => {
                tracing::warn!(error = %err, retry_in_ms = pause.as_millis() as u64, "MongoDB is not reachable; trying again");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
            other => return other,
        }
    }
}
