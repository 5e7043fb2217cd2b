//! Training settings.

use chrono::NaiveDate;

use super::TrainError;
use crate::features::DEFAULT_SMOOTHING;

/// How to split, fit and choose the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// First appointment day of the test period; `None` takes the latest
    /// `test_fraction` of distinct appointment days.
    pub test_from: Option<NaiveDate>,
    /// Share of distinct appointment days held out for testing when `test_from` is `None`.
    pub test_fraction: f64,
    /// Share of the training period's days, at its end, used to choose the threshold.
    pub validation_fraction: f64,
    /// Maximum L-BFGS iterations per fit.
    pub max_iter: usize,
    /// Stop when every gradient component of the mean loss is below this (scikit-learn's `tol`, same default).
    pub tolerance: f64,
    /// L2 penalty on the coefficients; scikit-learn's `1 / C` (default 1, like `C = 1`).
    pub l2: f64,
    /// Weight classes to equal total weight (scikit-learn's `class_weight="balanced"`).
    pub class_balance: bool,
    /// After choosing the threshold, refit on train + validation so the model
    /// sees the most recent weeks (as scikit-learn's `TunedThresholdClassifierCV` refits).
    pub refit_on_validation: bool,
    /// After the evaluation, refit on every row (test period included) with the
    /// same settings, so the served model has seen the newest days; the reported
    /// evaluation stays that of the held-out fit.
    pub refit_on_all: bool,
    /// Pseudo-count of the neighbourhood target encoding.
    pub neighbourhood_smoothing: f64,
    /// Fewest rows accepted in each of train, validation and test.
    pub min_rows_per_part: usize,
    /// Threads for the loss and gradient; 0 uses every core (small data always uses one).
    pub threads: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            test_from: None,
            test_fraction: 0.2,
            validation_fraction: 0.2,
            max_iter: 500,
            tolerance: 1e-4,
            l2: 1.0,
            class_balance: false,
            refit_on_validation: true,
            refit_on_all: true,
            neighbourhood_smoothing: DEFAULT_SMOOTHING,
            min_rows_per_part: 30,
            threads: 0,
        }
    }
}

impl TrainConfig {
    /// Rejects settings that cannot train.
    pub fn validate(&self) -> Result<(), TrainError> {
        let fraction = |name: &str, value: f64| {
            if value > 0.0 && value < 1.0 {
                Ok(())
            } else {
                Err(TrainError::InvalidConfig(format!("{name} must be between 0 and 1 (exclusive), got {value}")))
            }
        };
        fraction("test_fraction", self.test_fraction)?;
        fraction("validation_fraction", self.validation_fraction)?;
        if self.max_iter == 0 {
            return Err(TrainError::InvalidConfig("max_iter must be at least 1".into()));
        }
        if !(self.tolerance > 0.0 && self.tolerance.is_finite()) {
            return Err(TrainError::InvalidConfig(format!("tolerance must be positive, got {}", self.tolerance)));
        }
        if !(self.l2 >= 0.0 && self.l2.is_finite()) {
            return Err(TrainError::InvalidConfig(format!("l2 must be zero or positive, got {}", self.l2)));
        }
        if !(self.neighbourhood_smoothing >= 0.0 && self.neighbourhood_smoothing.is_finite()) {
            return Err(TrainError::InvalidConfig("neighbourhood_smoothing must be zero or positive".into()));
        }
        Ok(())
    }
}
