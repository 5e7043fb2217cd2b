//! Health Sphere's background worker: consumes the Redis queues with apalis.
//! - `email`: activation codes and appointment reminders;
//! - `ingest`: streams a CSV from the data directory into the history;
//! - `train`: trains, registers and (maybe) activates a model.
//!
//! Jobs come from the MongoDB outbox (the relay pushes their ids to Redis); a
//! worker claims each before running it, so each runs once even when
//! delivered twice, and retries are scheduled in MongoDB.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod execute;
mod handlers;
mod mailer;
mod progress;
pub mod reminders;
mod runner;
mod state;
pub mod vacuum;

pub use mailer::{Letter, Mailer};
pub use runner::{run, run_with_clock};
pub use state::WorkerState;
