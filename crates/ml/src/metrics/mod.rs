//! Evaluation of no-show probabilities, with the no-show class as positive.
//!
//! About 20% of appointments are missed, so accuracy alone says little
//! (always predicting "attends" scores 80%): [`Evaluation`] reports AUC,
//! precision, recall, F1 and the Brier score too, and [`calibration`] checks
//! whether predicted probabilities match observed rates.

mod auc;
mod calibration;
pub mod cells;
mod evaluation;
mod roc;

pub use auc::auc;
pub use calibration::{calibration, CalibrationBucket};
pub use cells::{age_band, compare_groups, GroupFigures, GroupMargins, GroupTables, ScoreCells};
pub use roc::roc_curve;
pub use evaluation::{evaluate, Confusion, Evaluation};
