//! The typed settings, one struct per concern, parsed from variable lookups.

use crate::env::{flag, invalid, optional, parsed, required, Lookup};
use crate::ConfigError;
use secrecy::SecretString;
use std::path::PathBuf;

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
    /// Where trained model artifacts are written and read (`ARTIFACTS_DIR`).
    pub artifacts_dir: PathBuf,
    /// Where raw CSVs are looked for (`DATA_DIR`).
    pub data_dir: PathBuf,
    /// Length of one appointment slot, for overlap checks (`SLOT_MINUTES`).
    pub slot_minutes: u32,
    /// Offset of the clinic's wall clock from UTC in minutes (`CLINIC_UTC_OFFSET`, e.g. `-03:00`).
    pub clinic_utc_offset_minutes: i32,
    /// Port of the worker's Prometheus endpoint (`WORKER_METRICS_PORT`); none by default.
    pub worker_metrics_port: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub host: String,
    pub port: u16,
    pub cors_allowed_origins: Vec<String>,
    /// Behind a reverse proxy (Render): take the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
}

#[derive(Debug, Clone)]
pub struct MongoSettings {
    /// Full URI; may carry credentials, hence secret.
    pub uri: SecretString,
    /// Database named in the URI path (`health_sphere` when the path is empty).
    pub database: String,
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
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// `smtp://host:port`, `smtps://user:pass@host` ...; required by the worker only.
    pub url: Option<SecretString>,
    pub from: String,
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
            http: HttpSettings {
                host: optional(lookup, "HOST").unwrap_or_else(|| "0.0.0.0".into()),
                port: parsed(lookup, "PORT", 8000)?,
                cors_allowed_origins: optional(lookup, "CORS_ALLOWED_ORIGINS")
                    .unwrap_or_else(|| DEFAULT_ORIGINS.into())
                    .split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_string())
                    .filter(|o| !o.is_empty())
                    .collect(),
                trust_proxy: flag(lookup, "TRUST_PROXY", false)?,
            },
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
            artifacts_dir: optional(lookup, "ARTIFACTS_DIR").unwrap_or_else(|| "artifacts".into()).into(),
            data_dir: optional(lookup, "DATA_DIR").unwrap_or_else(|| "data".into()).into(),
            slot_minutes: positive(lookup, "SLOT_MINUTES", 30)?,
            clinic_utc_offset_minutes: utc_offset(lookup)?,
            worker_metrics_port: optional(lookup, "WORKER_METRICS_PORT")
                .map(|p| p.parse().map_err(|_| invalid("WORKER_METRICS_PORT", "expected a port number")))
                .transpose()?,
        })
    }
}

fn mongo(lookup: Lookup) -> Result<MongoSettings, ConfigError> {
    let raw = required(lookup, "MONGO_URI")?;
    if !(raw.starts_with("mongodb://") || raw.starts_with("mongodb+srv://")) {
        return Err(invalid("MONGO_URI", "must start with mongodb:// or mongodb+srv://"));
    }
    let parsed = url::Url::parse(&raw).map_err(|e| invalid("MONGO_URI", e.to_string()))?;
    let path = parsed.path().trim_start_matches('/');
    let database = if path.is_empty() { "health_sphere".to_string() } else { path.to_string() };
    Ok(MongoSettings { uri: raw.into(), database })
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
    Ok(AuthSettings {
        secret_key: secret.into(),
        enabled,
        access_ttl_minutes: positive(lookup, "ACCESS_TOKEN_TTL_MINUTES", 60)?.into(),
        refresh_ttl_days: positive(lookup, "REFRESH_TOKEN_TTL_DAYS", 7)?.into(),
        rotate_refresh_tokens: flag(lookup, "ROTATE_REFRESH_TOKENS", false)?,
        otp_ttl_minutes: positive(lookup, "OTP_TTL_MINUTES", 10)?.into(),
        otp_max_attempts: positive(lookup, "OTP_MAX_ATTEMPTS", 5)?,
    })
}

fn positive(lookup: Lookup, name: &str, default: u32) -> Result<u32, ConfigError> {
    let value: u32 = parsed(lookup, name, default)?;
    if value == 0 {
        return Err(invalid(name, "must be greater than zero"));
    }
    Ok(value)
}

/// `+HH:MM` / `-HH:MM` (or `Z`), as a number of minutes.
fn utc_offset(lookup: Lookup) -> Result<i32, ConfigError> {
    let Some(raw) = optional(lookup, "CLINIC_UTC_OFFSET") else { return Ok(0) };
    if raw == "Z" {
        return Ok(0);
    }
    let bad = || invalid("CLINIC_UTC_OFFSET", "expected +HH:MM or -HH:MM");
    let (sign, rest) = match raw.split_at_checked(1) {
        Some(("+", rest)) => (1, rest),
        Some(("-", rest)) => (-1, rest),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let (h, m): (i32, i32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
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
        assert_eq!(s.http.port, 8000);
        assert!(s.auth.enabled);
        assert!(!s.auth.rotate_refresh_tokens);
        assert_eq!(s.auth.access_ttl_minutes, 60);
        assert_eq!(s.slot_minutes, 30);
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
        for (name, value) in [("PORT", "eighty"), ("DEBUG", "maybe"), ("SMTP_URL", "http://x"), ("CLINIC_UTC_OFFSET", "3")] {
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
    fn clinic_offsets_parse_both_signs() {
        let s = load(&with(&[("CLINIC_UTC_OFFSET", "-03:00")])).expect("valid");
        assert_eq!(s.clinic_utc_offset_minutes, -180);
    }
}
