//! Threshold metrics, Brier score and AUC in one summary.

use serde::{Deserialize, Serialize};

use super::auc;

/// Counts at a threshold; positive = no-show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// Predicted no-show, was a no-show.
    pub tp: u64,
    /// Predicted no-show, attended.
    pub fp: u64,
    /// Predicted attends, attended.
    pub tn: u64,
    /// Predicted attends, was a no-show (`fn` is a keyword; older artifacts wrote `fn_`).
    #[serde(rename = "fn", alias = "fn_")]
    pub fn_: u64,
}

/// How well no-show probabilities did on a set of appointments.
/// camelCase like every reply it appears in (older artifacts wrote `base_rate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// Appointments evaluated.
    pub count: u64,
    /// Observed no-show rate.
    #[serde(alias = "base_rate")]
    pub base_rate: f64,
    /// ROC AUC; `None` when only one class is present.
    pub auc: Option<f64>,
    /// Share of correct decisions at `threshold`.
    pub accuracy: f64,
    /// Of the flagged appointments, the share missed (0 when none flagged).
    pub precision: f64,
    /// Of the missed appointments, the share flagged (0 when none missed).
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
    /// Mean squared error of the probabilities (lower is better).
    pub brier: f64,
    /// A probability at or above this is a predicted no-show.
    pub threshold: f64,
    /// Decision counts at `threshold`.
    pub confusion: Confusion,
}

/// Evaluates no-show probabilities `p_no_show` against outcomes `y_no_show`
/// (true = missed) at `threshold`. Pairs beyond the shorter slice are ignored.
pub fn evaluate(y_no_show: &[bool], p_no_show: &[f64], threshold: f64) -> Evaluation {
    let n = y_no_show.len().min(p_no_show.len());
    let (y, p) = (&y_no_show[..n], &p_no_show[..n]);
    let mut confusion = Confusion::default();
    let mut squared_error = 0.0;
    for (&missed, &probability) in y.iter().zip(p) {
        let flagged = probability >= threshold;
        match (flagged, missed) {
            (true, true) => confusion.tp += 1,
            (true, false) => confusion.fp += 1,
            (false, false) => confusion.tn += 1,
            (false, true) => confusion.fn_ += 1,
        }
        squared_error += (probability - if missed { 1.0 } else { 0.0 }).powi(2);
    }
    let Confusion { tp, fp, tn, fn_ } = confusion;
    let ratio = |num: u64, den: u64| if den == 0 { 0.0 } else { num as f64 / den as f64 };
    let (precision, recall) = (ratio(tp, tp + fp), ratio(tp, tp + fn_));
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    let count = n as u64;
    Evaluation {
        count,
        base_rate: ratio(tp + fn_, count),
        auc: auc(y, p),
        accuracy: ratio(tp + tn, count),
        precision,
        recall,
        f1,
        brier: if n == 0 { 0.0 } else { squared_error / n as f64 },
        threshold,
        confusion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn a_hand_computed_example_matches() {
        let y = [true, true, false, false, false];
        let p = [0.9, 0.4, 0.6, 0.2, 0.1];
        let e = evaluate(&y, &p, 0.5);
        assert_eq!(e.confusion, Confusion { tp: 1, fp: 1, tn: 2, fn_: 1 });
        assert_eq!(e.count, 5);
        assert!(close(e.base_rate, 0.4));
        assert!(close(e.accuracy, 0.6));
        assert!(close(e.precision, 0.5) && close(e.recall, 0.5) && close(e.f1, 0.5));
        assert!(close(e.brier, 0.78 / 5.0));
        assert!(close(e.auc.expect("both classes"), 5.0 / 6.0));
    }

    #[test]
    fn flagging_nobody_gives_zero_precision_recall_and_f1() {
        let e = evaluate(&[true, false, false, false], &[0.2; 4], 1.0);
        assert_eq!(e.confusion, Confusion { tp: 0, fp: 0, tn: 3, fn_: 1 });
        assert!(close(e.accuracy, 0.75));
        assert_eq!((e.precision, e.recall, e.f1), (0.0, 0.0, 0.0));
        assert_eq!(e.auc, Some(0.5));
    }

    #[test]
    fn the_threshold_itself_counts_as_a_no_show() {
        let e = evaluate(&[true], &[0.3], 0.3);
        assert_eq!(e.confusion.tp, 1);
        assert_eq!(e.auc, None);
    }

    #[test]
    fn an_empty_set_evaluates_to_zeros() {
        let e = evaluate(&[], &[], 0.5);
        assert_eq!((e.count, e.accuracy, e.brier, e.auc), (0, 0.0, 0.0, None));
    }
}
