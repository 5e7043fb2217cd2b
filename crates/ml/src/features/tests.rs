use super::*;
use crate::testing::{at, date, record};

fn history() -> Vec<crate::ingest::CleanRecord> {
    vec![
        record("p1", 1, "2016-04-20", "2016-05-02", true),
        record("p1", 2, "2016-05-02", "2016-05-10", false),
        record("p1", 3, "2016-05-10", "2016-05-20", true),
        record("p1", 4, "2016-05-11", "2016-05-11", false),
        record("p2", 5, "2016-05-01", "2016-05-03", true),
    ]
}

#[test]
fn only_appointments_before_the_booking_date_count() {
    let past = [(date("2016-05-01"), true), (date("2016-05-02"), false), (date("2016-05-03"), true)];
    let stats = prior_stats_before(past, at("2016-05-02"));
    assert_eq!(stats, PriorStats { visits: 1, no_shows: 1 });
}

#[test]
fn prior_stats_for_all_agrees_with_the_one_at_a_time_definition() {
    let records = history();
    let all = prior_stats_for_all(&records);
    for (record, stats) in records.iter().zip(&all) {
        let same_patient = records.iter().filter(|r| r.patient_id == record.patient_id);
        let expected = prior_stats_before(same_patient.map(|r| (r.appointment_day, r.no_show)), record.booked_at);
        assert_eq!(*stats, expected, "appointment {}", record.appointment_id);
    }
    assert_eq!(all[2], PriorStats { visits: 1, no_shows: 1 }, "the 05-10 visit is not over at booking");
    assert_eq!(all[3], PriorStats { visits: 2, no_shows: 1 });
    assert_eq!(all[4], PriorStats::default(), "another patient's history never counts");
}

#[test]
fn a_patients_future_outcomes_never_change_a_past_feature() {
    let records = history();
    let encoding = NeighbourhoodEncoding::fit([(Some("CENTRO"), true)], 1.0);
    let features = |records: &[crate::ingest::CleanRecord]| -> Vec<[f64; FEATURE_COUNT]> {
        inputs_for_all(records).iter().map(|input| raw_features(input, encoding.encode(None))).collect()
    };
    let before = features(&records);
    for flipped in 0..records.len() {
        let mut changed = records.clone();
        changed[flipped].no_show = !changed[flipped].no_show;
        let after = features(&changed);
        for (i, record) in records.iter().enumerate() {
            let outcome_known = records[flipped].patient_id == record.patient_id
                && records[flipped].appointment_day < record.booked_at.date();
            if !outcome_known {
                assert_eq!(before[i], after[i], "flipping {flipped} changed features of {i}");
            }
        }
    }
    let mut changed = records.clone();
    changed[0].no_show = false;
    assert_ne!(features(&changed)[2], before[2], "a known earlier outcome does matter");
}

#[test]
fn lead_time_is_clamped_and_same_day_flagged() {
    let mut input =
        FeatureInput::from_record(&record("p", 1, "2016-05-02", "2016-05-02", false), PriorStats::default(), BookingStats::default());
    let x = raw_features(&input, 0.0);
    assert_eq!((x[0], x[1], x[2]), (1.0, 0.0, 0.0));
    input.booked_at = at("2016-05-09");
    assert_eq!(input.lead_days(), 0);
    input.booked_at = at("2016-04-25");
    let x = raw_features(&input, 0.0);
    assert_eq!((x[0], x[1]), (0.0, 7.0));
    assert!((x[2] - 8f64.ln()).abs() < 1e-12);
    input.booked_at = at("2015-11-10");
    assert_eq!(raw_features(&input, 0.0)[1], 90.0, "lead days are capped at 90");
}

#[test]
fn weekday_and_age_bucket_are_one_hot() {
    // 2016-05-04 is a Wednesday; age 30 is in the 25-34 bucket.
    let input = FeatureInput::from_record(&record("p", 1, "2016-05-01", "2016-05-04", false), PriorStats::default(), BookingStats::default());
    let x = raw_features(&input, 0.0);
    let hot = |range: std::ops::Range<usize>| -> Vec<&str> {
        range.filter(|&i| x[i] == 1.0).map(|i| FEATURE_NAMES[i]).collect()
    };
    assert_eq!(hot(3..8), ["weekday_wed"]);
    assert_eq!(hot(9..16), ["age_25_34"]);
}

#[test]
fn standardisation_uses_the_fitted_rows_only() {
    let records = history();
    let inputs = inputs_for_all(&records);
    let space = FeatureSpace::fit(inputs.iter().zip(records.iter().map(|r| r.no_show)), 20.0);
    let age = FEATURE_NAMES.iter().position(|n| *n == "age").expect("age feature");
    assert_eq!(space.means[age], 30.0);
    assert_eq!(space.stds[age], 1.0, "a constant feature keeps a unit scale");
    let z = space.standardised(&inputs[0]);
    assert!(z.iter().all(|v| v.is_finite()));
}
