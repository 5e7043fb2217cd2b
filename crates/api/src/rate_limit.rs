//! Fixed-window rate limits kept in Redis, so every API instance shares them.
//! Over the limit: 429 with `Retry-After`. If Redis is unreachable the request
//! is allowed (availability over throttling; the cache logs the outage).
//! A fixed window is a few lines here; the usual middleware crates either keep
//! counts per process or pin an old redis client.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::HttpRequest;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: u64,
    pub window_secs: u64,
}

pub const LOGIN_PER_IP: Limit = Limit { name: "login-ip", max: 30, window_secs: 60 };
pub const LOGIN_PER_ACCOUNT: Limit = Limit { name: "login-account", max: 10, window_secs: 900 };
pub const REFRESH_PER_IP: Limit = Limit { name: "refresh-ip", max: 120, window_secs: 60 };
pub const ACTIVATE_PER_IP: Limit = Limit { name: "activate-ip", max: 20, window_secs: 60 };
pub const ACTIVATE_PER_ACCOUNT: Limit = Limit { name: "activate-account", max: 10, window_secs: 900 };
pub const RESEND_PER_IP: Limit = Limit { name: "resend-ip", max: 20, window_secs: 60 };
pub const RESEND_PER_ACCOUNT: Limit = Limit { name: "resend-account", max: 3, window_secs: 600 };

/// The client's address: the socket peer, or the proxy-reported one when `TRUST_PROXY=true`.
pub fn client_ip(state: &AppState, req: &HttpRequest) -> String {
    if state.settings.http.trust_proxy {
        if let Some(ip) = req.connection_info().realip_remote_addr() {
            return ip.to_string();
        }
    }
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// Counts one attempt against `limit` for `key`; `Err(TooManyRequests)` once over.
pub async fn hit(state: &AppState, limit: Limit, key: &str) -> Result<(), ApiError> {
    let redis_key = format!("{}:rl:{}:{}", state.settings.redis.prefix, limit.name, key.to_lowercase());
    let mut conn = state.cache.connection();
    let result: redis::RedisResult<(u64, i64)> = redis::pipe()
        .atomic()
        .incr(&redis_key, 1)
        .cmd("EXPIRE")
        .arg(&redis_key)
        .arg(limit.window_secs)
        .arg("NX")
        .ignore()
        .ttl(&redis_key)
        .query_async(&mut conn)
        .await;
    match result {
        Ok((count, ttl)) if count > limit.max => {
            tracing::warn!(limit = limit.name, "rate limit reached");
            Err(ApiError::TooManyRequests { retry_after: u64::try_from(ttl).unwrap_or(limit.window_secs).max(1) })
        }
        Ok(_) => Ok(()),
        Err(err) => {
            tracing::debug!(error = %err, "rate limiter unavailable; allowing");
            Ok(())
        }
    }
}
