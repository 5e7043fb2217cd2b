//! Predictions summarised by score bin, outcome and decision: a table small
//! enough for a database to return from an aggregation (at most
//! `bins x 2 x 2` rows), from which every figure the analytics report follows
//! (counts, confusion, AUC, Brier score, calibration, per-group figures).
//!
//! AUC from bins counts two predictions in the same bin (width 1/`bins`) as a
//! tie; with 1,000 bins that moves it by well under 0.001.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CalibrationBucket, Confusion};

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Cell {
    count: u64,
    sum_p: f64,
    sum_p2: f64,
}

/// Score cells keyed by (bin, missed?, flagged?).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreCells {
    bins: u32,
    cells: BTreeMap<(u32, bool, bool), Cell>,
}

impl ScoreCells {
    pub fn new(bins: u32) -> Self {
        Self { bins: bins.max(1), cells: BTreeMap::new() }
    }

    /// The bin of a probability (1.0 falls in the last bin).
    pub fn bin_of(&self, p: f64) -> u32 {
        ((p.clamp(0.0, 1.0) * f64::from(self.bins)).floor() as u32).min(self.bins - 1)
    }

    /// One prediction: its no-show probability, whether it was missed, whether it was flagged.
    pub fn add(&mut self, p: f64, missed: bool, flagged: bool) {
        self.add_cell(self.bin_of(p), missed, flagged, 1, p, p * p);
    }

    /// A pre-aggregated cell (from a database `$group`).
    pub fn add_cell(&mut self, bin: u32, missed: bool, flagged: bool, count: u64, sum_p: f64, sum_p2: f64) {
        let cell = self.cells.entry((bin.min(self.bins - 1), missed, flagged)).or_default();
        cell.count += count;
        cell.sum_p += sum_p;
        cell.sum_p2 += sum_p2;
    }

    pub fn merge(&mut self, other: &ScoreCells) {
        for (&(bin, missed, flagged), cell) in &other.cells {
            let bin = (u64::from(bin) * u64::from(self.bins) / u64::from(other.bins)) as u32;
            self.add_cell(bin, missed, flagged, cell.count, cell.sum_p, cell.sum_p2);
        }
    }

    fn total(&self, keep: impl Fn(u32, bool, bool) -> bool) -> (u64, f64, f64) {
        self.cells
            .iter()
            .filter(|((b, m, f), _)| keep(*b, *m, *f))
            .fold((0, 0.0, 0.0), |(c, s, s2), (_, cell)| (c + cell.count, s + cell.sum_p, s2 + cell.sum_p2))
    }

    pub fn count(&self) -> u64 {
        self.total(|_, _, _| true).0
    }

    pub fn missed(&self) -> u64 {
        self.total(|_, m, _| m).0
    }

    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// Observed no-show rate.
    pub fn base_rate(&self) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| self.missed() as f64 / n as f64)
    }

    /// Mean predicted no-show probability.
    pub fn mean_predicted(&self) -> Option<f64> {
        let (n, s, _) = self.total(|_, _, _| true);
        (n > 0).then(|| s / n as f64)
    }

    /// Mean predicted minus observed rate: positive when the model over-predicts no-shows.
    pub fn calibration_in_the_large(&self) -> Option<f64> {
        Some(self.mean_predicted()? - self.base_rate()?)
    }

    /// Mean of (p - y)^2.
    pub fn brier(&self) -> Option<f64> {
        let (n, _, s2) = self.total(|_, _, _| true);
        let (_, s_missed, _) = self.total(|_, m, _| m);
        (n > 0).then(|| (s2 - 2.0 * s_missed + self.missed() as f64) / n as f64)
    }

    /// Decisions (flagged or not) against outcomes.
    pub fn confusion(&self) -> Confusion {
        Confusion {
            tp: self.total(|_, m, f| m && f).0,
            fp: self.total(|_, m, f| !m && f).0,
            tn: self.total(|_, m, f| !m && !f).0,
            fn_: self.total(|_, m, f| m && !f).0,
        }
    }

    /// Probability that a missed appointment scores above an attended one (ties by bin count 1/2).
    pub fn auc(&self) -> Option<f64> {
        let mut per_bin: BTreeMap<u32, (f64, f64)> = BTreeMap::new();
        for (&(bin, missed, _), cell) in &self.cells {
            let entry = per_bin.entry(bin).or_default();
            if missed {
                entry.0 += cell.count as f64;
            } else {
                entry.1 += cell.count as f64;
            }
        }
        let (positives, negatives) = per_bin.values().fold((0.0, 0.0), |(p, n), (bp, bn)| (p + bp, n + bn));
        if positives == 0.0 || negatives == 0.0 {
            return None;
        }
        let (mut below, mut wins) = (0.0, 0.0);
        for (pos, neg) in per_bin.values() {
            wins += pos * (below + neg / 2.0);
            below += neg;
        }
        Some(wins / (positives * negatives))
    }

    /// `buckets` equal-width buckets (bins must be a multiple of it), non-empty ones only.
    pub fn calibration(&self, buckets: u32) -> Vec<CalibrationBucket> {
        let per = (self.bins / buckets.max(1)).max(1);
        let mut sums: BTreeMap<u32, (u64, f64, u64)> = BTreeMap::new();
        for (&(bin, missed, _), cell) in &self.cells {
            let entry = sums.entry((bin / per).min(buckets - 1)).or_default();
            entry.0 += cell.count;
            entry.1 += cell.sum_p;
            entry.2 += if missed { cell.count } else { 0 };
        }
        sums.into_iter()
            .filter(|(_, (count, _, _))| *count > 0)
            .map(|(i, (count, sum_p, missed))| CalibrationBucket {
                lower: f64::from(i) / f64::from(buckets),
                upper: f64::from(i + 1) / f64::from(buckets),
                count,
                mean_predicted: sum_p / count as f64,
                observed_rate: missed as f64 / count as f64,
            })
            .collect()
    }

    /// Expected calibration error over `buckets` equal-width buckets (weighted by count).
    pub fn ece(&self, buckets: u32) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| {
            self.calibration(buckets)
                .iter()
                .map(|b| b.count as f64 / n as f64 * (b.mean_predicted - b.observed_rate).abs())
                .sum()
        })
    }
}

/// How far a group may be from everyone before it is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMargins {
    /// Groups with fewer predictions are reported but never flagged (too noisy).
    pub min_count: u64,
    pub auc: f64,
    pub calibration_in_the_large: f64,
    pub false_positive_rate: f64,
    pub false_negative_rate: f64,
}

impl Default for GroupMargins {
    fn default() -> Self {
        Self { min_count: 100, auc: 0.05, calibration_in_the_large: 0.05, false_positive_rate: 0.10, false_negative_rate: 0.10 }
    }
}

/// One group's figures at the model's threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupFigures {
    pub group: String,
    pub count: u64,
    pub base_rate: Option<f64>,
    pub auc: Option<f64>,
    /// Mean predicted minus observed rate.
    pub calibration_in_the_large: Option<f64>,
    /// Of the group's attended appointments, the share flagged.
    pub false_positive_rate: Option<f64>,
    /// Of the group's missed appointments, the share not flagged.
    pub false_negative_rate: Option<f64>,
    /// Differs from everyone by more than a margin.
    pub flagged: bool,
    /// Which figures differ, in words.
    pub differences: Vec<String>,
}

fn rate(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

fn figures(group: &str, cells: &ScoreCells) -> GroupFigures {
    let c = cells.confusion();
    GroupFigures {
        group: group.to_string(),
        count: cells.count(),
        base_rate: cells.base_rate(),
        auc: cells.auc(),
        calibration_in_the_large: cells.calibration_in_the_large(),
        false_positive_rate: rate(c.fp, c.fp + c.tn),
        false_negative_rate: rate(c.fn_, c.fn_ + c.tp),
        flagged: false,
        differences: Vec::new(),
    }
}

/// Each group's figures, flagged where they differ from `everyone`'s by more than the margins.
pub fn compare_groups(everyone: &ScoreCells, groups: &[(String, ScoreCells)], margins: &GroupMargins) -> Vec<GroupFigures> {
    let all = figures("all", everyone);
    groups
        .iter()
        .map(|(name, cells)| {
            let mut g = figures(name, cells);
            if g.count >= margins.min_count {
                let mut check = |label: &str, mine: Option<f64>, theirs: Option<f64>, margin: f64| {
                    if let (Some(a), Some(b)) = (mine, theirs) {
                        if (a - b).abs() > margin {
                            g.differences.push(format!("{label} {a:.3} against {b:.3} for everyone"));
                        }
                    }
                };
                check("AUC", g.auc, all.auc, margins.auc);
                check("calibration-in-the-large", g.calibration_in_the_large, all.calibration_in_the_large, margins.calibration_in_the_large);
                check("false-positive rate", g.false_positive_rate, all.false_positive_rate, margins.false_positive_rate);
                check("false-negative rate", g.false_negative_rate, all.false_negative_rate, margins.false_negative_rate);
                g.flagged = !g.differences.is_empty();
            }
            g
        })
        .collect()
}

/// Per-group figures by gender, age band and neighbourhood, each group compared with everyone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupTables {
    pub gender: Vec<GroupFigures>,
    pub age_band: Vec<GroupFigures>,
    /// Neighbourhoods with at least `min_count` predictions only.
    pub neighbourhood: Vec<GroupFigures>,
}

impl GroupTables {
    /// Compares each group's cells with `everyone`'s; neighbourhoods with fewer
    /// than `margins.min_count` predictions are left out (too many, too noisy).
    pub fn compare(
        everyone: &ScoreCells,
        gender: BTreeMap<String, ScoreCells>,
        age_band: BTreeMap<String, ScoreCells>,
        neighbourhood: BTreeMap<String, ScoreCells>,
        margins: &GroupMargins,
    ) -> Self {
        let all = |groups: BTreeMap<String, ScoreCells>| groups.into_iter().collect::<Vec<_>>();
        let enough: Vec<_> = neighbourhood.into_iter().filter(|(_, c)| c.count() >= margins.min_count).collect();
        Self {
            gender: compare_groups(everyone, &all(gender), margins),
            age_band: compare_groups(everyone, &all(age_band), margins),
            neighbourhood: compare_groups(everyone, &enough, margins),
        }
    }

    /// Every flagged group, as "kind group: differences".
    pub fn flagged(&self) -> impl Iterator<Item = &GroupFigures> {
        self.gender.iter().chain(&self.age_band).chain(&self.neighbourhood).filter(|g| g.flagged)
    }
}

/// The age bands groups are reported by.
pub fn age_band(age: u8) -> &'static str {
    match age {
        0..=17 => "0-17",
        18..=39 => "18-39",
        40..=64 => "40-64",
        _ => "65+",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{auc, calibration, evaluate};

    fn sample() -> (Vec<bool>, Vec<f64>) {
        let y = vec![true, true, false, false, false, true, false, false, true, false];
        let p = vec![0.91, 0.42, 0.40, 0.12, 0.05, 0.66, 0.33, 0.27, 0.18, 0.75];
        (y, p)
    }

    #[test]
    fn cells_agree_with_the_row_by_row_metrics() {
        let (y, p) = sample();
        let mut cells = ScoreCells::new(1000);
        for (yi, pi) in y.iter().zip(&p) {
            cells.add(*pi, *yi, *pi >= 0.4);
        }
        let exact = evaluate(&y, &p, 0.4);
        assert_eq!(cells.confusion(), exact.confusion);
        assert!((cells.brier().unwrap() - exact.brier).abs() < 1e-12);
        assert!((cells.auc().unwrap() - auc(&y, &p).unwrap()).abs() < 1e-12, "distinct bins: exact");
        let rows = calibration(&y, &p, 10);
        let binned = cells.calibration(10);
        assert_eq!(rows.len(), binned.len());
        for (a, b) in rows.iter().zip(&binned) {
            assert_eq!(a.count, b.count);
            assert!((a.mean_predicted - b.mean_predicted).abs() < 1e-12);
        }
    }

    #[test]
    fn groups_far_from_everyone_are_flagged_with_the_reason() {
        let mut everyone = ScoreCells::new(100);
        let mut worse = ScoreCells::new(100);
        for i in 0..400 {
            let missed = i % 5 == 0;
            let p = if missed { 0.6 } else { 0.1 };
            everyone.add(p, missed, p > 0.5);
        }
        for i in 0..200 {
            let missed = i % 5 == 0;
            let p = if i % 2 == 0 { 0.6 } else { 0.1 };
            worse.add(p, missed, p > 0.5);
            everyone.add(p, missed, p > 0.5);
        }
        let tiny = {
            let mut t = ScoreCells::new(100);
            t.add(0.9, false, true);
            t
        };
        let report = compare_groups(&everyone, &[("worse".into(), worse), ("tiny".into(), tiny)], &GroupMargins::default());
        assert!(report[0].flagged, "{report:?}");
        assert!(report[0].differences.iter().any(|d| d.starts_with("AUC")));
        assert!(!report[1].flagged, "too few rows to judge");
    }
}
