//! Training: time split, logistic regression, threshold choice, evaluation.
//!
//! 1. Features for every record ([`Dataset::build`]): prior statistics use only
//!    appointments whose day is before the booking date.
//! 2. Split by appointment day ([`TimeSplit`]): train on the past, choose the
//!    threshold on the last `validation_fraction` of the training days, test
//!    on the latest days (from `test_from`).
//! 3. Fit on train (neighbourhood encoding and standardisation from train
//!    only), score validation, and take the threshold maximising no-show F1.
//! 4. Refit on train + validation (default), so the model has the most recent
//!    weeks, starting from the first fit's weights, and keep the threshold.
//! 5. Evaluate on the test period, next to the "always attends" baseline.
//!
//! Class balance: re-weighting classes (`class_balance`) barely moves AUC on
//! this data (it is a monotone shift of the scores, bar regularisation) and
//! the F1 threshold already handles the 20% base rate, so it is off by
//! default; unweighted probabilities stay calibrated.

mod config;
mod dataset;
mod error;
mod loss;
mod prepare;
mod solver;
mod split;
mod threshold;

pub use config::TrainConfig;
pub use dataset::{Dataset, Design};
pub use error::TrainError;
pub use prepare::{prepare, Prepared};
pub use solver::{fit_logistic, LogisticFit, SolverOptions};
pub use split::{time_split, TimeSplit};
pub use threshold::best_f1_threshold;

use chrono::Utc;

use crate::features::FEATURE_NAMES;
use crate::ingest::CleanRecord;
use crate::metrics::{auc, calibration, evaluate};
use crate::model::{ModelArtifact, TrainingInfo};

/// Where training is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainStage {
    /// Computing features and the split.
    Features,
    /// Fitting on the training rows.
    Fitting,
    /// Choosing the threshold on validation.
    Threshold,
    /// Refitting on train + validation.
    Refitting,
    /// Scoring the test period.
    Evaluating,
    /// Finished.
    Done,
}

/// A progress report: stage, rough percentage, and a sentence for logs.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainProgress {
    /// Current stage.
    pub stage: TrainStage,
    /// 0-100.
    pub percent: u8,
    /// What is happening.
    pub message: String,
}

/// Trains a model on `records`; the artifact's `version` is left empty for the caller.
pub fn train(
    records: &[CleanRecord],
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(TrainProgress),
) -> Result<ModelArtifact, TrainError> {
    cfg.validate()?;
    report(progress, TrainStage::Features, 0, format!("computing features for {} appointments", records.len()));
    let data = Dataset::build(records);
    let prepared = prepare(&data, cfg)?;
    fit_prepared(&prepared, cfg, progress)
}

/// Steps 3-5 on already prepared matrices (the benchmark times this part alone).
pub fn fit_prepared(
    prepared: &Prepared,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(TrainProgress),
) -> Result<ModelArtifact, TrainError> {
    let options = SolverOptions {
        l2: cfg.l2,
        class_balance: cfg.class_balance,
        max_iter: cfg.max_iter,
        tolerance: cfg.tolerance,
        threads: cfg.threads,
    };
    let rows = prepared.split.counts();
    report(
        progress,
        TrainStage::Fitting,
        20,
        format!("fitting on {} training rows; {}", rows.train, prepared.split.info.description),
    );
    let first = fit_logistic(&prepared.train, options, None)?;
    let p_validation = first.probabilities(&prepared.validation);
    let validation_auc = auc(&prepared.validation.y, &p_validation);
    let (threshold, validation_f1) = best_f1_threshold(&prepared.validation.y, &p_validation);
    report(progress, TrainStage::Threshold, 50, format!("threshold {threshold:.3} (validation F1 {validation_f1:.3})"));
    let fit = if cfg.refit_on_validation {
        report(progress, TrainStage::Refitting, 55, format!("refitting on {} rows", prepared.final_train.rows));
        // The first fit is a close starting point: same features, most of the same rows.
        fit_logistic(&prepared.final_train, options, Some(&first))?
    } else {
        first
    };
    report(progress, TrainStage::Evaluating, 90, format!("scoring {} test rows", prepared.test.rows));
    let p_test = fit.probabilities(&prepared.test);
    let base_rate = prepared.final_train.positive_rate();
    let artifact = ModelArtifact {
        version: String::new(),
        created_at: Utc::now(),
        feature_names: FEATURE_NAMES.iter().map(|name| (*name).to_owned()).collect(),
        means: prepared.final_space.means.clone(),
        stds: prepared.final_space.stds.clone(),
        coefficients: fit.coefficients,
        intercept: fit.intercept,
        threshold,
        neighbourhood_encoding: prepared.final_space.neighbourhood.clone(),
        evaluation: evaluate(&prepared.test.y, &p_test, threshold),
        // "Always attends": the training no-show rate as probability, never flagged.
        baseline: evaluate(&prepared.test.y, &vec![base_rate; prepared.test.rows], 1.0),
        validation_auc,
        rows,
        data_hash: prepared.data_hash.clone(),
        split: prepared.split.info.clone(),
        training: TrainingInfo {
            solver: "logistic regression, smartcore L-BFGS".into(),
            iterations: fit.iterations,
            converged: fit.converged,
            l2: cfg.l2,
            class_balance: cfg.class_balance,
            refit_on_validation: cfg.refit_on_validation,
        },
        calibration: calibration(&prepared.test.y, &p_test, 10),
    };
    let auc_text = artifact.evaluation.auc.map_or("n/a".into(), |auc| format!("{auc:.3}"));
    report(progress, TrainStage::Done, 100, format!("test AUC {auc_text}"));
    Ok(artifact)
}

fn report(progress: &mut dyn FnMut(TrainProgress), stage: TrainStage, percent: u8, message: String) {
    tracing::debug!(?stage, percent, %message, "training progress");
    progress(TrainProgress { stage, percent, message });
}

#[cfg(test)]
mod tests;
