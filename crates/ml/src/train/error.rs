//! Why training could not produce a model.

/// A training failure, with a message fit for an operator.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A setting is out of range.
    #[error("invalid training settings: {0}")]
    InvalidConfig(String),
    /// The data spans too few appointment days to split by time.
    #[error("the data covers {days} appointment day(s); a time split needs at least 3 (train, validation, test)")]
    TooFewDays {
        /// Distinct appointment days.
        days: usize,
    },
    /// One part of the split is empty or too small.
    #[error("the {part} part has {found} rows; at least {needed} are needed")]
    TooFewRows {
        /// "train", "validation" or "test".
        part: &'static str,
        /// Rows in that part.
        found: usize,
        /// The configured minimum.
        needed: usize,
    },
    /// One part contains only no-shows or only attendances.
    #[error("the {part} part has only {only} appointments; both outcomes are needed")]
    SingleClass {
        /// "train", "validation" or "test".
        part: &'static str,
        /// "missed" or "attended".
        only: &'static str,
    },
    /// The optimiser failed or produced unusable numbers.
    #[error("fitting the logistic regression failed: {0}")]
    SolverFailed(String),
}
