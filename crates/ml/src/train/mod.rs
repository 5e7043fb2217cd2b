//! Training: time split, logistic regression, threshold choice, evaluation.
//!
//! 1. Features for every record ([`Dataset::build`]): prior statistics use only
//!    appointments whose day is before the booking date.
//! 2. Split by appointment day ([`TimeSplit`]): train on the past, choose the
//!    threshold on the last `validation_fraction` of the training days, test
//!    on the latest days (from `test_from`).
//! 3. Fit on train (neighbourhood encoding and standardisation from train
//!    only), score validation, fit the calibrator on those held-out scores,
//!    and take the threshold maximising no-show F1 on the calibrated scale;
//!    the risk bands follow from it and the validation no-show rate.
//! 4. Refit on train + validation (default), starting from the first fit's
//!    weights, and keep calibrator, threshold and bands.
//! 5. Evaluate that held-out fit on the test period, calibrated and not, next
//!    to the "always attends" baseline, per group too.
//! 6. Refit on every row, test period included (default), with the same
//!    settings: the served model has seen the newest days. The artifact
//!    reports step 5's evaluation and marks the refit (`refit_on_all`).
//!
//! Class balance: re-weighting classes (`class_balance`) barely moves AUC on
//! this data (it is a monotone shift of the scores, bar regularisation) and
//! the F1 threshold already handles the 20% base rate, so it is off by
//! default; unweighted probabilities stay calibrated.

mod compare;
mod config;
mod dataset;
mod error;
mod held_out;
mod loss;
mod prepare;
mod solver;
mod split;
mod threshold;

pub use compare::auc_on_window;
pub use config::TrainConfig;
pub use dataset::{Dataset, Design};
pub use error::TrainError;
pub use prepare::{prepare, GroupKeys, Prepared};
pub use solver::{fit_logistic, LogisticFit, SolverOptions};
pub use split::{time_split, TimeSplit};
pub use threshold::best_f1_threshold;

use chrono::Utc;

use crate::features::{FEATURE_COUNT, FEATURE_NAMES};
use crate::ingest::CleanRecord;
use crate::metrics::{auc, calibration, evaluate};
use crate::model::{BetaCalibrator, ModelArtifact, RiskBands, TrainingInfo};
use held_out::held_out_report;

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

/// Steps 3-6 on already prepared matrices (the benchmark times this part alone).
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
    let mut rows = prepared.split.counts();
    report(
        progress,
        TrainStage::Fitting,
        15,
        format!("fitting on {} training rows; {}", rows.train, prepared.split.info.description),
    );
    let first = fit_logistic(&prepared.train, options, None)?;
    let raw_validation = first.probabilities(&prepared.validation);
    let validation_auc = auc(&prepared.validation.y, &raw_validation);
    let calibrator = BetaCalibrator::fit(&raw_validation, &prepared.validation.y);
    let calibrate = |p: &[f64]| -> Vec<f64> { p.iter().map(|&p| calibrator.map_or(p, |c| c.apply(p))).collect() };
    let validation = calibrate(&raw_validation);
    // The calibrator is monotone: both thresholds flag the same validation rows.
    let (threshold, validation_f1) = best_f1_threshold(&prepared.validation.y, &validation);
    let (raw_threshold, _) = best_f1_threshold(&prepared.validation.y, &raw_validation);
    let bands = RiskBands::choose(prepared.validation.positive_rate(), threshold);
    report(
        progress,
        TrainStage::Threshold,
        40,
        format!("threshold {threshold:.3} (validation F1 {validation_f1:.3}); bands low < {:.3}, high >= {:.3}", bands.low_below, bands.high_from),
    );
    let held_out_fit = if cfg.refit_on_validation {
        report(progress, TrainStage::Refitting, 50, format!("refitting on {} rows", prepared.final_train.rows));
        // The first fit is a close starting point: same features, most of the same rows.
        fit_logistic(&prepared.final_train, options, Some(&first))?
    } else {
        first
    };
    report(progress, TrainStage::Evaluating, 70, format!("scoring {} test rows", prepared.test.rows));
    let raw_test = held_out_fit.probabilities(&prepared.test);
    let test = calibrate(&raw_test);
    let evaluation = evaluate(&prepared.test.y, &test, threshold);
    let held_out = held_out_report(prepared, &raw_test, &test, raw_threshold, threshold, calibrator.is_some());
    let base_rate = prepared.final_train.positive_rate();
    let served = prepared.served.as_ref().filter(|_| cfg.refit_on_all);
    let (space, fit) = match served {
        Some((space, design)) => {
            report(progress, TrainStage::Refitting, 85, format!("refitting on all {} rows for serving", design.rows));
            rows.served = design.rows as u64;
            (space, fit_logistic(design, options, Some(&held_out_fit))?)
        }
        None => {
            rows.served = prepared.final_train.rows as u64;
            (&prepared.final_space, held_out_fit)
        }
    };
    let artifact = ModelArtifact {
        version: String::new(),
        created_at: Utc::now(),
        feature_names: FEATURE_NAMES.iter().map(|name| (*name).to_owned()).collect(),
        means: space.means.clone(),
        stds: space.stds.clone(),
        coefficients: fit.coefficients,
        intercept: fit.intercept,
        calibrator,
        threshold,
        bands: Some(bands),
        neighbourhood_encoding: space.neighbourhood.clone(),
        evaluation,
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
            refit_on_all: served.is_some(),
        },
        calibration: calibration(&prepared.test.y, &test, 10),
        held_out: Some(held_out),
        columns: (0..FEATURE_COUNT).collect(),
    };
    let auc_text = artifact.evaluation.auc.map_or("n/a".into(), |auc| format!("{auc:.3}"));
    report(progress, TrainStage::Done, 100, format!("test AUC {auc_text} (held-out fit)"));
    Ok(artifact)
}

fn report(progress: &mut dyn FnMut(TrainProgress), stage: TrainStage, percent: u8, message: String) {
    tracing::debug!(?stage, percent, %message, "training progress");
    progress(TrainProgress { stage, percent, message });
}

#[cfg(test)]
mod tests;
