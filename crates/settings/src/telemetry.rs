//! Tracing subscriber set-up: human-readable by default, JSON when asked.
//!
//! Nothing in this codebase logs passwords, tokens, OTPs or patient fields:
//! request spans record the route pattern (never the path's ids or the query
//! string), errors record their kind, and services log the ids of records
//! they found. The default filter keeps the MongoDB driver and the mailer at
//! `warn`: at `debug` they print commands and addresses.

use crate::LogFormat;
use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber. `RUST_LOG` overrides the default filter.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,mongodb=warn,apalis=info,lettre=warn"));
    let builder = fmt().with_env_filter(filter).with_target(true);
    // try_init: a second call (e.g. from tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}
