//! Scoring any model on a recent window, for the promotion rule: a candidate
//! and the active model are compared on the same appointments.

use chrono::NaiveDate;

use crate::features::inputs_for_all;
use crate::ingest::CleanRecord;
use crate::metrics::auc;
use crate::model::ModelArtifact;

/// AUC of `model` on the records whose appointment day is on or after `from`,
/// with features computed from the records as training does (leakage-free).
/// `None` when the window lacks one of the outcomes.
pub fn auc_on_window(records: &[CleanRecord], model: &ModelArtifact, from: NaiveDate) -> Option<f64> {
    let inputs = inputs_for_all(records);
    let (mut y, mut p) = (Vec::new(), Vec::new());
    for (record, input) in records.iter().zip(&inputs) {
        if record.appointment_day >= from {
            y.push(record.no_show);
            p.push(model.uncalibrated_no_show(input));
        }
    }
    auc(&y, &p)
}
