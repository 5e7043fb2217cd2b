//! The raw (unstandardised) feature vector; see [`crate::features`] for the list.

use chrono::{Datelike, Timelike};

use super::FeatureInput;

/// Number of features.
pub const FEATURE_COUNT: usize = 42;

/// Feature names, in vector order. A model is only usable with these exact names.
pub const FEATURE_NAMES: [&str; FEATURE_COUNT] = [
    "same_day",
    "lead_days",
    "log1p_lead_days",
    "weekday_tue",
    "weekday_wed",
    "weekday_thu",
    "weekday_fri",
    "weekday_sat_sun",
    "age",
    "age_0_4",
    "age_5_12",
    "age_13_17",
    "age_18_24",
    "age_25_34",
    "age_35_49",
    "age_50_64",
    "female",
    "scholarship",
    "hypertension",
    "diabetes",
    "alcoholism",
    "handicap",
    "sms_received",
    "neighbourhood_log_odds",
    "log1p_prior_visits",
    "prior_no_show_rate",
    "has_prior_visits",
    "log1p_prior_no_shows",
    "any_prior_no_show",
    "same_day_child",
    "same_day_senior",
    "booking_hour",
    "booking_hour_squared",
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

/// Pseudo-rate for the prior no-show rate: a patient without history counts
/// as one visit missed with probability 0.2 (about the population rate), so the
/// rate is defined for everyone and one missed visit is not a 100% rate.
const PRIOR_PSEUDO_NO_SHOWS: f64 = 0.2;

/// Lead times beyond this many days count as this many: the few half-year
/// bookings would otherwise dominate the linear term.
const MAX_LEAD_DAYS: u32 = 90;

/// Upper bounds (exclusive) of the age buckets; 65+ is the reference bucket.
const AGE_BUCKETS: [u8; 7] = [5, 13, 18, 25, 35, 50, 65];

/// Knots of the age hinges `max(0, age - k)`: the age curve piecewise linear.
const AGE_HINGES: [u8; 6] = [10, 20, 30, 45, 60, 75];

/// Same-day earlier bookings beyond this count as this many.
const MAX_SAME_DATE_BOOKINGS: u32 = 5;

/// Computes the raw features; `neighbourhood_log_odds` comes from the training-data encoding.
pub fn raw_features(input: &FeatureInput, neighbourhood_log_odds: f64) -> [f64; FEATURE_COUNT] {
    let lead = input.lead_days();
    let same_day = lead == 0;
    // Monday is the reference level; the public data has 39 Saturday appointments and no Sunday.
    let weekday = input.appointment_day.weekday().num_days_from_monday();
    let age = input.age;
    let bucket = AGE_BUCKETS.iter().position(|&upper| age < upper);
    let visits = f64::from(input.prior.visits);
    let no_shows = f64::from(input.prior.no_shows);
    let hour = f64::from(input.booked_at.hour());
    let mut x = [0.0; FEATURE_COUNT];
    x[0] = flag(same_day);
    x[1] = f64::from(lead.min(MAX_LEAD_DAYS));
    x[2] = f64::from(lead).ln_1p();
    for (slot, day) in x[3..7].iter_mut().zip(1..) {
        *slot = flag(weekday == day);
    }
    x[7] = flag(weekday >= 5);
    x[8] = f64::from(age);
    for (slot, index) in x[9..16].iter_mut().zip(0..) {
        *slot = flag(bucket == Some(index));
    }
    x[16] = flag(input.female);
    x[17] = flag(input.scholarship);
    x[18] = flag(input.hypertension);
    x[19] = flag(input.diabetes);
    x[20] = flag(input.alcoholism);
    x[21] = flag(input.handicap > 0);
    x[22] = flag(input.sms_received);
    x[23] = neighbourhood_log_odds;
    x[24] = visits.ln_1p();
    x[25] = (no_shows + PRIOR_PSEUDO_NO_SHOWS) / (visits + 1.0);
    x[26] = flag(visits > 0.0);
    x[27] = no_shows.ln_1p();
    x[28] = flag(no_shows > 0.0);
    x[29] = flag(same_day && age < 18);
    x[30] = flag(same_day && age >= 65);
    x[31] = hour;
    x[32] = hour * hour;
    let bookings = input.bookings;
    x[33] = f64::from(bookings.earlier_same_date.min(MAX_SAME_DATE_BOOKINGS));
    x[34] = (f64::from(bookings.earlier_same_day) + 0.5) / (f64::from(bookings.earlier) + 1.0);
    x[35] = flag(bookings.earlier > 0);
    for (slot, knot) in x[36..42].iter_mut().zip(AGE_HINGES) {
        *slot = f64::from(age.saturating_sub(knot));
    }
    x
}

fn flag(value: bool) -> f64 {
    if value {
        1.0
    } else {
        0.0
    }
}
