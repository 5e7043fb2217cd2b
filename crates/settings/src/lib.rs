//! Configuration read once from the environment (and a `.env` file) into typed
//! settings, plus the tracing set-up shared by the `api` and `worker` binaries.
//!
//! Every setting is validated at start-up: a missing or invalid required one
//! yields a [`ConfigError`] naming the variable, which the binaries print as one
//! line before exiting.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod env;
mod error;
mod model;
pub mod telemetry;

pub use error::ConfigError;
pub use model::{
    AuthSettings, ClinicSettings, HttpSettings, JobSettings, LogFormat, MongoSettings, ProxyHeader, RedisSettings, ReminderSettings, Settings,
    SmtpSettings,
};

/// Loads `.env` (when present) and then reads every setting from the environment.
pub fn load() -> Result<Settings, ConfigError> {
    // A missing .env is the normal case in production; only a malformed one is an error.
    if let Err(err) = dotenvy::dotenv() {
        if !err.not_found() {
            return Err(ConfigError::Invalid { name: ".env".into(), reason: err.to_string() });
        }
    }
    Settings::from_lookup(&|name| std::env::var(name).ok())
}
