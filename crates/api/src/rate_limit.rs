//! Rate limits and the password-guessing policy (OWASP ASVS V2.2).
//!
//! Counters are fixed windows in Redis, shared by every API instance. While
//! Redis is down the same limits are kept in this process (per instance)
//! instead of letting everything through; the switch is logged.
//!
//! Password guessing (login and password change), per account:
//! - a **client** (IP address) that got the password wrong 10 times within 15
//!   minutes is refused (429) for that account until the window ends; other
//!   clients, the owner included, are not affected;
//! - once an account has more than 5 failures within 15 minutes from anyone,
//!   clients **that have failed on it** wait before each further attempt
//!   (0.25 s, doubling, at most 5 s); a client with no failures on the account
//!   (the owner at their usual address) is never slowed down;
//! - a correct password clears that client's failures for the account;
//! - every client is limited to 30 login attempts a minute, whatever the account.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::HttpRequest;
use settings::{HttpSettings, ProxyHeader};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: u64,
    pub window_secs: u64,
}

pub const LOGIN_PER_IP: Limit = Limit { name: "login-ip", max: 30, window_secs: 60 };
pub const PASSWORD_CHANGE_PER_IP: Limit = Limit { name: "password-ip", max: 30, window_secs: 60 };
pub const REFRESH_PER_IP: Limit = Limit { name: "refresh-ip", max: 120, window_secs: 60 };
pub const ACTIVATE_PER_IP: Limit = Limit { name: "activate-ip", max: 20, window_secs: 60 };
pub const ACTIVATE_PER_ACCOUNT: Limit = Limit { name: "activate-account", max: 10, window_secs: 900 };
pub const RESEND_PER_IP: Limit = Limit { name: "resend-ip", max: 20, window_secs: 60 };
pub const RESEND_PER_ACCOUNT: Limit = Limit { name: "resend-account", max: 3, window_secs: 600 };

/// Wrong passwords per (account, client): the hard limit.
const FAILURES_PER_CLIENT: Limit = Limit { name: "pw-fail-client", max: 10, window_secs: 900 };
/// Wrong passwords per account, from anyone: above `SLOWDOWN_AFTER`, failing clients are slowed down.
const FAILURES_PER_ACCOUNT: Limit = Limit { name: "pw-fail-account", max: u64::MAX, window_secs: 900 };
const SLOWDOWN_AFTER: u64 = 5;
const SLOWDOWN_FIRST: Duration = Duration::from_millis(250);
const SLOWDOWN_MAX: Duration = Duration::from_secs(5);

/// Fixed-window counters kept in this process, used while Redis is unreachable.
/// (The Redis windows are the primary store; this mirrors their semantics
/// exactly, which a token-bucket crate would not.)
#[derive(Clone, Default)]
pub struct Limiter {
    local: Arc<Mutex<HashMap<String, (Instant, u64)>>>,
    fallback_active: Arc<std::sync::atomic::AtomicBool>,
}

impl Limiter {
    fn local_incr(&self, key: &str, window: Duration, by: u64) -> (u64, u64) {
        let now = Instant::now();
        let Ok(mut map) = self.local.lock() else { return (0, window.as_secs()) };
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = map.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 += by;
        let left = window.saturating_sub(now.duration_since(entry.0)).as_secs().max(1);
        (entry.1, left)
    }

    fn local_clear(&self, key: &str) {
        if let Ok(mut map) = self.local.lock() {
            map.remove(key);
        }
    }

    fn note_fallback(&self, active: bool) {
        let was = self.fallback_active.swap(active, std::sync::atomic::Ordering::Relaxed);
        if active && !was {
            tracing::warn!("rate limits kept in this process while Redis is unreachable");
        } else if !active && was {
            tracing::info!("rate limits back in Redis");
        }
    }
}

/// The client's address. Behind a trusted proxy it is the entry that proxy
/// appended: `TRUSTED_PROXY_HOPS` entries from the right of `X-Forwarded-For`
/// (or of `Forwarded` when `PROXY_HEADER=forwarded`), never an entry the
/// client could have written itself. Otherwise, and when the header is
/// missing or too short, the socket's peer address.
pub fn client_ip(http: &HttpSettings, req: &HttpRequest) -> String {
    let peer = || req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into());
    if !http.trust_proxy {
        return peer();
    }
    let entries: Vec<String> = match http.proxy_header {
        ProxyHeader::XForwardedFor => header_values(req, "x-forwarded-for")
            .iter()
            .flat_map(|v| v.split(','))
            .map(|e| e.trim().to_string())
            .collect(),
        ProxyHeader::Forwarded => header_values(req, "forwarded")
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|element| element.split(';').find_map(|pair| pair.trim().strip_prefix_ci("for=")))
            .map(|v| v.trim_matches('"').trim_start_matches('[').split(']').next().unwrap_or("").to_string())
            .collect(),
    };
    let Some(index) = entries.len().checked_sub(http.trusted_proxy_hops) else { return peer() };
    let candidate = strip_port(&entries[index]);
    candidate.parse::<IpAddr>().map(|ip| ip.to_string()).unwrap_or_else(|_| peer())
}

fn header_values(req: &HttpRequest, name: &str) -> Vec<String> {
    req.headers().get_all(name).filter_map(|v| v.to_str().ok()).map(String::from).collect()
}

/// `1.2.3.4:5678` -> `1.2.3.4`; IPv6 addresses are left alone.
fn strip_port(entry: &str) -> &str {
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => entry,
    }
}

trait StripPrefixCi {
    fn strip_prefix_ci(&self, prefix: &str) -> Option<&str>;
}

impl StripPrefixCi for str {
    fn strip_prefix_ci(&self, prefix: &str) -> Option<&str> {
        (self.len() >= prefix.len() && self[..prefix.len()].eq_ignore_ascii_case(prefix)).then(|| &self[prefix.len()..])
    }
}

fn redis_key(state: &AppState, limit: &Limit, key: &str) -> String {
    format!("{}:rl:{}:{}", state.settings.redis.prefix, limit.name, key.to_lowercase())
}

/// Adds `by` to a window counter; returns the count and the seconds left in the window.
async fn incr(state: &AppState, limit: &Limit, key: &str, by: u64) -> (u64, u64) {
    let redis_key = redis_key(state, limit, key);
    let mut conn = state.cache.connection();
    let result: redis::RedisResult<(u64, i64)> = redis::pipe()
        .atomic()
        .incr(&redis_key, by)
        .cmd("EXPIRE")
        .arg(&redis_key)
        .arg(limit.window_secs)
        .arg("NX")
        .ignore()
        .ttl(&redis_key)
        .query_async(&mut conn)
        .await;
    match result {
        Ok((count, ttl)) => {
            state.limiter.note_fallback(false);
            (count, u64::try_from(ttl).unwrap_or(limit.window_secs).max(1))
        }
        Err(_) => {
            state.limiter.note_fallback(true);
            state.limiter.local_incr(&redis_key, Duration::from_secs(limit.window_secs), by)
        }
    }
}

async fn clear(state: &AppState, limit: &Limit, key: &str) {
    let redis_key = redis_key(state, limit, key);
    state.limiter.local_clear(&redis_key);
    let mut conn = state.cache.connection();
    let _: redis::RedisResult<()> = redis::cmd("DEL").arg(&redis_key).query_async(&mut conn).await;
}

/// Counts one attempt against `limit` for `key`; `Err(TooManyRequests)` once over.
pub async fn hit(state: &AppState, limit: Limit, key: &str) -> Result<(), ApiError> {
    let (count, retry_after) = incr(state, &limit, key, 1).await;
    if count > limit.max {
        tracing::warn!(limit = limit.name, "rate limit reached");
        return Err(ApiError::TooManyRequests { retry_after });
    }
    Ok(())
}

fn pair(account: &str, client: &str) -> String {
    format!("{}|{client}", account.trim().to_lowercase())
}

/// Before checking a password for `account` from `client`: refuses a client
/// that reached the hard limit, and slows down a failing client of an account
/// under attack.
pub async fn before_password_check(state: &AppState, account: &str, client: &str) -> Result<(), ApiError> {
    let (client_failures, retry_after) = incr(state, &FAILURES_PER_CLIENT, &pair(account, client), 0).await;
    if client_failures >= FAILURES_PER_CLIENT.max {
        tracing::warn!(limit = FAILURES_PER_CLIENT.name, "too many wrong passwords from one client");
        return Err(ApiError::TooManyRequests { retry_after });
    }
    if client_failures == 0 {
        return Ok(());
    }
    let (account_failures, _) = incr(state, &FAILURES_PER_ACCOUNT, &account.trim().to_lowercase(), 0).await;
    if let Some(delay) = slowdown(account_failures) {
        tokio::time::sleep(delay).await;
    }
    Ok(())
}

/// The wait for a failing client once the account has `failures` recent failures.
pub fn slowdown(failures: u64) -> Option<Duration> {
    let excess = failures.checked_sub(SLOWDOWN_AFTER).filter(|e| *e > 0)?;
    let factor = 1u32 << (excess - 1).min(10) as u32;
    Some((SLOWDOWN_FIRST * factor).min(SLOWDOWN_MAX))
}

/// After a password check: counts a failure, or clears the client's failures.
pub async fn after_password_check(state: &AppState, account: &str, client: &str, correct: bool) {
    if correct {
        clear(state, &FAILURES_PER_CLIENT, &pair(account, client)).await;
    } else {
        incr(state, &FAILURES_PER_CLIENT, &pair(account, client), 1).await;
        incr(state, &FAILURES_PER_ACCOUNT, &account.trim().to_lowercase(), 1).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn http(trust: bool, hops: usize, header: ProxyHeader) -> HttpSettings {
        HttpSettings {
            host: "127.0.0.1".into(),
            port: 0,
            cors_allowed_origins: vec![],
            trust_proxy: trust,
            trusted_proxy_hops: hops,
            proxy_header: header,
            metrics_token: None,
        }
    }

    fn peer() -> std::net::SocketAddr {
        "10.0.0.9:4000".parse().unwrap()
    }

    #[test]
    fn the_entry_appended_by_the_trusted_proxy_is_the_client() {
        let req = TestRequest::default().peer_addr(peer()).insert_header(("x-forwarded-for", "6.6.6.6, 203.0.113.7")).to_http_request();
        assert_eq!(client_ip(&http(true, 1, ProxyHeader::XForwardedFor), &req), "203.0.113.7");
        assert_eq!(client_ip(&http(true, 2, ProxyHeader::XForwardedFor), &req), "6.6.6.6");
        assert_eq!(client_ip(&http(true, 3, ProxyHeader::XForwardedFor), &req), "10.0.0.9", "too few entries: the peer");
        assert_eq!(client_ip(&http(false, 1, ProxyHeader::XForwardedFor), &req), "10.0.0.9", "untrusted header ignored");
    }

    #[test]
    fn a_client_sent_forwarded_header_is_ignored_unless_configured() {
        let req = TestRequest::default()
            .peer_addr(peer())
            .insert_header(("forwarded", "for=6.6.6.6"))
            .insert_header(("x-forwarded-for", "203.0.113.7"))
            .to_http_request();
        assert_eq!(client_ip(&http(true, 1, ProxyHeader::XForwardedFor), &req), "203.0.113.7");
        let req = TestRequest::default()
            .peer_addr(peer())
            .insert_header(("forwarded", "for=6.6.6.6, for=\"[2001:db8::1]:443\";proto=https"))
            .to_http_request();
        assert_eq!(client_ip(&http(true, 1, ProxyHeader::Forwarded), &req), "2001:db8::1");
    }

    #[test]
    fn the_slowdown_grows_and_is_capped() {
        assert_eq!(slowdown(5), None);
        assert_eq!(slowdown(6), Some(Duration::from_millis(250)));
        assert_eq!(slowdown(8), Some(Duration::from_millis(1000)));
        assert_eq!(slowdown(100), Some(Duration::from_secs(5)));
    }
}
