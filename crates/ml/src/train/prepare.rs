//! From a dataset to the exact matrices each fit sees.

use chrono::NaiveDate;

use super::split::{time_split, TimeSplit};
use super::{Dataset, Design, TrainConfig, TrainError};
use crate::features::FeatureSpace;

/// The split and every standardised matrix used by [`super::fit_prepared`].
///
/// `train` and `validation` use a feature space fitted on `train` alone (they
/// choose the threshold). `final_train` and `test` use the final space, fitted
/// on the rows of the final model: train + validation when refitting, else train.
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
    /// Hash of the final model's training records.
    pub data_hash: String,
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
    let data_hash = data.hash(&final_rows);
    Ok(Prepared { split, train, validation, final_space, final_train, test, data_hash })
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
