//! Records turned into feature inputs and labels, plus the training-data fingerprint.

use sha2::{Digest, Sha256};

use crate::features::{inputs_for_all, FeatureInput, FeatureSpace, FEATURE_COUNT};
use crate::ingest::CleanRecord;

/// Every record's feature input (with leakage-free prior statistics) and outcome.
#[derive(Debug, Clone)]
pub struct Dataset<'a> {
    /// The records, in input order.
    pub records: &'a [CleanRecord],
    /// `inputs[i]` describes `records[i]` as known at its booking.
    pub inputs: Vec<FeatureInput>,
    /// `labels[i]`: `records[i]` was missed.
    pub labels: Vec<bool>,
}

impl<'a> Dataset<'a> {
    /// Computes prior statistics for all records (group, sort, sweep) and their inputs.
    pub fn build(records: &'a [CleanRecord]) -> Self {
        Self { records, inputs: inputs_for_all(records), labels: records.iter().map(|r| r.no_show).collect() }
    }

    /// Fits the feature space (neighbourhood encoding, standardisation) on `rows` only.
    pub fn fit_space(&self, rows: &[usize], smoothing: f64) -> FeatureSpace {
        FeatureSpace::fit(rows.iter().map(|&i| (&self.inputs[i], self.labels[i])), smoothing)
    }

    /// The standardised design matrix of `rows` under `space`.
    pub fn design(&self, space: &FeatureSpace, rows: &[usize]) -> Design {
        let mut x = Vec::with_capacity(rows.len() * FEATURE_COUNT);
        for &i in rows {
            x.extend_from_slice(&space.standardised(&self.inputs[i]));
        }
        Design { rows: rows.len(), x, y: rows.iter().map(|&i| self.labels[i]).collect() }
    }

    /// SHA-256 (hex) over `rows`' records as JSON lines, sorted by appointment id,
    /// so the same training data always gives the same hash whatever the file order.
    pub fn hash(&self, rows: &[usize]) -> String {
        let mut sorted: Vec<&CleanRecord> = rows.iter().map(|&i| &self.records[i]).collect();
        sorted.sort_by_key(|record| record.appointment_id);
        let mut hasher = Sha256::new();
        for record in sorted {
            // Serialising a plain struct of strings, numbers and dates cannot fail.
            if let Ok(line) = serde_json::to_vec(record) {
                hasher.update(&line);
            }
            hasher.update(b"\n");
        }
        hex::encode(hasher.finalize())
    }
}

/// A row-major matrix of standardised features with its labels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Design {
    /// Number of rows.
    pub rows: usize,
    /// `rows * FEATURE_COUNT` values, row by row.
    pub x: Vec<f64>,
    /// Labels (true = missed).
    pub y: Vec<bool>,
}

impl Design {
    /// Number of columns.
    pub const COLS: usize = FEATURE_COUNT;

    /// Row `i`'s features.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * Self::COLS..(i + 1) * Self::COLS]
    }

    /// Share of rows that are no-shows.
    pub fn positive_rate(&self) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.y.iter().filter(|y| **y).count() as f64 / self.rows as f64
        }
    }
}
