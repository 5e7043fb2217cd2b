//! What a front desk reads next to a probability: a risk band, and the
//! factors that moved this prediction most.
//!
//! A factor's contribution is the sum, over its feature family
//! ([`crate::features::families`]), of coefficient x standardised value: how
//! far this booking's features move the log-odds from those of the average
//! training booking. The contributions plus the intercept are exactly the
//! regression's log-odds, so the reasons account for the whole score.

use serde::{Deserialize, Serialize};

use super::ModelArtifact;
use crate::features::families::{describe, family_of, Family};
use crate::features::{FeatureInput, FEATURE_NAMES};

/// The band of a calibrated probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Low,
    Medium,
    High,
}

/// Cut points on the calibrated scale, chosen on the validation slice:
/// `low` below `low_below` (half the validation no-show rate: these bookings
/// are missed far less often than average), `high` from `high_from` (the
/// threshold: exactly the appointments flagged "No-show"), `medium` between.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RiskBands {
    pub low_below: f64,
    pub high_from: f64,
}

impl RiskBands {
    /// The bands for a validation no-show rate and the model's threshold.
    pub fn choose(validation_rate: f64, threshold: f64) -> Self {
        let high_from = threshold.clamp(0.0, 1.0);
        Self { low_below: (validation_rate / 2.0).min(high_from), high_from }
    }

    pub fn band(&self, p: f64) -> Band {
        if p >= self.high_from {
            Band::High
        } else if p < self.low_below {
            Band::Low
        } else {
            Band::Medium
        }
    }
}

/// One family's share of a prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub family: Family,
    /// In words, for this booking.
    pub text: String,
    /// Signed change in log-odds (positive raises the no-show risk).
    pub log_odds: f64,
}

impl ModelArtifact {
    /// The band of a calibrated probability (`None` for artifacts without bands).
    pub fn band(&self, p: f64) -> Option<Band> {
        self.bands.map(|b| b.band(p))
    }

    /// Every family's contribution to this booking's log-odds, largest in size first.
    pub fn contributions(&self, input: &FeatureInput) -> Vec<Contribution> {
        let (z, n) = self.standardised(input);
        let mut sums: Vec<(Family, f64)> = Family::ALL.iter().map(|f| (*f, 0.0)).collect();
        for (k, (&column, coefficient)) in self.columns().iter().zip(&self.coefficients).take(n).enumerate() {
            let family = family_of(FEATURE_NAMES[column]);
            if let Some(entry) = sums.iter_mut().find(|(f, _)| *f == family) {
                entry.1 += coefficient * z[k];
            }
        }
        sums.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        sums.into_iter().map(|(family, log_odds)| Contribution { family, text: describe(family, input), log_odds }).collect()
    }

    /// The `count` families that moved this prediction most.
    pub fn explain(&self, input: &FeatureInput, count: usize) -> Vec<Contribution> {
        let mut all = self.contributions(input);
        all.truncate(count);
        all
    }
}
