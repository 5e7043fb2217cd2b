//! No-show prediction for Health Sphere: from the clinic's appointment CSV to a
//! trained, evaluated logistic regression stored as a JSON artifact.
//!
//! - [`ingest`]: stream and clean CSV rows, reporting every drop and repair.
//! - [`features`]: leakage-free features (history strictly before the booking date).
//! - [`train`]: time-based split, logistic regression (smartcore L-BFGS), F1 threshold.
//! - [`metrics`]: AUC, precision/recall/F1, Brier score, calibration.
//! - [`model`]: the artifact: prediction in microseconds, JSON save and load.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let file = std::fs::File::open("data/noshow-sample.csv")?;
//! let (records, report) = ml::ingest::read_all(file)?;
//! println!("accepted {} of {} rows", report.accepted, report.rows_read);
//! let mut model = ml::train::train(&records, &Default::default(), &mut |p| println!("{}", p.message))?;
//! model.version = "2016-06-demo".into();
//! model.save("artifacts/model.json")?;
//! # Ok(()) }
//! ```

pub mod features;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod train;

pub use features::{FeatureInput, PriorStats};
pub use ingest::{CleanRecord, IngestError, IngestReport};
pub use metrics::Evaluation;
pub use model::ModelArtifact;
pub use train::{TrainConfig, TrainError};

#[cfg(test)]
mod testing;
