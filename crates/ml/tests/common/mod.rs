//! Paths to the project's sample and the shared full dataset.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn sample_csv() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/noshow-sample.csv")
}

/// The shared full dataset or mangled sample, when this checkout sits next to `shared/`.
pub fn shared_csv(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} is not available", path.display());
        None
    }
}

pub fn sample_records() -> Vec<ml::CleanRecord> {
    let file = std::fs::File::open(sample_csv()).expect("the sample CSV is in data/");
    ml::ingest::read_all(file).expect("the sample ingests").0
}
