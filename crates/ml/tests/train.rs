//! Training on the project sample, and the artifact it produces.

mod common;

use ml::features::{inputs_for_all, FEATURE_NAMES};
use ml::metrics::evaluate;
use ml::model::{ModelArtifact, ModelError};
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
    let (records, model) = trained();
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
    assert!(matches!(ModelArtifact::from_json(&json), Err(ModelError::Incompatible(_))));
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

#[test]
#[ignore = "trains on the full 110k-row file (25 s unoptimised): cargo test -p ml --release -- --ignored"]
fn the_full_dataset_reaches_the_target_auc_on_the_june_test_period() {
    let Some(path) = common::shared_csv("noshow-appointments-2016.csv") else {
        return;
    };
    let (records, _) = ml::ingest::read_all(std::fs::File::open(path).expect("full")).expect("ingest");
    let cfg = TrainConfig { test_from: chrono::NaiveDate::from_ymd_opt(2016, 6, 1), ..TrainConfig::default() };
    let model = train(&records, &cfg, &mut |_| {}).expect("train");
    let auc = model.evaluation.auc.expect("auc");
    assert!(auc >= 0.73, "test AUC {auc}");
}
