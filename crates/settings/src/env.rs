//! Typed readers over a variable lookup, so parsing is testable without touching
//! the process environment.

use crate::ConfigError;
use std::str::FromStr;

/// Looks a variable up by name; `std::env::var` in production, a map in tests.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A set, non-blank variable, trimmed.
pub fn optional(lookup: Lookup, name: &str) -> Option<String> {
    lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

pub fn required(lookup: Lookup, name: &str) -> Result<String, ConfigError> {
    optional(lookup, name).ok_or_else(|| ConfigError::Missing(name.into()))
}

pub fn parsed<T: FromStr>(lookup: Lookup, name: &str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match optional(lookup, name) {
        None => Ok(default),
        Some(raw) => raw.parse().map_err(|e: T::Err| invalid(name, e.to_string())),
    }
}

/// Booleans as Django settings spelled them: true/false, 1/0, yes/no, on/off.
pub fn flag(lookup: Lookup, name: &str, default: bool) -> Result<bool, ConfigError> {
    match optional(lookup, name).map(|v| v.to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(_) => Err(invalid(name, "expected true or false")),
    }
}

pub fn invalid(name: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { name: name.into(), reason: reason.into() }
}
