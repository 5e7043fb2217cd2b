//! Benchmark: ingest, features, training and prediction latency on a CSV, with
//! an export of the exact standardised matrices for `bench/sklearn_compare.py`.
//!
//! ```text
//! cargo run --release -p ml --example bench_train -- <csv> [--test-from 2016-06-01]
//!     [--export DIR] [--repeat 5] [--l2 1.0] [--tolerance 1e-4] [--max-iter 500] [--threads 0]
//!     [--class-balance]
//! ```
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

use ml::features::FEATURE_NAMES;
use ml::train::{fit_prepared, prepare, Dataset, Design, TrainConfig};

struct Args {
    csv: PathBuf,
    export: Option<PathBuf>,
    repeat: usize,
    cfg: TrainConfig,
}

fn parse_args() -> Result<Args, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut parsed = Args { csv: PathBuf::new(), export: None, repeat: 5, cfg: TrainConfig::default() };
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
    let one_thread = TrainConfig { threads: 1, ..cfg.clone() };
    let (mut all_cores, mut single, mut model) = (f64::MAX, f64::MAX, None);
    for _ in 0..args.repeat {
        let started = Instant::now();
        model = Some(fit_prepared(&prepared, cfg, &mut |_| {})?);
        all_cores = all_cores.min(started.elapsed().as_secs_f64());
        let started = Instant::now();
        fit_prepared(&prepared, &one_thread, &mut |_| {})?;
        single = single.min(started.elapsed().as_secs_f64());
    }
    let train_seconds = all_cores.min(single);
    let model = model.ok_or("no training run")?;

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
    println!("  validation AUC              {:.4}", model.validation_auc.unwrap_or(f64::NAN));
    println!("  test AUC                    {auc:.4}");
    println!("  threshold                   {:.4}", e.threshold);
    println!("  precision / recall / F1     {:.4} / {:.4} / {:.4}", e.precision, e.recall, e.f1);
    println!("  accuracy / baseline acc.    {:.4} / {:.4}", e.accuracy, model.baseline.accuracy);
    println!("  Brier (model / baseline)    {:.4} / {:.4}", e.brier, model.baseline.brier);
    println!("  prediction latency          {latency_us:.3} µs per appointment");

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
            "validation_auc": model.validation_auc, "evaluation": model.evaluation, "baseline": model.baseline,
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
