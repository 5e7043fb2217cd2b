//! What the held-out fit did on the test period, kept in the artifact for the
//! model card: calibration before and after, per-group figures, ROC curve.

use serde::{Deserialize, Serialize};

use crate::metrics::{CalibrationBucket, Evaluation, GroupMargins, GroupTables};

/// The regression's probabilities against the calibrated ones, on the test period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    /// How the calibrator was fitted.
    pub method: String,
    /// Expected calibration error (10 equal-width bins) before calibration.
    pub ece_before: f64,
    /// The same after calibration.
    pub ece_after: f64,
    /// Brier score before calibration (after: `evaluation.brier`).
    pub brier_before: f64,
    /// The same after calibration.
    pub brier_after: f64,
    /// Evaluation of the uncalibrated probabilities (at the uncalibrated threshold).
    pub uncalibrated: Evaluation,
    /// Reliability table of the uncalibrated probabilities.
    pub reliability_before: Vec<CalibrationBucket>,
}

/// One point of the ROC curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RocPoint {
    pub false_positive_rate: f64,
    pub true_positive_rate: f64,
}

/// The held-out fit on the test period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOutReport {
    pub calibration: CalibrationReport,
    /// Per gender ("F", "M"), age band and neighbourhood (with enough rows), at the threshold.
    pub groups: GroupTables,
    /// The margins a group is flagged by.
    pub margins: GroupMargins,
    /// The ROC curve (at most about a hundred points).
    pub roc: Vec<RocPoint>,
}
