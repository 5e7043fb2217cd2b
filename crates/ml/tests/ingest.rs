//! Ingestion of the real files: the project sample, the mangled spreadsheet and the full dataset.

mod common;

use std::fs::File;
use std::io::Read;

use ml::ingest::{self, DropReason, IngestError};

const HEADER: &str = "PatientId,AppointmentID,Gender,ScheduledDay,AppointmentDay,Age,Neighbourhood,\
                      Scholarship,Hipertension,Diabetes,Alcoholism,Handcap,SMS_received,No-show";

#[test]
fn the_sample_drops_exactly_its_known_dirty_rows() {
    let (records, report) = ingest::read_all(File::open(common::sample_csv()).expect("sample")).expect("ingest");
    assert_eq!(report.rows_read, 3001);
    assert_eq!(report.dropped_for(DropReason::NegativeAge), 1);
    assert_eq!(report.dropped_for(DropReason::AppointmentBeforeBooking), 5);
    assert_eq!(report.dropped_total(), 6, "{report:?}");
    assert_eq!(report.accepted, 2995);
    assert_eq!(records.len(), 2995);
    assert!(records.iter().any(|r| r.patient_id == "9377952927E-5"), "exact float-form ids are kept");
    assert!(records.iter().any(|r| r.handicap >= 2), "Handcap 2-4 is kept as is");
}

#[test]
fn spreadsheet_mangled_patient_ids_are_dropped_under_their_own_reason() {
    let Some(path) = common::shared_csv("noshow-sample-spreadsheet-mangled.csv") else {
        return;
    };
    let (records, report) = ingest::read_all(File::open(path).expect("mangled")).expect("ingest");
    assert_eq!(report.rows_read, 2999);
    assert_eq!(report.dropped_for(DropReason::PatientIdScientificNotation), 2840);
    assert_eq!(report.dropped_total(), 2840, "{report:?}");
    assert_eq!(records.len(), 159);
    assert!(records.iter().all(|r| r.patient_id.bytes().all(|b| b.is_ascii_digit())));
}

#[test]
fn the_full_dataset_reports_its_documented_dirty_rows() {
    let Some(path) = common::shared_csv("noshow-appointments-2016.csv") else {
        return;
    };
    let mut stream = ingest::open(File::open(path).expect("full")).expect("header");
    let accepted = stream.by_ref().count() as u64;
    let report = stream.finish().expect("no I/O error");
    assert_eq!(report.rows_read, 110_527);
    assert_eq!(report.dropped_for(DropReason::NegativeAge), 1);
    assert_eq!(report.dropped_for(DropReason::AppointmentBeforeBooking), 5);
    assert_eq!(report.dropped_total(), 6);
    assert_eq!((report.accepted, accepted), (110_521, 110_521));
}

#[test]
fn rows_are_yielded_while_reading_not_after() {
    // 500 rows (~40 KB, more than the sniffed prefix), then the source fails.
    let rows: String = (1..=500)
        .map(|id| format!("{id},{id},F,2016-04-29T18:38:08Z,2016-04-29T00:00:00Z,62,CENTRO,0,1,0,0,0,0,No\n"))
        .collect();
    let body = format!("{HEADER}\n{rows}");
    let mut stream = ingest::open(body.as_bytes().chain(FailingReader)).expect("header");
    let first = stream.next().expect("the first row arrives before the source fails");
    assert_eq!(first.appointment_id, 1);
    assert_eq!(stream.report().accepted, 1);
    assert_eq!(stream.by_ref().count(), 499);
    assert!(matches!(stream.finish(), Err(IngestError::Io(_))));
}

struct FailingReader;

impl Read for FailingReader {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk gone"))
    }
}

#[test]
fn each_bad_row_is_counted_under_its_reason() {
    let rows = [
        "1,1,F,2016-04-29T08:00:00Z,2016-04-29T00:00:00Z,30,A,0,0,0,0,0,0,No",
        "2,2,X,2016-04-29T08:00:00Z,2016-04-29T00:00:00Z,30,A,0,0,0,0,0,0,No",
        "3,3,F,2016-04-29T08:00:00Z,2016-04-29T00:00:00Z,130,A,0,0,0,0,0,0,No",
        "4,4,F,2016-04-29T08:00:00Z,2016-04-29T00:00:00Z,30,A,0,0,0,0,7,0,No",
        "5,5,F,2016-04-29T08:00:00Z,2016-04-29T00:00:00Z,30,A,0,0,0,0,0,0,Maybe",
        "6,6,F,not a date,2016-04-29T00:00:00Z,30,A,0,0,0,0,0,0,No",
        "7,7,F,2016-04-29T08:00:00Z",
        "8,1,F,2016-04-29T08:00:00Z,2016-04-29T00:00:00Z,30,A,0,0,0,0,0,0,Yes",
        "9,9,M,2016-04-29T08:00:00Z,2016-04-29T00:00:00Z,30,A,2,0,0,0,0,0,Yes",
        "10.0,10,M,2016-04-29T08:00:00Z,2016-04-29T00:00:00Z,30,A,0,0,0,0,0,1,Yes",
    ];
    let body = format!("{HEADER}\n{}\n", rows.join("\n"));
    let (records, report) = ingest::read_all(body.as_bytes()).expect("ingest");
    assert_eq!(records.iter().map(|r| r.patient_id.as_str()).collect::<Vec<_>>(), ["1", "10"]);
    let dropped: Vec<(&str, u64)> = report.dropped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        dropped,
        [
            ("absurd_age", 1),
            ("bad_date", 1),
            ("bad_flag", 1),
            ("duplicate_appointment_id", 1),
            ("handicap_out_of_range", 1),
            ("malformed_row", 1),
            ("unknown_gender", 1),
            ("unknown_outcome", 1),
        ]
    );
    assert_eq!(report.repaired.get("patient_id_decimal_suffix"), Some(&1));
    assert_eq!(report.rows_read, 10);
}

#[test]
fn corrected_header_spellings_and_semicolons_are_accepted() {
    let header = "patient_id;appointment_id;gender;scheduled_day;appointment_day;age;neighborhood;\
                  scholarship;hypertension;diabetes;alcoholism;handicap;sms_received;no_show";
    let body = format!("\u{feff}{header}\n1;1;M;2016-05-02 10:00:00;2016-05-03;40;CENTRO;0;1;1;0;1;1;yes\n");
    let (records, _) = ingest::read_all(body.as_bytes()).expect("ingest");
    let record = &records[0];
    assert!(record.hypertension && record.diabetes && record.no_show && !record.female);
    assert_eq!((record.handicap, record.age), (1, 40));
}

#[test]
fn unusable_inputs_are_rejected_with_a_reason() {
    assert!(matches!(ingest::open(&b""[..]), Err(IngestError::Empty)));
    assert!(matches!(ingest::open(&b"\x00\x01\x02binary\xff\xfe"[..]), Err(IngestError::NotCsv)));
    let Err(IngestError::MissingColumns(missing)) = ingest::open(&b"PatientId,Age,Gender\n1,2,F\n"[..]) else {
        panic!("expected missing columns");
    };
    assert_eq!(missing.len(), 11);
    assert!(missing.iter().any(|m| m == "No-show"));
}

#[test]
fn the_report_serialises_with_snake_case_reasons() {
    let (_, report) = ingest::read_all(File::open(common::sample_csv()).expect("sample")).expect("ingest");
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(json["dropped"]["negative_age"], 1);
    assert_eq!(serde_json::from_value::<ml::IngestReport>(json).expect("round trip"), report);
}
