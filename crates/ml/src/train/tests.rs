use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};

use super::*;
use crate::testing::record;

/// A deterministic design: uniform features from a linear congruential generator,
/// labels from a known logistic model.
fn synthetic(rows: usize) -> Design {
    let mut state: u64 = 42;
    let mut uniform = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut design = Design { rows, ..Design::default() };
    for _ in 0..rows {
        let row: Vec<f64> = (0..Design::COLS).map(|_| uniform() * 2.0 - 1.0).collect();
        let z = 0.5 + 1.5 * row[0] - 2.0 * row[1] + 0.7 * row[2];
        design.y.push(uniform() < crate::model::sigmoid(z));
        design.x.extend(row);
    }
    design
}

#[test]
fn the_fit_equals_smartcores_logistic_regression() {
    let design = synthetic(300);
    let options = SolverOptions { l2: 1.0, class_balance: false, max_iter: 1000, tolerance: 1e-10, threads: 0 };
    let ours = fit_logistic(&design, options, None).expect("fit");
    assert!(ours.converged);

    let rows: Vec<Vec<f64>> = (0..design.rows).map(|i| design.row(i).to_vec()).collect();
    let x = DenseMatrix::from_2d_vec(&rows).expect("matrix");
    let y: Vec<i32> = design.y.iter().map(|&missed| i32::from(missed)).collect();
    let theirs = LogisticRegression::fit(&x, &y, LogisticRegressionParameters::default().with_alpha(1.0)).expect("fit");
    for (j, ours) in ours.coefficients.iter().enumerate() {
        let theirs = *theirs.coefficients().get((0, j));
        assert!((ours - theirs).abs() < 1e-4, "coefficient {j}: {ours} vs {theirs}");
    }
    assert!((ours.intercept - *theirs.intercept().get((0, 0))).abs() < 1e-4);

    let warm = fit_logistic(&design, options, Some(&ours)).expect("warm fit");
    assert!(warm.iterations < ours.iterations, "starting at the optimum needs fewer steps");
}

#[test]
fn class_balance_raises_the_rare_class_probabilities() {
    let mut design = synthetic(400);
    design.y.iter_mut().enumerate().for_each(|(i, y)| *y = *y && i % 3 == 0);
    let options = SolverOptions { l2: 1.0, class_balance: false, max_iter: 500, tolerance: 1e-8, threads: 0 };
    let plain = fit_logistic(&design, options, None).expect("fit");
    let balanced = fit_logistic(&design, SolverOptions { class_balance: true, ..options }, None).expect("fit");
    let mean = |fit: &LogisticFit| fit.probabilities(&design).iter().sum::<f64>() / design.rows as f64;
    assert!((mean(&plain) - design.positive_rate()).abs() < 0.01, "unweighted fits stay calibrated");
    assert!(mean(&balanced) > 0.4);
}

#[test]
fn a_single_outcome_in_training_is_refused() {
    let records: Vec<_> = (1..=9u32)
        .map(|d| record(&format!("p{d}"), u64::from(d), "2016-04-01", &format!("2016-05-{d:02}"), d >= 8))
        .collect();
    let cfg = TrainConfig { min_rows_per_part: 1, ..TrainConfig::default() };
    let error = train(&records, &cfg, &mut |_| {}).expect_err("single class");
    assert!(matches!(error, TrainError::SingleClass { part: "train", only: "attended" }), "{error}");
}

#[test]
fn too_little_data_is_refused_with_a_reason() {
    let records =
        vec![record("p", 1, "2016-04-01", "2016-05-02", true), record("q", 2, "2016-04-01", "2016-05-03", false)];
    let error = train(&records, &TrainConfig::default(), &mut |_| {}).expect_err("two days");
    assert_eq!(
        error.to_string(),
        "the data covers 2 appointment day(s); a time split needs at least 3 (train, validation, test)"
    );
    let bad = TrainConfig { validation_fraction: 1.5, ..TrainConfig::default() };
    assert!(matches!(train(&records, &bad, &mut |_| {}), Err(TrainError::InvalidConfig(_))));
}
