//! From a dataset to the exact matrices each fit sees.

use chrono::NaiveDate;

use super::split::{time_split, TimeSplit};
use super::{Dataset, Design, TrainConfig, TrainError};
use crate::features::{FeatureInput, FeatureSpace};
use crate::metrics::age_band;

/// The split and every standardised matrix used by [`super::fit_prepared`].
///
/// `train` and `validation` use a feature space fitted on `train` alone (they
/// choose the threshold). `final_train` and `test` use the final space, fitted
/// on the rows of the evaluated model: train + validation when refitting, else
/// train. `served_space` and `served` are those of the served model: every row
/// when `refit_on_all`, else the evaluated model's.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Row indices and boundaries.
    pub split: TimeSplit,
    /// Training rows before the validation slice.
    pub train: Design,
    /// The validation slice.
    pub validation: Design,
    /// The feature space of the final model.
    pub final_space: FeatureSpace,
    /// The rows the final model is fitted on.
    pub final_train: Design,
    /// The test period.
    pub test: Design,
    /// Who each test row is, for the per-group figures (same order as `test`).
    pub test_groups: Vec<GroupKeys>,
    /// The served model's feature space and rows (`None`: the evaluated model is served).
    pub served: Option<(FeatureSpace, Design)>,
    /// Hash of the served model's training records.
    pub data_hash: String,
}

/// The groups a row is reported in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupKeys {
    /// "F" or "M".
    pub gender: &'static str,
    /// See [`crate::metrics::age_band`].
    pub age_band: &'static str,
    /// The neighbourhood, or "unknown".
    pub neighbourhood: String,
}

impl GroupKeys {
    fn of(input: &FeatureInput) -> Self {
        Self {
            gender: if input.female { "F" } else { "M" },
            age_band: age_band(input.age),
            neighbourhood: input.neighbourhood.clone().unwrap_or_else(|| "unknown".into()),
        }
    }
}

/// Splits by time and builds the matrices; checks each part is big enough and has both outcomes.
pub fn prepare(data: &Dataset<'_>, cfg: &TrainConfig) -> Result<Prepared, TrainError> {
    cfg.validate()?;
    let days: Vec<NaiveDate> = data.records.iter().map(|r| r.appointment_day).collect();
    let split = time_split(&days, cfg)?;
    for (part, rows) in [("train", &split.train), ("validation", &split.validation), ("test", &split.test)] {
        check_part(part, rows, &data.labels, cfg.min_rows_per_part)?;
    }
    let smoothing = cfg.neighbourhood_smoothing;
    let space = data.fit_space(&split.train, smoothing);
    let train = data.design(&space, &split.train);
    let validation = data.design(&space, &split.validation);
    let (final_space, final_train, final_rows) = if cfg.refit_on_validation {
        let rows: Vec<usize> = split.train.iter().chain(&split.validation).copied().collect();
        let final_space = data.fit_space(&rows, smoothing);
        let final_train = data.design(&final_space, &rows);
        (final_space, final_train, rows)
    } else {
        (space, train.clone(), split.train.clone())
    };
    let test = data.design(&final_space, &split.test);
    let test_groups = split.test.iter().map(|&i| GroupKeys::of(&data.inputs[i])).collect();
    let (served, served_rows) = if cfg.refit_on_all {
        let rows: Vec<usize> = (0..data.records.len()).collect();
        let space = data.fit_space(&rows, smoothing);
        let design = data.design(&space, &rows);
        (Some((space, design)), rows)
    } else {
        (None, final_rows)
    };
    let data_hash = data.hash(&served_rows);
    Ok(Prepared { split, train, validation, final_space, final_train, test, test_groups, served, data_hash })
}

fn check_part(part: &'static str, rows: &[usize], labels: &[bool], needed: usize) -> Result<(), TrainError> {
    if rows.len() < needed.max(1) {
        return Err(TrainError::TooFewRows { part, found: rows.len(), needed: needed.max(1) });
    }
    let missed = rows.iter().filter(|&&i| labels[i]).count();
    match missed {
        0 => Err(TrainError::SingleClass { part, only: "attended" }),
        m if m == rows.len() => Err(TrainError::SingleClass { part, only: "missed" }),
        _ => Ok(()),
    }
}
