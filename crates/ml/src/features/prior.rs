//! A patient's earlier outcomes as known at booking time.
//!
//! An appointment's outcome is only known once its day is over, so a booking
//! made on day D may use appointments whose day is strictly before D. Anything
//! later, including other appointments on D itself, would leak the future into
//! the features (and the training labels into the training features).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::ingest::CleanRecord;

/// Counts of a patient's appointments with a known outcome at booking time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorStats {
    /// Appointments whose day is before the booking date, attended or not.
    pub visits: u32,
    /// Those of them the patient missed.
    pub no_shows: u32,
}

/// Counts `history` entries (appointment day, missed?) whose day is strictly before `booked_at`'s date.
pub fn prior_stats_before(
    history: impl IntoIterator<Item = (NaiveDate, bool)>,
    booked_at: NaiveDateTime,
) -> PriorStats {
    let booked_on = booked_at.date();
    history.into_iter().filter(|(day, _)| *day < booked_on).fold(PriorStats::default(), |stats, (_, no_show)| {
        PriorStats { visits: stats.visits + 1, no_shows: stats.no_shows + u32::from(no_show) }
    })
}

/// [`prior_stats_before`] for every record, in the same order, in O(n log n):
/// records are grouped by patient, each group sorted by day with running
/// no-show counts, and each booking date found by binary search.
pub fn prior_stats_for_all(records: &[CleanRecord]) -> Vec<PriorStats> {
    let mut by_patient: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        by_patient.entry(record.patient_id.as_str()).or_default().push(index);
    }
    let mut stats = vec![PriorStats::default(); records.len()];
    let mut days = Vec::new();
    let mut missed_before = Vec::new();
    for indices in by_patient.values_mut() {
        if indices.len() == 1 {
            continue;
        }
        indices.sort_by_key(|&i| records[i].appointment_day);
        days.clear();
        missed_before.clear();
        missed_before.push(0u32);
        for &i in indices.iter() {
            days.push(records[i].appointment_day);
            let so_far = missed_before.last().copied().unwrap_or(0);
            missed_before.push(so_far + u32::from(records[i].no_show));
        }
        for &i in indices.iter() {
            let booked_on = records[i].booked_at.date();
            let known = days.partition_point(|day| *day < booked_on);
            stats[i] = PriorStats { visits: saturating_u32(known), no_shows: missed_before[known] };
        }
    }
    stats
}

fn saturating_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}
