//! The patient's earlier bookings, as known when an appointment is booked.
//!
//! A booking's earlier bookings are the same patient's other appointments
//! booked strictly before it (`booked_at` earlier to the second), whatever
//! their outcome: a live system has them all in its records by then (pending
//! ones included). No outcome is used here.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ingest::CleanRecord;

/// Counts over the patient's earlier bookings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingStats {
    /// Bookings made before this one.
    pub earlier: u32,
    /// Those of them that were same-day bookings (appointment on the day it was booked).
    pub earlier_same_day: u32,
    /// Those of them made on the same calendar day as this booking.
    pub earlier_same_date: u32,
}

/// [`BookingStats`] for every record, in the same order, in O(n log n): per
/// patient, bookings sorted by time with running counts, each looked up by
/// binary search.
pub fn booking_stats_for_all(records: &[CleanRecord]) -> Vec<BookingStats> {
    let mut by_patient: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        by_patient.entry(record.patient_id.as_str()).or_default().push(index);
    }
    let mut stats = vec![BookingStats::default(); records.len()];
    for indices in by_patient.values_mut() {
        if indices.len() == 1 {
            continue;
        }
        indices.sort_by_key(|&i| records[i].booked_at);
        let times: Vec<_> = indices.iter().map(|&i| records[i].booked_at).collect();
        let mut same_day_before = vec![0u32];
        for &i in indices.iter() {
            let same_day = records[i].appointment_day == records[i].booked_at.date();
            same_day_before.push(same_day_before.last().copied().unwrap_or(0) + u32::from(same_day));
        }
        for &i in indices.iter() {
            let at = records[i].booked_at;
            let earlier = times.partition_point(|t| *t < at);
            let day_start = times.partition_point(|t| t.date() < at.date());
            stats[i] = BookingStats {
                earlier: to_u32(earlier),
                earlier_same_day: same_day_before[earlier],
                earlier_same_date: to_u32(earlier.saturating_sub(day_start)),
            };
        }
    }
    stats
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::record;

    #[test]
    fn earlier_bookings_are_counted_strictly_before_and_by_kind() {
        let mut records = vec![
            record("p", 1, "2016-05-02", "2016-05-02", false),
            record("p", 2, "2016-05-02", "2016-05-09", true),
            record("p", 3, "2016-05-05", "2016-05-20", false),
            record("q", 4, "2016-05-01", "2016-05-01", false),
        ];
        // Records 1 and 2 were booked the same day, 1 at 08:00 and 2 at 09:30.
        records[1].booked_at = records[1].booked_at.date().and_hms_opt(9, 30, 0).unwrap();
        let stats = booking_stats_for_all(&records);
        assert_eq!(stats[0], BookingStats::default(), "the first booking has none");
        assert_eq!(stats[1], BookingStats { earlier: 1, earlier_same_day: 1, earlier_same_date: 1 });
        assert_eq!(stats[2], BookingStats { earlier: 2, earlier_same_day: 1, earlier_same_date: 0 });
        assert_eq!(stats[3], BookingStats::default(), "another patient's bookings never count");
    }

    #[test]
    fn bookings_in_the_same_second_do_not_count_each_other() {
        let records = vec![record("p", 1, "2016-05-02", "2016-05-04", false), record("p", 2, "2016-05-02", "2016-05-04", true)];
        assert!(booking_stats_for_all(&records).iter().all(|s| s.earlier == 0));
    }
}
