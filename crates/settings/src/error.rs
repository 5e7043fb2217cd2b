//! The one error type of this crate.

/// A setting that is missing or cannot be used. Its `Display` is the one line
/// printed at start-up.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("configuration error: {0} is required but not set")]
    Missing(String),
    #[error("configuration error: {name} is invalid: {reason}")]
    Invalid { name: String, reason: String },
}
