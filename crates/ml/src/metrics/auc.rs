//! Area under the ROC curve via the Mann-Whitney rank statistic.

/// AUC for `y` (true = positive) scored by `p`: the probability that a random
/// positive scores above a random negative, ties counting one half (average
/// ranks). `None` when either class is absent. Pairs beyond the shorter slice are ignored.
pub fn auc(y: &[bool], p: &[f64]) -> Option<f64> {
    let mut scored: Vec<(f64, bool)> = p.iter().copied().zip(y.iter().copied()).collect();
    let positives = scored.iter().filter(|(_, positive)| *positive).count();
    let negatives = scored.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut positive_rank_sum = 0.0;
    let mut start = 0;
    while start < scored.len() {
        let score = scored[start].0;
        let end = start + scored[start..].iter().take_while(|(s, _)| s.total_cmp(&score).is_eq()).count();
        // Ranks start+1 ..= end share their average.
        let average_rank = (start + 1 + end) as f64 / 2.0;
        let tied_positives = scored[start..end].iter().filter(|(_, positive)| *positive).count();
        positive_rank_sum += average_rank * tied_positives as f64;
        start = end;
    }
    let (pos, neg) = (positives as f64, negatives as f64);
    Some((positive_rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_reversed_rankings_score_one_and_zero() {
        let y = [false, false, true, true];
        assert_eq!(auc(&y, &[0.1, 0.2, 0.8, 0.9]), Some(1.0));
        assert_eq!(auc(&y, &[0.9, 0.8, 0.2, 0.1]), Some(0.0));
    }

    #[test]
    fn ties_count_one_half() {
        // Pairs (pos, neg): (0.5 vs 0.5) = 1/2, (0.5 vs 0.1) = 1, (0.9 vs 0.5) = 1, (0.9 vs 0.1) = 1 -> 3.5 / 4.
        let y = [true, false, true, false];
        assert_eq!(auc(&y, &[0.5, 0.5, 0.9, 0.1]), Some(0.875));
        assert_eq!(auc(&y, &[0.3; 4]), Some(0.5));
    }

    #[test]
    fn a_single_class_has_no_auc() {
        assert_eq!(auc(&[true, true], &[0.1, 0.2]), None);
        assert_eq!(auc(&[], &[]), None);
    }
}
