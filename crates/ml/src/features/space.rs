//! The fitted feature transformation: neighbourhood encoding plus standardisation.
//!
//! Both are learned from training rows only and stored in the model, so a
//! prediction transforms its input exactly as training did.

use serde::{Deserialize, Serialize};

use super::{raw_features, FeatureInput, NeighbourhoodEncoding, FEATURE_COUNT};

/// Neighbourhood encoding and per-feature mean and standard deviation from training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpace {
    /// Neighbourhood target encoding.
    pub neighbourhood: NeighbourhoodEncoding,
    /// Mean of each raw feature.
    pub means: Vec<f64>,
    /// Population standard deviation of each raw feature (1 where a feature is constant).
    pub stds: Vec<f64>,
}

impl FeatureSpace {
    /// Fits on (input, missed?) training rows; the iterator is walked twice.
    pub fn fit<'a, I>(rows: I, smoothing: f64) -> Self
    where
        I: IntoIterator<Item = (&'a FeatureInput, bool)>,
        I::IntoIter: Clone,
    {
        let rows = rows.into_iter();
        let neighbourhood =
            NeighbourhoodEncoding::fit(rows.clone().map(|(input, y)| (input.neighbourhood.as_deref(), y)), smoothing);
        // Welford's running mean and variance: one pass, no stored matrix, stable.
        let (mut count, mut means, mut squares) = (0.0, [0.0; FEATURE_COUNT], [0.0; FEATURE_COUNT]);
        for (input, _) in rows {
            let x = raw_features(input, neighbourhood.encode(input.neighbourhood.as_deref()));
            count += 1.0;
            for ((mean, square), value) in means.iter_mut().zip(squares.iter_mut()).zip(x) {
                let delta = value - *mean;
                *mean += delta / count;
                *square += delta * (value - *mean);
            }
        }
        let stds = squares
            .iter()
            .map(|square| if count > 0.0 { (square / count).sqrt() } else { 0.0 })
            .map(|std| if std > 1e-12 { std } else { 1.0 })
            .collect();
        Self { neighbourhood, means: means.to_vec(), stds }
    }

    /// The raw features of an input under this space's neighbourhood encoding.
    pub fn raw(&self, input: &FeatureInput) -> [f64; FEATURE_COUNT] {
        raw_features(input, self.neighbourhood.encode(input.neighbourhood.as_deref()))
    }

    /// The standardised features the model's coefficients apply to.
    pub fn standardised(&self, input: &FeatureInput) -> [f64; FEATURE_COUNT] {
        standardise(self.raw(input), &self.means, &self.stds)
    }
}

/// `(x - mean) / std` per feature; missing entries leave the value unchanged.
pub fn standardise(mut x: [f64; FEATURE_COUNT], means: &[f64], stds: &[f64]) -> [f64; FEATURE_COUNT] {
    for ((value, mean), std) in x.iter_mut().zip(means).zip(stds) {
        *value = (*value - mean) / std;
    }
    x
}
