//! Training on the project sample, and the artifact it produces.

mod common;

use ml::features::{inputs_for_all, FEATURE_NAMES};
use ml::metrics::evaluate;
use ml::model::{Band, ModelArtifact, ModelError};
use ml::train::{train, TrainConfig, TrainStage};

fn trained() -> (Vec<ml::CleanRecord>, ModelArtifact) {
    let records = common::sample_records();
    let model = train(&records, &TrainConfig::default(), &mut |_| {}).expect("the sample trains");
    (records, model)
}

#[test]
fn a_model_trained_on_the_sample_beats_chance_on_later_appointments() {
    let (records, model) = trained();
    let auc = model.evaluation.auc.expect("both outcomes in the test period");
    assert!(auc > 0.6, "test AUC {auc}");
    assert!(model.validation_auc.expect("validation AUC") > 0.6);
    assert!(model.threshold > 0.0 && model.threshold < 1.0);
    let rows = model.rows;
    assert_eq!(rows.train + rows.validation + rows.test, records.len() as u64);
    assert_eq!(model.evaluation.count, rows.test);
    assert!(model.split.validation_from < model.split.test_from);
    assert!(model.evaluation.recall > model.baseline.recall, "the baseline never flags anyone");
    assert!((model.baseline.accuracy - (1.0 - model.baseline.base_rate)).abs() < 1e-12);
    assert!(model.version.is_empty(), "the caller names the version");
}

#[test]
fn predicting_one_appointment_reproduces_the_reported_evaluation() {
    // Without the final refit, the served model is the evaluated one.
    let records = common::sample_records();
    let cfg = TrainConfig { refit_on_all: false, ..TrainConfig::default() };
    let model = train(&records, &cfg, &mut |_| {}).expect("train");
    assert!(!model.training.refit_on_all);
    let inputs = inputs_for_all(&records);
    let (mut y, mut p) = (Vec::new(), Vec::new());
    for (record, input) in records.iter().zip(&inputs) {
        if record.appointment_day >= model.split.test_from {
            y.push(record.no_show);
            p.push(model.predict_no_show(input));
        }
    }
    let again = evaluate(&y, &p, model.threshold);
    assert_eq!(again.confusion, model.evaluation.confusion);
    let (a, b) = (again.auc.unwrap_or(0.0), model.evaluation.auc.unwrap_or(1.0));
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    assert!(model.is_no_show(model.threshold));
}

#[test]
fn the_served_model_has_seen_every_row_and_reports_the_held_out_fit() {
    let (records, served) = trained();
    let cfg = TrainConfig { refit_on_all: false, ..TrainConfig::default() };
    let held_out = train(&records, &cfg, &mut |_| {}).expect("train");
    assert!(served.training.refit_on_all);
    assert_eq!(served.rows.served, records.len() as u64);
    assert_eq!(held_out.rows.served, held_out.rows.train + held_out.rows.validation);
    assert_eq!(served.evaluation.confusion, held_out.evaluation.confusion, "the reported evaluation is the held-out fit's");
    assert_ne!(served.coefficients, held_out.coefficients, "the served coefficients were refitted");
    assert_eq!((served.threshold, served.calibrator, served.bands), (held_out.threshold, held_out.calibrator, held_out.bands));
}

#[test]
fn probabilities_are_calibrated_and_banded_on_the_same_scale_as_the_threshold() {
    let (records, model) = trained();
    let calibrator = model.calibrator.expect("a calibrator");
    let bands = model.bands.expect("bands");
    assert!(bands.low_below < bands.high_from && bands.high_from == model.threshold);
    let report = model.held_out.as_ref().expect("held-out report");
    assert!(report.calibration.uncalibrated.auc.is_some() && !report.roc.is_empty());
    assert!(!report.groups.gender.is_empty() && !report.groups.age_band.is_empty());
    for input in inputs_for_all(&records).iter().take(500) {
        let p = model.predict_no_show(input);
        assert_eq!(p, calibrator.apply(model.uncalibrated_no_show(input)));
        let band = model.band(p).expect("band");
        assert_eq!(band == Band::High, model.is_no_show(p), "high is exactly the flagged appointments");
    }
}

#[test]
fn reasons_add_up_to_the_models_log_odds_and_are_in_words() {
    let (records, model) = trained();
    for input in inputs_for_all(&records).iter().take(300) {
        let all = model.contributions(input);
        let total: f64 = all.iter().map(|c| c.log_odds).sum();
        assert!((model.intercept + total - model.log_odds(input)).abs() < 1e-9, "reasons account for the whole score");
        let top = model.explain(input, 3);
        assert_eq!(top.len(), 3);
        assert!(top.windows(2).all(|w| w[0].log_odds.abs() >= w[1].log_odds.abs()), "largest first");
        assert!(top.iter().all(|c| !c.text.is_empty() && c.text.chars().any(char::is_alphabetic)));
    }
}

#[test]
fn an_artifact_with_fewer_features_still_loads_and_predicts() {
    let (records, mut model) = trained();
    // An older artifact: the same model without the last nine features.
    for c in &mut model.coefficients[33..] {
        *c = 0.0;
    }
    let mut json: serde_json::Value = serde_json::from_str(&model.to_json().expect("json")).expect("value");
    for key in ["feature_names", "means", "stds", "coefficients"] {
        json[key].as_array_mut().expect("array").truncate(33);
    }
    let older = ModelArtifact::from_json(&json.to_string()).expect("an older artifact loads");
    let reloaded = ModelArtifact::from_json(&model.to_json().expect("json")).expect("loads");
    for input in inputs_for_all(&records).iter().take(200) {
        assert!((older.predict_no_show(input) - reloaded.predict_no_show(input)).abs() < 1e-12);
    }
}

#[test]
fn an_artifact_survives_a_json_round_trip() {
    let (records, mut model) = trained();
    model.version = "test-1".into();
    let path = std::env::temp_dir().join(format!("ml-artifact-{}.json", std::process::id()));
    model.save(&path).expect("save");
    let loaded = ModelArtifact::load(&path).expect("load");
    std::fs::remove_file(&path).ok();
    assert_eq!(loaded, model);
    let input = &inputs_for_all(&records)[0];
    assert_eq!(loaded.predict_no_show(input), model.predict_no_show(input));
}

#[test]
fn an_artifact_for_other_features_is_refused() {
    let (_, mut model) = trained();
    model.feature_names[0] = "lead_days".into();
    let json = model.to_json().expect("json");
    assert!(matches!(ModelArtifact::from_json(&json), Err(ModelError::Incompatible(_))), "a feature twice");
    model.feature_names[0] = "shoe_size".into();
    let json = model.to_json().expect("json");
    assert!(matches!(ModelArtifact::from_json(&json), Err(ModelError::Incompatible(_))), "an unknown feature");
    assert!(matches!(ModelArtifact::from_json("{}"), Err(ModelError::Json(_))));
    assert_eq!(FEATURE_NAMES.len(), model.coefficients.len());
}

#[test]
fn the_data_hash_depends_on_the_records_not_their_order() {
    let (mut records, model) = trained();
    records.reverse();
    let again = train(&records, &TrainConfig::default(), &mut |_| {}).expect("train");
    assert_eq!(again.data_hash, model.data_hash);
    assert_eq!(model.data_hash.len(), 64);
    let earliest = records.iter_mut().min_by_key(|r| r.appointment_day).expect("records");
    earliest.age = earliest.age.saturating_add(1);
    let changed = train(&records, &TrainConfig::default(), &mut |_| {}).expect("train");
    assert_ne!(changed.data_hash, model.data_hash);
}

#[test]
fn progress_is_reported_up_to_done() {
    let records = common::sample_records();
    let mut stages = Vec::new();
    train(&records, &TrainConfig::default(), &mut |p| stages.push((p.stage, p.percent))).expect("train");
    assert_eq!(stages.first().map(|s| s.0), Some(TrainStage::Features));
    assert_eq!(stages.last(), Some(&(TrainStage::Done, 100)));
    assert!(stages.windows(2).all(|w| w[0].1 <= w[1].1));
}

/// The goals on the public dataset's time split (train before
/// 2016-06-01, test after): AUC, and calibration that fixes the class
/// weighting's inflated probabilities without costing ranking.
#[test]
fn the_full_dataset_reaches_the_target_auc_and_calibration_on_the_june_test_period() {
    let Some(path) = common::shared_csv("noshow-appointments-2016.csv") else {
        return;
    };
    let (records, _) = ml::ingest::read_all(std::fs::File::open(path).expect("full")).expect("ingest");
    let cfg = TrainConfig { test_from: chrono::NaiveDate::from_ymd_opt(2016, 6, 1), ..TrainConfig::default() };
    let model = train(&records, &cfg, &mut |_| {}).expect("train");
    let auc = model.evaluation.auc.expect("auc");
    assert!(auc >= 0.73, "test AUC {auc}");
    let calibration = &model.held_out.as_ref().expect("held-out report").calibration;
    assert!(calibration.ece_after <= 0.02, "ECE after calibration {}", calibration.ece_after);
    assert!(calibration.ece_after < calibration.ece_before, "ECE {} -> {}", calibration.ece_before, calibration.ece_after);
    assert!(calibration.brier_after <= calibration.brier_before, "Brier {} -> {}", calibration.brier_before, calibration.brier_after);
    let uncalibrated_auc = calibration.uncalibrated.auc.expect("auc");
    assert!(auc >= uncalibrated_auc - 0.002, "AUC {uncalibrated_auc} -> {auc}");
    let reliability = &model.calibration;
    assert_eq!(reliability.iter().map(|b| b.count).sum::<u64>(), model.rows.test, "ten-bin reliability table over the test period");
}
