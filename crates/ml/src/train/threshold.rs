//! Choosing the decision threshold that maximises no-show F1.

/// The threshold (one of the scores) maximising F1 for the positive class when
/// flagging `p >= threshold`, and that F1. Ties go to the higher threshold
/// (fewer flags). With no positives F1 is 0 everywhere and the threshold is 1.
pub fn best_f1_threshold(y: &[bool], p: &[f64]) -> (f64, f64) {
    let mut scored: Vec<(f64, bool)> = p.iter().copied().zip(y.iter().copied()).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|(_, positive)| *positive).count() as f64;
    let (mut best_threshold, mut best_f1) = (1.0, 0.0);
    let (mut tp, mut flagged) = (0.0, 0.0);
    for (i, &(score, positive)) in scored.iter().enumerate() {
        tp += if positive { 1.0 } else { 0.0 };
        flagged += 1.0;
        let last_of_tie = scored.get(i + 1).is_none_or(|next| next.0 != score);
        if last_of_tie {
            // F1 = 2 tp / (flagged + positives)
            let f1 = 2.0 * tp / (flagged + positives);
            if f1 > best_f1 {
                (best_threshold, best_f1) = (score, f1);
            }
        }
    }
    (best_threshold, best_f1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_f1_maximising_score_is_chosen() {
        // Flag >= 0.7: tp 2, fp 0, fn 1 -> F1 0.8; >= 0.4: tp 3, fp 1 -> 6/7 (best); >= 0.1: tp 3, fp 2 -> 0.75.
        let y = [true, true, false, true, false];
        let p = [0.9, 0.7, 0.5, 0.4, 0.1];
        let (threshold, f1) = best_f1_threshold(&y, &p);
        assert_eq!(threshold, 0.4);
        assert!((f1 - 6.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn tied_scores_are_flagged_together() {
        let (threshold, f1) = best_f1_threshold(&[true, false, false], &[0.5, 0.5, 0.1]);
        assert_eq!(threshold, 0.5);
        assert!((f1 - 2.0 / 3.0).abs() < 1e-12);
    }
}
