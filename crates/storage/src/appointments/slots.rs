//! Slot reservation: an appointment holds one key per 5-minute cell of time
//! it touches (`<doctor>|<cell>`, cells counted in UTC), in `slot_keys`, under
//! a unique index. Two live appointments of a doctor that overlap share a
//! cell, so the database refuses the second insert: of any number of
//! concurrent bookings of one slot exactly one wins, with no read before the
//! write and whatever the doctor's history. Cancelling (or recording the
//! outcome) removes the keys, which frees the slot.
//!
//! Appointments on the 5-minute grid (the frontend books half-hour slots)
//! conflict exactly when they overlap; two off-grid appointments closer than 5
//! minutes to each other's boundary also conflict.

use chrono::{DateTime, Utc};

pub const CELL_MINUTES: i64 = 5;

/// The cells `[start, end)` touches.
pub fn slot_keys(doctor_id: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<String> {
    let cell = CELL_MINUTES * 60;
    let first = start.timestamp().div_euclid(cell);
    let last = (end.timestamp() - 1).div_euclid(cell).max(first);
    (first..=last).map(|c| format!("{doctor_id}|{c}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        format!("{s}:00Z").parse().unwrap()
    }

    fn overlap(a: (&str, &str), b: (&str, &str)) -> bool {
        let ka = slot_keys("d", t(a.0), t(a.1));
        slot_keys("d", t(b.0), t(b.1)).iter().any(|k| ka.contains(k))
    }

    #[test]
    fn back_to_back_half_hours_do_not_conflict_and_overlaps_do() {
        assert!(!overlap(("2026-03-01T09:00", "2026-03-01T09:30"), ("2026-03-01T09:30", "2026-03-01T10:00")));
        assert!(overlap(("2026-03-01T09:00", "2026-03-01T09:30"), ("2026-03-01T09:15", "2026-03-01T09:45")));
        assert!(overlap(("2026-03-01T09:00", "2026-03-01T09:30"), ("2026-03-01T09:00", "2026-03-01T09:30")));
        assert_eq!(slot_keys("d", t("2026-03-01T09:00"), t("2026-03-01T09:30")).len(), 6);
    }

    #[test]
    fn other_doctors_never_share_keys() {
        let a = slot_keys("a", t("2026-03-01T09:00"), t("2026-03-01T09:30"));
        let b = slot_keys("b", t("2026-03-01T09:00"), t("2026-03-01T09:30"));
        assert!(a.iter().all(|k| !b.contains(k)));
    }
}
