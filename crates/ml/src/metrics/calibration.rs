//! Reliability table: predicted probability against observed no-show rate.

use serde::{Deserialize, Serialize};

/// Appointments whose predicted probability fell in `[lower, upper)` (the last bucket includes 1).
/// Serialised in camelCase (older artifacts' snake_case is still read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalibrationBucket {
    /// Lower bound of the predicted probability.
    pub lower: f64,
    /// Upper bound of the predicted probability.
    pub upper: f64,
    /// Appointments in the bucket.
    pub count: u64,
    /// Mean predicted no-show probability.
    #[serde(alias = "mean_predicted")]
    pub mean_predicted: f64,
    /// Observed no-show rate.
    #[serde(alias = "observed_rate")]
    pub observed_rate: f64,
}

/// Splits [0, 1] into `bins` equal-width buckets and returns the non-empty ones in order.
/// Probabilities outside [0, 1] go to the end buckets; pairs beyond the shorter slice are ignored.
pub fn calibration(y: &[bool], p: &[f64], bins: usize) -> Vec<CalibrationBucket> {
    if bins == 0 {
        return Vec::new();
    }
    let mut sums = vec![(0u64, 0.0, 0u64); bins];
    for (&missed, &probability) in y.iter().zip(p) {
        let index = ((probability * bins as f64).floor().max(0.0) as usize).min(bins - 1);
        let (count, predicted, observed) = &mut sums[index];
        *count += 1;
        *predicted += probability;
        *observed += u64::from(missed);
    }
    sums.into_iter()
        .enumerate()
        .filter(|(_, (count, _, _))| *count > 0)
        .map(|(i, (count, predicted, observed))| CalibrationBucket {
            lower: i as f64 / bins as f64,
            upper: (i + 1) as f64 / bins as f64,
            count,
            mean_predicted: predicted / count as f64,
            observed_rate: observed as f64 / count as f64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_hold_mean_prediction_and_observed_rate() {
        let y = [true, false, false, true, true];
        let p = [0.05, 0.15, 0.25, 0.9, 1.0];
        let buckets = calibration(&y, &p, 2);
        assert_eq!(buckets.len(), 2);
        assert_eq!((buckets[0].lower, buckets[0].upper, buckets[0].count), (0.0, 0.5, 3));
        assert!((buckets[0].mean_predicted - 0.15).abs() < 1e-12);
        assert!((buckets[0].observed_rate - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!((buckets[1].count, buckets[1].observed_rate), (2, 1.0), "p = 1 lands in the last bucket");
    }

    #[test]
    fn empty_buckets_are_left_out() {
        let buckets = calibration(&[false, true], &[0.01, 0.02], 10);
        assert_eq!(buckets.len(), 1);
        assert_eq!(buckets[0].upper, 0.1);
        assert!(calibration(&[true], &[0.5], 0).is_empty());
    }
}
