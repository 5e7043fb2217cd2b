//! The trained model as a self-contained JSON artifact, and prediction with it.
//!
//! An artifact holds everything needed to predict (feature names, training
//! means and standard deviations, neighbourhood encoding, coefficients,
//! threshold) plus how it was trained and how it did on held-out data, so a
//! stored prediction can always be traced to the model and data behind it.

mod io;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::features::{raw_features, FeatureInput, NeighbourhoodEncoding};
use crate::metrics::{CalibrationBucket, Evaluation};

pub use io::ModelError;

/// Rows in each part of the time split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    /// Earlier training rows (before the validation slice).
    pub train: u64,
    /// The end of the training period, used to choose the threshold.
    pub validation: u64,
    /// The latest appointments, only used for the reported evaluation.
    pub test: u64,
}

/// Where the time split fell (appointment days, inclusive bounds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitInfo {
    /// One readable sentence describing the split.
    pub description: String,
    /// First appointment day used for training.
    pub train_from: NaiveDate,
    /// First day of the validation slice.
    pub validation_from: NaiveDate,
    /// First day of the test period.
    pub test_from: NaiveDate,
    /// Last appointment day in the data.
    pub test_until: NaiveDate,
}

/// How the coefficients were estimated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// Optimiser used.
    pub solver: String,
    /// Optimiser iterations of the final fit.
    pub iterations: usize,
    /// Whether the gradient tolerance was reached before `max_iter`.
    pub converged: bool,
    /// L2 penalty on the coefficients (scikit-learn's 1 / C).
    pub l2: f64,
    /// Whether classes were re-weighted to equal total weight.
    pub class_balance: bool,
    /// Whether the final model was refitted on train + validation after choosing the threshold.
    pub refit_on_validation: bool,
}

/// A trained no-show model; serialised as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelArtifact {
    /// Version label; `train` leaves it empty for the caller to set.
    pub version: String,
    /// When training finished.
    pub created_at: DateTime<Utc>,
    /// Feature names in coefficient order (must equal [`crate::features::FEATURE_NAMES`]).
    pub feature_names: Vec<String>,
    /// Training mean of each raw feature.
    pub means: Vec<f64>,
    /// Training standard deviation of each raw feature.
    pub stds: Vec<f64>,
    /// Logistic regression coefficients on standardised features.
    pub coefficients: Vec<f64>,
    /// Logistic regression intercept.
    pub intercept: f64,
    /// No-show probability at or above which an appointment is flagged.
    pub threshold: f64,
    /// Neighbourhood target encoding from the training data.
    pub neighbourhood_encoding: NeighbourhoodEncoding,
    /// Results on the test period.
    pub evaluation: Evaluation,
    /// Always predicting "attends" on the test period.
    pub baseline: Evaluation,
    /// AUC on the validation slice (model fitted before it).
    pub validation_auc: Option<f64>,
    /// Rows per split.
    pub rows: RowCounts,
    /// SHA-256 over the training records in appointment-id order.
    pub data_hash: String,
    /// The time split.
    pub split: SplitInfo,
    /// Solver details.
    pub training: TrainingInfo,
    /// Calibration of the test-period probabilities (10 buckets, empty ones left out).
    pub calibration: Vec<CalibrationBucket>,
}

impl ModelArtifact {
    /// Probability of a no-show for one appointment (pure arithmetic, allocation-free).
    pub fn predict_no_show(&self, input: &FeatureInput) -> f64 {
        let neighbourhood = self.neighbourhood_encoding.encode(input.neighbourhood.as_deref());
        let x = raw_features(input, neighbourhood);
        let z = x
            .iter()
            .zip(&self.means)
            .zip(&self.stds)
            .zip(&self.coefficients)
            .fold(self.intercept, |z, (((value, mean), std), coefficient)| z + coefficient * (value - mean) / std);
        sigmoid(z)
    }

    /// Whether probability `p` is flagged as a no-show (`p >= threshold`).
    pub fn is_no_show(&self, p: f64) -> bool {
        p >= self.threshold
    }
}

/// The logistic function, written to stay finite for large |z|.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}
