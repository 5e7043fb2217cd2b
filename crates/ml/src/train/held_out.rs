//! The held-out fit's test-period report: calibration before and after,
//! per-group figures, ROC curve.

use std::collections::BTreeMap;

use super::{GroupKeys, Prepared};
use crate::metrics::{calibration, evaluate, roc_curve, GroupMargins, GroupTables, ScoreCells};
use crate::model::{CalibrationReport, HeldOutReport};

/// Bins of the score cells the group figures are computed from.
const GROUP_BINS: u32 = 1000;

pub(super) fn held_out_report(
    prepared: &Prepared,
    raw: &[f64],
    calibrated: &[f64],
    raw_threshold: f64,
    threshold: f64,
    has_calibrator: bool,
) -> HeldOutReport {
    let y = &prepared.test.y;
    let cells = |p: &[f64], t: f64| {
        let mut c = ScoreCells::new(GROUP_BINS);
        for (&missed, &p) in y.iter().zip(p) {
            c.add(p, missed, p >= t);
        }
        c
    };
    let (before, after) = (cells(raw, raw_threshold), cells(calibrated, threshold));
    let uncalibrated = evaluate(y, raw, raw_threshold);
    let margins = GroupMargins::default();
    HeldOutReport {
        calibration: CalibrationReport {
            method: if has_calibrator {
                "beta calibration (sigmoid(c + a ln p - b ln(1 - p)), Kull et al. 2017; Platt scaling is the case a = b), \
                 fitted on the validation slice's held-out scores"
                    .into()
            } else {
                "none: the validation slice could not support a monotone calibration".into()
            },
            ece_before: before.ece(10).unwrap_or(0.0),
            ece_after: after.ece(10).unwrap_or(0.0),
            brier_before: uncalibrated.brier,
            brier_after: after.brier().unwrap_or(0.0),
            reliability_before: calibration(y, raw, 10),
            uncalibrated,
        },
        groups: group_tables(&prepared.test_groups, y, calibrated, threshold, &after, &margins),
        margins,
        roc: roc_curve(y, calibrated, 100),
    }
}

fn group_tables(
    keys: &[GroupKeys],
    y: &[bool],
    p: &[f64],
    threshold: f64,
    everyone: &ScoreCells,
    margins: &GroupMargins,
) -> GroupTables {
    let mut tables: [BTreeMap<String, ScoreCells>; 3] = Default::default();
    for ((key, &missed), &p) in keys.iter().zip(y).zip(p) {
        let names = [key.gender.to_string(), key.age_band.to_string(), key.neighbourhood.clone()];
        for (table, name) in tables.iter_mut().zip(names) {
            table.entry(name).or_insert_with(|| ScoreCells::new(GROUP_BINS)).add(p, missed, p >= threshold);
        }
    }
    let [gender, age_band, neighbourhood] = tables;
    GroupTables::compare(everyone, gender, age_band, neighbourhood, margins)
}
