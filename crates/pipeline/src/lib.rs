//! The no-show model's life cycle on top of storage, shared by the `api`
//! (command line, predictions) and the `worker` (jobs):
//! - [`ingest`]: stream a raw CSV into the appointment history, idempotently;
//! - [`training`]: train on the history, version the artifact on disk and in the
//!   registry, activate it when it is not worse than the active one;
//! - [`predictor`]: the active model, swapped in without a restart.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod ingest;
mod error;
mod history_rows;
pub mod maintenance;
pub mod predictor;
pub mod training;

pub use error::PipelineError;
pub use predictor::ModelHandle;
