//! The typed settings, one struct per concern, parsed from variable lookups.

use crate::env::{flag, invalid, optional, parsed, required, Lookup};
use crate::ConfigError;
use domain::clinic_time::ClinicZone;
use secrecy::SecretString;
use std::path::PathBuf;
use std::time::Duration;

/// Everything both binaries read at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub debug: bool,
    pub log_format: LogFormat,
    pub http: HttpSettings,
    pub mongo: MongoSettings,
    pub redis: RedisSettings,
    pub auth: AuthSettings,
    pub smtp: SmtpSettings,
    pub clinic: ClinicSettings,
    pub reminders: ReminderSettings,
    pub jobs: JobSettings,
    /// Where trained model artifacts are written and read (`ARTIFACTS_DIR`).
    pub artifacts_dir: PathBuf,
    /// Where raw CSVs are looked for (`DATA_DIR`).
    pub data_dir: PathBuf,
    /// Port of the worker's Prometheus endpoint (`WORKER_METRICS_PORT`); none by default.
    pub worker_metrics_port: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Which header carries the client address that the trusted proxy appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyHeader {
    XForwardedFor,
    Forwarded,
}

#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub host: String,
    pub port: u16,
    pub cors_allowed_origins: Vec<String>,
    /// Behind a reverse proxy (Render): take the client address from the proxy's header.
    pub trust_proxy: bool,
    /// How many proxies in front of the API append to the header (`TRUSTED_PROXY_HOPS`, default 1):
    /// the client address is that many entries from the right.
    pub trusted_proxy_hops: usize,
    /// `PROXY_HEADER`: `x-forwarded-for` (default) or `forwarded` (RFC 7239).
    pub proxy_header: ProxyHeader,
    /// Bearer token required by `GET /metrics` (`METRICS_TOKEN`); open when unset.
    pub metrics_token: Option<SecretString>,
}

#[derive(Debug, Clone)]
pub struct MongoSettings {
    /// Full URI; may carry credentials, hence secret.
    pub uri: SecretString,
    /// The URI's default database (`health_sphere` when it names none).
    pub database: String,
    /// How long a request waits for a usable server before answering 503
    /// (`MONGO_SERVER_SELECTION_TIMEOUT_MS`, default 1000).
    pub server_selection_timeout: Duration,
    /// TCP connect and heartbeat timeout (`MONGO_CONNECT_TIMEOUT_MS`, default 3000).
    pub connect_timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct RedisSettings {
    pub url: SecretString,
    /// Namespace for every cache key and job queue (`REDIS_PREFIX`), so several
    /// deployments or test runs can share one Redis.
    pub prefix: String,
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// JWT signing key and OTP pepper (`SECRET_KEY`).
    pub secret_key: SecretString,
    /// `ENABLE_AUTH=false` is honoured only together with `DEBUG=true`.
    pub enabled: bool,
    pub access_ttl_minutes: i64,
    pub refresh_ttl_days: i64,
    pub rotate_refresh_tokens: bool,
    pub otp_ttl_minutes: i64,
    pub otp_max_attempts: u32,
    /// Password hashes computed at once (`PASSWORD_HASH_CONCURRENCY`, default: the number of cores).
    pub hash_concurrency: usize,
    /// Password checks allowed to wait for a free hasher (`PASSWORD_HASH_QUEUE`, default 32);
    /// beyond that the API answers 503 with `Retry-After`.
    pub hash_queue: usize,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// `smtp://host:port`, `smtps://user:pass@host` ...; required by the worker only.
    pub url: Option<SecretString>,
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct ClinicSettings {
    /// The clinic's clock (`CLINIC_TIMEZONE`, an IANA name; or the older `CLINIC_UTC_OFFSET`).
    pub zone: ClinicZone,
    /// Shown in reminder e-mails (`CLINIC_NAME`).
    pub name: String,
    /// Length of one appointment slot, for overlap checks (`SLOT_MINUTES`).
    pub slot_minutes: u32,
    /// How far ahead bookings are accepted (`BOOKING_HORIZON_DAYS`, default 365).
    pub booking_horizon_days: u32,
    /// How long a doctor may correct an outcome they recorded (`OUTCOME_CORRECTION_HOURS`, default 24).
    pub outcome_correction_hours: u32,
}

#[derive(Debug, Clone)]
pub struct ReminderSettings {
    /// `REMINDERS_ENABLED` (default true): the worker e-mails reminders.
    pub enabled: bool,
    /// Hours before a high-risk appointment (`REMINDER_HOURS_HIGH`, default `72,24`).
    pub high_risk_hours: Vec<u32>,
    /// Hours before any other appointment (`REMINDER_HOURS`, default `24`).
    pub hours: Vec<u32>,
    /// How often the scheduler looks for due reminders (`REMINDER_TICK_SECONDS`, default 60).
    pub tick: Duration,
}

/// Timing of the job outbox: how often the relay runs, when an unclaimed job
/// is pushed again, how long a worker's claim lasts without renewal.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// `JOB_RELAY_INTERVAL_MS` (default 1000).
    pub relay_interval: Duration,
    /// `JOB_REDISPATCH_SECONDS` (default 30): a pushed job not yet claimed is pushed again after this, doubling.
    pub redispatch_after: Duration,
    /// `JOB_LEASE_SECONDS` (default 60): a worker that stops renewing its claim for this long is presumed dead.
    pub lease: Duration,
    /// `JOB_MAX_AGE_HOURS` (default 24): jobs no worker ran within this are failed with the reason.
    pub max_age: Duration,
}

const DEFAULT_ORIGINS: &str = "http://localhost:8080,http://127.0.0.1:8080,http://localhost:4173,http://127.0.0.1:4173";
const MIN_SECRET_LEN: usize = 32;

impl Settings {
    /// Parses every setting; the first problem found is returned.
    pub fn from_lookup(lookup: Lookup) -> Result<Self, ConfigError> {
        let debug = flag(lookup, "DEBUG", false)?;
        Ok(Self {
            debug,
            log_format: match optional(lookup, "LOG_FORMAT").as_deref() {
                None | Some("pretty") => LogFormat::Pretty,
                Some("json") => LogFormat::Json,
                Some(_) => return Err(invalid("LOG_FORMAT", "expected json or pretty")),
            },
            http: http(lookup)?,
            mongo: mongo(lookup)?,
            redis: RedisSettings {
                url: redis_url(lookup)?,
                prefix: optional(lookup, "REDIS_PREFIX").unwrap_or_else(|| "hs".into()),
            },
            auth: auth(lookup, debug)?,
            smtp: SmtpSettings {
                url: smtp_url(lookup)?,
                from: optional(lookup, "MAIL_FROM").unwrap_or_else(|| "Health Sphere <no-reply@healthsphere.local>".into()),
            },
            clinic: ClinicSettings {
                zone: clinic_zone(lookup)?,
                name: optional(lookup, "CLINIC_NAME").unwrap_or_else(|| "Health Sphere clinic".into()),
                slot_minutes: bounded(lookup, "SLOT_MINUTES", 30, 5, 240)?,
                booking_horizon_days: bounded(lookup, "BOOKING_HORIZON_DAYS", 365, 1, 3650)?,
                outcome_correction_hours: bounded(lookup, "OUTCOME_CORRECTION_HOURS", 24, 0, 24 * 365)?,
            },
            reminders: ReminderSettings {
                enabled: flag(lookup, "REMINDERS_ENABLED", true)?,
                high_risk_hours: hours_list(lookup, "REMINDER_HOURS_HIGH", "72,24")?,
                hours: hours_list(lookup, "REMINDER_HOURS", "24")?,
                tick: Duration::from_secs(u64::from(bounded(lookup, "REMINDER_TICK_SECONDS", 60, 1, 3600)?)),
            },
            jobs: JobSettings {
                relay_interval: Duration::from_millis(u64::from(bounded(lookup, "JOB_RELAY_INTERVAL_MS", 1000, 50, 60_000)?)),
                redispatch_after: Duration::from_secs(u64::from(bounded(lookup, "JOB_REDISPATCH_SECONDS", 30, 1, 3600)?)),
                lease: Duration::from_secs(u64::from(bounded(lookup, "JOB_LEASE_SECONDS", 60, 3, 3600)?)),
                max_age: Duration::from_secs(3600 * u64::from(bounded(lookup, "JOB_MAX_AGE_HOURS", 24, 1, 24 * 30)?)),
            },
            artifacts_dir: optional(lookup, "ARTIFACTS_DIR").unwrap_or_else(|| "artifacts".into()).into(),
            data_dir: optional(lookup, "DATA_DIR").unwrap_or_else(|| "data".into()).into(),
            worker_metrics_port: optional(lookup, "WORKER_METRICS_PORT")
                .map(|p| p.parse().map_err(|_| invalid("WORKER_METRICS_PORT", "expected a port number")))
                .transpose()?,
        })
    }
}

fn http(lookup: Lookup) -> Result<HttpSettings, ConfigError> {
    Ok(HttpSettings {
        host: optional(lookup, "HOST").unwrap_or_else(|| "0.0.0.0".into()),
        port: parsed(lookup, "PORT", 8000)?,
        cors_allowed_origins: optional(lookup, "CORS_ALLOWED_ORIGINS")
            .unwrap_or_else(|| DEFAULT_ORIGINS.into())
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_string())
            .filter(|o| !o.is_empty())
            .collect(),
        trust_proxy: flag(lookup, "TRUST_PROXY", false)?,
        trusted_proxy_hops: bounded(lookup, "TRUSTED_PROXY_HOPS", 1, 1, 10)? as usize,
        proxy_header: match optional(lookup, "PROXY_HEADER").map(|h| h.to_ascii_lowercase()).as_deref() {
            None | Some("x-forwarded-for") => ProxyHeader::XForwardedFor,
            Some("forwarded") => ProxyHeader::Forwarded,
            Some(_) => return Err(invalid("PROXY_HEADER", "expected x-forwarded-for or forwarded")),
        },
        metrics_token: optional(lookup, "METRICS_TOKEN").map(SecretString::from),
    })
}

/// Validated with the driver's own parser (replica sets, `mongodb+srv://`, options),
/// without any network access; the database is the URI's default database.
fn mongo(lookup: Lookup) -> Result<MongoSettings, ConfigError> {
    let raw = required(lookup, "MONGO_URI")?;
    let parsed = mongodb::options::ConnectionString::parse(&raw).map_err(|e| invalid("MONGO_URI", mongo_reason(&e)))?;
    let database = parsed.default_database.clone().filter(|d| !d.is_empty()).unwrap_or_else(|| "health_sphere".into());
    let millis = |name: &str, default: u32| -> Result<Duration, ConfigError> {
        Ok(Duration::from_millis(u64::from(bounded(lookup, name, default, 50, 120_000)?)))
    };
    Ok(MongoSettings {
        uri: raw.into(),
        database,
        server_selection_timeout: millis("MONGO_SERVER_SELECTION_TIMEOUT_MS", 1000)?,
        connect_timeout: millis("MONGO_CONNECT_TIMEOUT_MS", 3000)?,
    })
}

/// The driver's message, without anything that could be a credential.
fn mongo_reason(err: &mongodb::error::Error) -> String {
    match err.kind.as_ref() {
        mongodb::error::ErrorKind::InvalidArgument { message, .. } if !message.contains('@') => message.clone(),
        _ => "not a valid MongoDB connection string".into(),
    }
}

fn redis_url(lookup: Lookup) -> Result<SecretString, ConfigError> {
    let raw = required(lookup, "REDIS_URL")?;
    if !(raw.starts_with("redis://") || raw.starts_with("rediss://")) {
        return Err(invalid("REDIS_URL", "must start with redis:// or rediss://"));
    }
    Ok(raw.into())
}

fn smtp_url(lookup: Lookup) -> Result<Option<SecretString>, ConfigError> {
    match optional(lookup, "SMTP_URL") {
        None => Ok(None),
        Some(raw) if raw.starts_with("smtp://") || raw.starts_with("smtps://") => Ok(Some(raw.into())),
        Some(_) => Err(invalid("SMTP_URL", "must start with smtp:// or smtps://")),
    }
}

fn auth(lookup: Lookup, debug: bool) -> Result<AuthSettings, ConfigError> {
    let secret = required(lookup, "SECRET_KEY")?;
    if secret.len() < MIN_SECRET_LEN {
        return Err(invalid("SECRET_KEY", format!("must be at least {MIN_SECRET_LEN} characters")));
    }
    let enabled = flag(lookup, "ENABLE_AUTH", true)?;
    if !enabled && !debug {
        return Err(invalid("ENABLE_AUTH", "false is only allowed for local development with DEBUG=true"));
    }
    let cores = std::thread::available_parallelism().map_or(2, usize::from) as u32;
    Ok(AuthSettings {
        secret_key: secret.into(),
        enabled,
        access_ttl_minutes: bounded(lookup, "ACCESS_TOKEN_TTL_MINUTES", 60, 1, 24 * 60)?.into(),
        refresh_ttl_days: bounded(lookup, "REFRESH_TOKEN_TTL_DAYS", 7, 1, 365)?.into(),
        rotate_refresh_tokens: flag(lookup, "ROTATE_REFRESH_TOKENS", false)?,
        otp_ttl_minutes: bounded(lookup, "OTP_TTL_MINUTES", 10, 1, 24 * 60)?.into(),
        otp_max_attempts: bounded(lookup, "OTP_MAX_ATTEMPTS", 5, 1, 100)?,
        hash_concurrency: bounded(lookup, "PASSWORD_HASH_CONCURRENCY", cores, 1, 64)? as usize,
        hash_queue: bounded(lookup, "PASSWORD_HASH_QUEUE", 32, 0, 10_000)? as usize,
    })
}

/// A whole number within `min..=max`.
fn bounded(lookup: Lookup, name: &str, default: u32, min: u32, max: u32) -> Result<u32, ConfigError> {
    let value: u32 = parsed(lookup, name, default)?;
    if !(min..=max).contains(&value) {
        return Err(invalid(name, format!("must be between {min} and {max}")));
    }
    Ok(value)
}

/// Comma-separated whole hours, e.g. `72,24`, kept in descending order.
fn hours_list(lookup: Lookup, name: &str, default: &str) -> Result<Vec<u32>, ConfigError> {
    let raw = optional(lookup, name).unwrap_or_else(|| default.into());
    let mut hours = raw
        .split(',')
        .map(|h| h.trim().parse::<u32>().ok().filter(|h| (1..=24 * 30).contains(h)))
        .collect::<Option<Vec<u32>>>()
        .ok_or_else(|| invalid(name, "expected comma-separated hours between 1 and 720, e.g. 72,24"))?;
    hours.sort_unstable_by(|a, b| b.cmp(a));
    hours.dedup();
    Ok(hours)
}

/// `CLINIC_TIMEZONE` (IANA name) wins; `CLINIC_UTC_OFFSET` (`-03:00`) is the older
/// fixed-offset form, still accepted; neither means UTC.
fn clinic_zone(lookup: Lookup) -> Result<ClinicZone, ConfigError> {
    if let Some(name) = optional(lookup, "CLINIC_TIMEZONE") {
        return ClinicZone::named(&name)
            .ok_or_else(|| invalid("CLINIC_TIMEZONE", "expected an IANA time zone name such as America/Sao_Paulo"));
    }
    match optional(lookup, "CLINIC_UTC_OFFSET") {
        None => Ok(ClinicZone::UTC),
        Some(raw) => ClinicZone::fixed_offset(&raw).ok_or_else(|| invalid("CLINIC_UTC_OFFSET", "expected +HH:MM or -HH:MM")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(&move |name| map.get(name).cloned())
    }

    const BASE: [(&str, &str); 3] = [
        ("SECRET_KEY", "0123456789abcdef0123456789abcdef"),
        ("MONGO_URI", "mongodb://localhost:27017/clinic"),
        ("REDIS_URL", "redis://127.0.0.1:6379"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        BASE.iter().copied().chain(extra.iter().copied()).collect()
    }

    #[test]
    fn a_minimal_environment_gives_sensible_defaults() {
        let s = load(&BASE).expect("valid");
        assert_eq!(s.mongo.database, "clinic");
        assert_eq!(s.mongo.server_selection_timeout, Duration::from_millis(1000));
        assert_eq!(s.http.port, 8000);
        assert!(s.auth.enabled);
        assert!(!s.auth.rotate_refresh_tokens);
        assert_eq!(s.auth.access_ttl_minutes, 60);
        assert_eq!(s.clinic.slot_minutes, 30);
        assert_eq!(s.clinic.zone, ClinicZone::UTC);
        assert_eq!(s.http.trusted_proxy_hops, 1);
        assert_eq!(s.http.proxy_header, ProxyHeader::XForwardedFor);
        assert_eq!(s.reminders.high_risk_hours, vec![72, 24]);
        assert_eq!(s.reminders.hours, vec![24]);
    }

    #[test]
    fn each_missing_required_setting_is_named() {
        for missing in ["SECRET_KEY", "MONGO_URI", "REDIS_URL"] {
            let vars: Vec<_> = BASE.iter().copied().filter(|(k, _)| *k != missing).collect();
            assert_eq!(load(&vars).unwrap_err(), ConfigError::Missing(missing.into()));
        }
    }

    #[test]
    fn a_short_secret_key_is_refused() {
        let err = load(&with(&[("SECRET_KEY", "short")])).unwrap_err();
        assert!(err.to_string().contains("SECRET_KEY"));
    }

    #[test]
    fn disabling_auth_requires_debug() {
        assert!(load(&with(&[("ENABLE_AUTH", "false")])).is_err());
        let s = load(&with(&[("ENABLE_AUTH", "false"), ("DEBUG", "true")])).expect("valid");
        assert!(!s.auth.enabled);
    }

    #[test]
    fn invalid_values_name_their_variable() {
        for (name, value) in [
            ("PORT", "eighty"),
            ("DEBUG", "maybe"),
            ("SMTP_URL", "http://x"),
            ("CLINIC_UTC_OFFSET", "3"),
            ("CLINIC_TIMEZONE", "Mars/Olympus"),
            ("MONGO_URI", "postgres://x"),
            ("MONGO_URI", "mongodb://"),
            ("TRUSTED_PROXY_HOPS", "0"),
            ("PROXY_HEADER", "x-real-ip"),
            ("REMINDER_HOURS_HIGH", "72,soon"),
            ("SLOT_MINUTES", "0"),
        ] {
            let err = load(&with(&[(name, value)])).unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn a_uri_without_database_uses_the_default_name() {
        let s = load(&with(&[("MONGO_URI", "mongodb://localhost:27017")])).expect("valid");
        assert_eq!(s.mongo.database, "health_sphere");
    }

    #[test]
    fn replica_set_and_atlas_uris_are_accepted_with_their_database() {
        for (uri, db) in [
            ("mongodb://h1:27017,h2:27017/health_sphere?replicaSet=rs0", "health_sphere"),
            ("mongodb://h1,h2,h3/clinic?replicaSet=rs0&readPreference=primaryPreferred&w=majority", "clinic"),
            ("mongodb://user:p%40ss@h1:27017,h2:27018/records?authSource=admin&replicaSet=rs0&tls=true", "records"),
            ("mongodb+srv://user:pass@cluster0.ab1cd.mongodb.net/health_sphere?retryWrites=true&w=majority", "health_sphere"),
            ("mongodb+srv://user:pass@cluster0.ab1cd.mongodb.net/?retryWrites=true&w=majority&appName=Cluster0", "health_sphere"),
            ("mongodb://[::1]:27017,127.0.0.1:27018/?replicaSet=rs0", "health_sphere"),
        ] {
            let s = load(&with(&[("MONGO_URI", uri)])).unwrap_or_else(|e| panic!("{uri}: {e}"));
            assert_eq!(s.mongo.database, db, "{uri}");
        }
    }

    #[test]
    fn a_bad_uri_error_never_echoes_credentials() {
        let err = load(&with(&[("MONGO_URI", "mongodb://user:hunter2@h1:notaport/db")])).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn the_clinic_zone_prefers_the_iana_name_and_keeps_the_offset_form() {
        let s = load(&with(&[("CLINIC_UTC_OFFSET", "-03:00")])).expect("valid");
        assert_eq!(s.clinic.zone, ClinicZone::fixed_offset("-03:00").unwrap());
        let s = load(&with(&[("CLINIC_UTC_OFFSET", "-03:00"), ("CLINIC_TIMEZONE", "Europe/Lisbon")])).expect("valid");
        assert_eq!(s.clinic.zone.to_string(), "Europe/Lisbon");
    }
}
