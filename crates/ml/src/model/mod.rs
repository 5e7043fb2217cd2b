//! The trained model as a self-contained JSON artifact, and prediction with it.
//!
//! An artifact holds everything needed to predict (feature names, training
//! means and standard deviations, neighbourhood encoding, coefficients,
//! calibrator, threshold, risk bands) plus how it was trained and how it did
//! on held-out data, so a stored prediction can always be traced to the model
//! and data behind it.
//!
//! Probabilities served are calibrated ([`BetaCalibrator`], fitted on the
//! validation slice); the threshold and the bands are on that scale. Reasons
//! ([`ModelArtifact::explain`]) are on the model's log-odds before
//! calibration, which is monotone and so does not change their order.

mod calibrator;
mod explain;
mod io;
mod report;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::features::{raw_features, FeatureInput, NeighbourhoodEncoding, FEATURE_COUNT};
use crate::metrics::{CalibrationBucket, Evaluation};

pub use calibrator::BetaCalibrator;
pub use explain::{Band, Contribution, RiskBands};
pub use io::ModelError;
pub use report::{CalibrationReport, HeldOutReport, RocPoint};

/// Rows in each part of the time split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    /// Earlier training rows (before the validation slice).
    pub train: u64,
    /// The end of the training period, used to fit the calibrator and choose the threshold and bands.
    pub validation: u64,
    /// The latest appointments, only used for the reported evaluation.
    pub test: u64,
    /// Rows the served coefficients were fitted on (all three parts when refitted on everything).
    #[serde(default)]
    pub served: u64,
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
    /// Whether the evaluated model was refitted on train + validation after choosing the threshold.
    pub refit_on_validation: bool,
    /// Whether the served coefficients were refitted on every row (test period
    /// included) after the evaluation, with the same settings. The reported
    /// evaluation is then that of the held-out fit, which never saw the test period.
    #[serde(default)]
    pub refit_on_all: bool,
}

/// A trained no-show model; serialised as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelArtifact {
    /// Version label; `train` leaves it empty for the caller to set.
    pub version: String,
    /// When training finished.
    pub created_at: DateTime<Utc>,
    /// Feature names in coefficient order: [`crate::features::FEATURE_NAMES`]
    /// or (older artifacts) a subset of them.
    pub feature_names: Vec<String>,
    /// Training mean of each raw feature.
    pub means: Vec<f64>,
    /// Training standard deviation of each raw feature.
    pub stds: Vec<f64>,
    /// Logistic regression coefficients on standardised features.
    pub coefficients: Vec<f64>,
    /// Logistic regression intercept.
    pub intercept: f64,
    /// Maps the regression's probability to a calibrated one (absent in older artifacts).
    #[serde(default)]
    pub calibrator: Option<BetaCalibrator>,
    /// Calibrated no-show probability at or above which an appointment is flagged.
    pub threshold: f64,
    /// Cut points of the low / medium / high bands (absent in older artifacts).
    #[serde(default)]
    pub bands: Option<RiskBands>,
    /// Neighbourhood target encoding from the training data.
    pub neighbourhood_encoding: NeighbourhoodEncoding,
    /// Results of the held-out fit on the test period (calibrated probabilities).
    pub evaluation: Evaluation,
    /// Always predicting "attends" on the test period.
    pub baseline: Evaluation,
    /// AUC on the validation slice (model fitted before it).
    pub validation_auc: Option<f64>,
    /// Rows per split.
    pub rows: RowCounts,
    /// SHA-256 over the served model's training records in appointment-id order.
    pub data_hash: String,
    /// The time split.
    pub split: SplitInfo,
    /// Solver details.
    pub training: TrainingInfo,
    /// Reliability of the test-period probabilities served (10 buckets, empty ones left out).
    pub calibration: Vec<CalibrationBucket>,
    /// Calibration before and after, per-group figures and the ROC curve of the held-out fit.
    #[serde(default)]
    pub held_out: Option<HeldOutReport>,
    /// Index into the full feature vector of each coefficient (from `feature_names`).
    #[serde(skip)]
    pub(crate) columns: Vec<usize>,
}

impl ModelArtifact {
    /// The regression's log-odds and its standardised inputs, column by column.
    fn standardised(&self, input: &FeatureInput) -> ([f64; FEATURE_COUNT], usize) {
        let neighbourhood = self.neighbourhood_encoding.encode(input.neighbourhood.as_deref());
        let x = raw_features(input, neighbourhood);
        let mut z = [0.0; FEATURE_COUNT];
        for (k, ((&column, mean), std)) in self.columns().iter().zip(&self.means).zip(&self.stds).enumerate() {
            z[k] = (x[column] - mean) / std;
        }
        (z, self.coefficients.len())
    }

    fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// The regression's log-odds of a no-show, before calibration.
    pub fn log_odds(&self, input: &FeatureInput) -> f64 {
        let (z, n) = self.standardised(input);
        z[..n].iter().zip(&self.coefficients).fold(self.intercept, |sum, (value, coefficient)| sum + coefficient * value)
    }

    /// The regression's probability, before calibration.
    pub fn uncalibrated_no_show(&self, input: &FeatureInput) -> f64 {
        sigmoid(self.log_odds(input))
    }

    /// Calibrated probability of a no-show for one appointment (pure arithmetic, allocation-free).
    pub fn predict_no_show(&self, input: &FeatureInput) -> f64 {
        self.calibrated(self.uncalibrated_no_show(input))
    }

    /// Applies the calibrator (identity when the artifact has none).
    pub fn calibrated(&self, p: f64) -> f64 {
        self.calibrator.map_or(p, |c| c.apply(p))
    }

    /// Whether calibrated probability `p` is flagged as a no-show (`p >= threshold`).
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
