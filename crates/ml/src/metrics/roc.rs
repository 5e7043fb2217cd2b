//! The ROC curve, thinned to a plottable number of points.

use crate::model::RocPoint;

/// (false-positive rate, true-positive rate) at every distinct threshold,
/// from (0, 0) to (1, 1), thinned so consecutive points are at least
/// `1 / max_points` apart on one axis. Empty when a class is missing.
pub fn roc_curve(y: &[bool], p: &[f64], max_points: usize) -> Vec<RocPoint> {
    let mut scored: Vec<(f64, bool)> = p.iter().copied().zip(y.iter().copied()).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|s| s.1).count() as f64;
    let negatives = scored.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return Vec::new();
    }
    let step = 1.0 / max_points.max(2) as f64;
    let mut points = vec![RocPoint { false_positive_rate: 0.0, true_positive_rate: 0.0 }];
    let (mut tp, mut fp) = (0.0, 0.0);
    for (i, &(score, positive)) in scored.iter().enumerate() {
        if positive {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        let last_of_tie = scored.get(i + 1).is_none_or(|next| next.0 != score);
        if !last_of_tie {
            continue;
        }
        let point = RocPoint { false_positive_rate: fp / negatives, true_positive_rate: tp / positives };
        let previous = points[points.len() - 1];
        let far = point.false_positive_rate - previous.false_positive_rate >= step
            || point.true_positive_rate - previous.true_positive_rate >= step;
        if far || i + 1 == scored.len() {
            points.push(point);
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_runs_from_the_origin_to_the_corner_through_each_threshold() {
        let roc = roc_curve(&[true, false, true, false], &[0.9, 0.8, 0.7, 0.1], 100);
        let pairs: Vec<(f64, f64)> = roc.iter().map(|p| (p.false_positive_rate, p.true_positive_rate)).collect();
        assert_eq!(pairs, [(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)]);
        assert!(roc_curve(&[true], &[0.5], 10).is_empty());
    }
}
