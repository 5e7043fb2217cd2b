//! Time-based split by appointment day: train on the past, test on the future.
//!
//! A random split would let the model see the same weeks (and patients'
//! later visits) it is tested on; splitting by day mirrors deployment, where
//! the model only ever scores appointments after its training data.

use chrono::NaiveDate;

use super::{TrainConfig, TrainError};
use crate::model::{RowCounts, SplitInfo};

/// Row indices of each part, and where the boundaries fell.
#[derive(Debug, Clone)]
pub struct TimeSplit {
    /// Training rows before the validation slice.
    pub train: Vec<usize>,
    /// The last `validation_fraction` of the training days.
    pub validation: Vec<usize>,
    /// Rows on or after the test start.
    pub test: Vec<usize>,
    /// Boundaries and a description.
    pub info: SplitInfo,
}

impl TimeSplit {
    /// Row counts per part.
    pub fn counts(&self) -> RowCounts {
        RowCounts {
            train: self.train.len() as u64,
            validation: self.validation.len() as u64,
            test: self.test.len() as u64,
            served: 0,
        }
    }
}

/// Splits rows by their appointment day (`days[i]` is row i's day).
pub fn time_split(days: &[NaiveDate], cfg: &TrainConfig) -> Result<TimeSplit, TrainError> {
    let mut distinct = days.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let (Some(&first), Some(&last)) = (distinct.first(), distinct.last()) else {
        return Err(TrainError::TooFewDays { days: 0 });
    };
    let test_from = match cfg.test_from {
        Some(day) => day,
        None => {
            if distinct.len() < 3 {
                return Err(TrainError::TooFewDays { days: distinct.len() });
            }
            let test_days = share(distinct.len(), cfg.test_fraction).min(distinct.len() - 2);
            distinct[distinct.len() - test_days]
        }
    };
    let training_days: Vec<NaiveDate> = distinct.iter().copied().filter(|d| *d < test_from).collect();
    if training_days.len() < 2 {
        return Err(TrainError::TooFewRows { part: "validation", found: 0, needed: cfg.min_rows_per_part.max(1) });
    }
    let validation_days = share(training_days.len(), cfg.validation_fraction).min(training_days.len() - 1);
    let validation_from = training_days[training_days.len() - validation_days];
    let mut split = TimeSplit {
        train: Vec::new(),
        validation: Vec::new(),
        test: Vec::new(),
        info: SplitInfo {
            description: format!(
                "time split by appointment day: train {first} to before {validation_from}, validation \
                 {validation_from} to before {test_from} (threshold choice), test {test_from} to {last}"
            ),
            train_from: first,
            validation_from,
            test_from,
            test_until: last,
        },
    };
    for (row, day) in days.iter().enumerate() {
        let part = if *day >= test_from {
            &mut split.test
        } else if *day >= validation_from {
            &mut split.validation
        } else {
            &mut split.train
        };
        part.push(row);
    }
    Ok(split)
}

/// `fraction` of `count` days, rounded, at least one.
fn share(count: usize, fraction: f64) -> usize {
    ((count as f64 * fraction).round() as usize).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::date;

    fn days() -> Vec<NaiveDate> {
        (1..=10).flat_map(|d| [date(&format!("2016-05-{d:02}")); 3]).collect()
    }

    #[test]
    fn the_latest_days_are_tested_and_the_end_of_training_validates() {
        let split = time_split(&days(), &TrainConfig::default()).expect("split");
        assert_eq!(split.info.test_from, date("2016-05-09"));
        assert_eq!(split.info.validation_from, date("2016-05-07"));
        assert_eq!((split.train.len(), split.validation.len(), split.test.len()), (18, 6, 6));
        assert!(split.train.iter().all(|&i| i < split.validation[0]));
    }

    #[test]
    fn an_explicit_test_start_is_respected() {
        let cfg = TrainConfig { test_from: Some(date("2016-05-06")), ..TrainConfig::default() };
        let split = time_split(&days(), &cfg).expect("split");
        assert_eq!(split.test.len(), 15);
        assert_eq!(split.info.validation_from, date("2016-05-05"));
    }

    #[test]
    fn two_days_cannot_be_split_three_ways() {
        let two = [date("2016-05-01"), date("2016-05-02")];
        assert!(matches!(time_split(&two, &TrainConfig::default()), Err(TrainError::TooFewDays { days: 2 })));
    }
}
