//! Health Sphere's background worker: consumes the Redis queues with apalis.
//! - `email`: generates an activation code, stores its keyed hash, e-mails it;
//! - `ingest`: streams a CSV from the data directory into the history;
//! - `train`: trains, registers and (maybe) activates a model.
//!
//! SMTP outages are retried with backoff; failures that can never succeed
//! (unknown account, unreadable file) are aborted to the dead-letter set.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod handlers;
mod mailer;
mod progress;
mod runner;
mod state;
pub mod vacuum;

pub use mailer::Mailer;
pub use runner::run;
pub use state::WorkerState;
