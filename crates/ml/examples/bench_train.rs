//! Benchmark: ingest, features, training and prediction latency on a CSV, with
//! an export of the exact standardised matrices for `bench/sklearn_compare.py`.
//!
//! ```text
//! cargo run --release -p ml --example bench_train -- <csv> [--test-from 2016-06-01]
//!     [--export DIR] [--repeat 5] [--l2 1.0] [--tolerance 1e-4] [--max-iter 500] [--threads 0]
//!     [--class-balance] [--ablation]
//! ```
//!
//! It prints the calibration before and after (ECE, Brier, reliability
//! tables), the per-group table of the held-out fit, and with `--ablation`
//! the test AUC without each feature family (and without the nine features
//! added last), each refitted from scratch.
//!
//! Training time is the best of `--repeat` runs of `train::fit_prepared` (fit
//! on train, threshold on validation, refit on train + validation, score test),
//! on all cores and on one thread; the best of runs is the figure least
//! disturbed by other load on the machine. With `--export DIR` it writes `train.csv`, `validation.csv`,
//! `final_train.csv`, `test.csv` (features then `no_show`) and `rust.json`.

use std::error::Error;
use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use ml::features::families::{family_of, Family};
use ml::features::FEATURE_NAMES;
use ml::metrics::{CalibrationBucket, GroupFigures};
use ml::model::ModelArtifact;
use ml::train::{fit_prepared, prepare, Dataset, Design, Prepared, TrainConfig};

struct Args {
    csv: PathBuf,
    export: Option<PathBuf>,
    repeat: usize,
    ablation: bool,
    cfg: TrainConfig,
}

fn parse_args() -> Result<Args, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut parsed = Args { csv: PathBuf::new(), export: None, repeat: 5, ablation: false, cfg: TrainConfig::default() };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--test-from" => parsed.cfg.test_from = Some(value()?.parse()?),
            "--export" => parsed.export = Some(value()?.into()),
            "--repeat" => parsed.repeat = value()?.parse::<usize>()?.max(1),
            "--l2" => parsed.cfg.l2 = value()?.parse()?,
            "--tolerance" => parsed.cfg.tolerance = value()?.parse()?,
            "--max-iter" => parsed.cfg.max_iter = value()?.parse()?,
            "--threads" => parsed.cfg.threads = value()?.parse()?,
            "--class-balance" => parsed.cfg.class_balance = true,
            "--ablation" => parsed.ablation = true,
            other if other.starts_with("--") => return Err(format!("unknown option {other}").into()),
            path => parsed.csv = path.into(),
        }
    }
    if parsed.csv.as_os_str().is_empty() {
        return Err("usage: bench_train <csv> [--test-from YYYY-MM-DD] [--export DIR] [--repeat N]".into());
    }
    Ok(parsed)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let cfg = &args.cfg;

    let started = Instant::now();
    let (records, report) = ml::ingest::read_all(File::open(&args.csv)?)?;
    let ingest_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let data = Dataset::build(&records);
    let prepared = prepare(&data, cfg)?;
    let feature_seconds = started.elapsed().as_secs_f64();

    // Best of `repeat` runs (the least disturbed by other load), on all cores and on one, interleaved.
    // Timed like scikit-learn's side: fit, calibrate, threshold, refit on train + validation, score
    // the test period; the final refit on every row is run once afterwards.
    let timed = TrainConfig { refit_on_all: false, ..cfg.clone() };
    let one_thread = TrainConfig { threads: 1, ..timed.clone() };
    let (mut all_cores, mut single) = (f64::MAX, f64::MAX);
    for _ in 0..args.repeat {
        let started = Instant::now();
        fit_prepared(&prepared, &timed, &mut |_| {})?;
        all_cores = all_cores.min(started.elapsed().as_secs_f64());
        let started = Instant::now();
        fit_prepared(&prepared, &one_thread, &mut |_| {})?;
        single = single.min(started.elapsed().as_secs_f64());
    }
    let train_seconds = all_cores.min(single);
    let started = Instant::now();
    let model = fit_prepared(&prepared, cfg, &mut |_| {})?;
    let served_seconds = started.elapsed().as_secs_f64();

    // Latency: predict every test appointment, over and over, from its FeatureInput.
    let test_inputs: Vec<_> = prepared.split.test.iter().map(|&i| &data.inputs[i]).collect();
    let rounds = (1_000_000 / test_inputs.len().max(1)).max(1);
    let started = Instant::now();
    let mut sum = 0.0;
    for _ in 0..rounds {
        for input in &test_inputs {
            sum += model.predict_no_show(black_box(input));
        }
    }
    black_box(sum);
    let latency_us = started.elapsed().as_secs_f64() * 1e6 / (rounds * test_inputs.len()).max(1) as f64;

    let e = &model.evaluation;
    let auc = e.auc.unwrap_or(f64::NAN);
    println!("rust (smartcore L-BFGS logistic regression)");
    println!("  rows read / accepted        {} / {} (dropped {:?})", report.rows_read, report.accepted, report.dropped);
    println!("  split                       {}", model.split.description);
    println!("  rows train/valid/test       {} / {} / {}", model.rows.train, model.rows.validation, model.rows.test);
    println!("  ingest seconds              {ingest_seconds:.3}");
    println!("  feature seconds             {feature_seconds:.3}");
    println!(
        "  training seconds (best of {}) {train_seconds:.3}  (all cores {all_cores:.3}, one thread {single:.3}; \
         refit iterations {})",
        args.repeat, model.training.iterations
    );
    println!("  with the refit on all {} rows {served_seconds:.3}  (served model)", model.rows.served);
    println!("  validation AUC              {:.4}", model.validation_auc.unwrap_or(f64::NAN));
    println!("  test AUC                    {auc:.4}");
    println!("  threshold                   {:.4}", e.threshold);
    println!("  precision / recall / F1     {:.4} / {:.4} / {:.4}", e.precision, e.recall, e.f1);
    println!("  accuracy / baseline acc.    {:.4} / {:.4}", e.accuracy, model.baseline.accuracy);
    println!("  Brier (model / baseline)    {:.4} / {:.4}", e.brier, model.baseline.brier);
    println!("  prediction latency          {latency_us:.3} µs per appointment");
    print_calibration(&model);
    print_groups(&model);
    let ablation = if args.ablation { ablate(&prepared, cfg, auc)? } else { Vec::new() };

    let held_out = model.held_out.as_ref().ok_or("no held-out report")?;
    if let Some(dir) = &args.export {
        std::fs::create_dir_all(dir)?;
        for (name, design) in [
            ("train", &prepared.train),
            ("validation", &prepared.validation),
            ("final_train", &prepared.final_train),
            ("test", &prepared.test),
        ] {
            write_design(&dir.join(format!("{name}.csv")), design)?;
        }
        let summary = serde_json::json!({
            "rows_read": report.rows_read, "rows_accepted": report.accepted, "rows": model.rows,
            "ingest_seconds": ingest_seconds, "feature_seconds": feature_seconds,
            "train_seconds": train_seconds, "train_seconds_all_cores": all_cores, "train_seconds_one_thread": single, "iterations": model.training.iterations,
            "validation_auc": model.validation_auc, "baseline": model.baseline,
            // The uncalibrated evaluation compares like with like against scikit-learn's plain fit.
            "evaluation": held_out.calibration.uncalibrated, "calibrated": model.evaluation,
            "calibration": held_out.calibration, "groups": held_out.groups, "ablation": ablation,
            "latency_us": latency_us,
            "config": { "l2": cfg.l2, "tolerance": cfg.tolerance, "max_iter": cfg.max_iter,
                        "class_balance": cfg.class_balance, "refit_on_validation": cfg.refit_on_validation },
        });
        std::fs::write(dir.join("rust.json"), serde_json::to_string_pretty(&summary)?)?;
        println!("  exported matrices to        {}", dir.display());
    }
    Ok(())
}

/// Writes a design matrix as CSV: the feature names, then `no_show` (0/1).
fn write_design(path: &Path, design: &Design) -> Result<(), Box<dyn Error>> {
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(out, "{},no_show", FEATURE_NAMES.join(","))?;
    for i in 0..design.rows {
        for value in design.row(i) {
            // `{}` prints the shortest text that reads back as the same f64.
            write!(out, "{value},")?;
        }
        writeln!(out, "{}", u8::from(design.y[i]))?;
    }
    out.flush()?;
    Ok(())
}

fn reliability(title: &str, buckets: &[CalibrationBucket]) {
    println!("  {title}");
    println!("    {:<11} {:>7} {:>10} {:>9}", "bucket", "count", "predicted", "observed");
    for b in buckets {
        println!("    {:.1}-{:.1}     {:>7} {:>10.4} {:>9.4}", b.lower, b.upper, b.count, b.mean_predicted, b.observed_rate);
    }
}

fn print_calibration(model: &ModelArtifact) {
    let Some(report) = &model.held_out else { return };
    let c = &report.calibration;
    let auc = |e: &ml::Evaluation| e.auc.unwrap_or(f64::NAN);
    println!("calibration on the test period ({})", c.method);
    println!("  {:<28} {:>10} {:>10}", "", "before", "after");
    println!("  {:<28} {:>10.4} {:>10.4}", "test AUC", auc(&c.uncalibrated), auc(&model.evaluation));
    println!("  {:<28} {:>10.4} {:>10.4}", "ECE (10 bins)", c.ece_before, c.ece_after);
    println!("  {:<28} {:>10.5} {:>10.5}", "Brier score", c.brier_before, c.brier_after);
    println!("  {:<28} {:>10.4} {:>10.4}", "threshold", c.uncalibrated.threshold, model.threshold);
    if let Some(bands) = model.bands {
        println!("  bands: low < {:.4} <= medium < {:.4} <= high", bands.low_below, bands.high_from);
    }
    reliability("reliability before calibration", &c.reliability_before);
    reliability("reliability after calibration", &model.calibration);
}

fn print_groups(model: &ModelArtifact) {
    let Some(report) = &model.held_out else { return };
    let m = &report.margins;
    println!(
        "groups on the test period (flagged when n >= {} and AUC differs by > {}, calibration-in-the-large by > {}, FPR or FNR by > {})",
        m.min_count, m.auc, m.calibration_in_the_large, m.false_positive_rate
    );
    println!("  {:<28} {:>6} {:>6} {:>6} {:>7} {:>6} {:>6}  flag", "group", "n", "rate", "AUC", "CITL", "FPR", "FNR");
    let opt = |v: Option<f64>| v.map_or("   n/a".to_string(), |v| format!("{v:>6.3}"));
    let rows = |kind: &str, groups: &[GroupFigures]| {
        for g in groups {
            println!(
                "  {:<28} {:>6} {} {} {:>7} {} {}  {}",
                format!("{kind} {}", g.group),
                g.count,
                opt(g.base_rate),
                opt(g.auc),
                g.calibration_in_the_large.map_or("n/a".into(), |v| format!("{v:+.3}")),
                opt(g.false_positive_rate),
                opt(g.false_negative_rate),
                if g.flagged { g.differences.join("; ") } else { String::new() }
            );
        }
    };
    rows("gender", &report.groups.gender);
    rows("age", &report.groups.age_band);
    rows("neighbourhood", &report.groups.neighbourhood);
}

/// The added features, last in the vector.
const ADDED: [&str; 9] = [
    "same_date_earlier_bookings",
    "prior_booking_same_day_share",
    "has_prior_booking",
    "age_hinge_10",
    "age_hinge_20",
    "age_hinge_30",
    "age_hinge_45",
    "age_hinge_60",
    "age_hinge_75",
];

/// Test AUC without each family (its standardised columns zeroed, which the
/// L2 fit then leaves at a zero coefficient: the same as dropping them).
fn ablate(prepared: &Prepared, cfg: &TrainConfig, full_auc: f64) -> Result<Vec<serde_json::Value>, Box<dyn Error>> {
    let cfg = TrainConfig { refit_on_all: false, ..cfg.clone() };
    let mut out = Vec::new();
    println!("ablation: test AUC without each feature family (full model {full_auc:.4})");
    let mut cases: Vec<(String, Vec<usize>)> = Family::ALL
        .iter()
        .map(|f| (f.key().to_string(), (0..FEATURE_NAMES.len()).filter(|&i| family_of(FEATURE_NAMES[i]) == *f).collect()))
        .collect();
    cases.push(("the nine added last (earlier bookings, age hinges)".into(), (0..FEATURE_NAMES.len()).filter(|&i| ADDED.contains(&FEATURE_NAMES[i])).collect()));
    cases.push(("age hinges".into(), (0..FEATURE_NAMES.len()).filter(|&i| FEATURE_NAMES[i].starts_with("age_hinge")).collect()));
    for (name, columns) in cases {
        let mut without = prepared.clone();
        without.served = None;
        for design in [&mut without.train, &mut without.validation, &mut without.final_train, &mut without.test] {
            for row in 0..design.rows {
                for &c in &columns {
                    design.x[row * Design::COLS + c] = 0.0;
                }
            }
        }
        let model = fit_prepared(&without, &cfg, &mut |_| {})?;
        let auc = model.evaluation.auc.unwrap_or(f64::NAN);
        println!("  without {name:<52} {auc:.4}  ({:+.4})", auc - full_auc);
        out.push(serde_json::json!({ "without": name, "features": columns.len(), "test_auc": auc, "change": auc - full_auc }));
    }
    Ok(out)
}
