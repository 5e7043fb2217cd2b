//! Streaming CSV ingestion of the "Medical Appointment No Shows" schema, with cleaning.
//!
//! [`open`] checks the first bytes and the header, then [`RecordStream`]
//! yields accepted rows one at a time (memory does not grow with the file,
//! apart from one `u64` per accepted AppointmentID for duplicate detection),
//! counting every drop and repair in an [`IngestReport`].
//!
//! # Cleaning rules, in the order they are checked (the first failure names the drop)
//! 1. `malformed_row`: fewer fields than the header's required columns.
//! 2. `missing_patient_id`: empty PatientId.
//! 3. `patient_id_scientific_notation`: a PatientId in E-notation with a
//!    positive exponent (`2.98725E+13`), or written out in full after such
//!    rounding (10+ digits ending in 6+ zeros; the public file has none).
//!    A spreadsheet kept 6 significant digits, so distinct patients now share
//!    an id; merging their histories would corrupt the prior-visit features,
//!    so the rows are dropped, never repaired. The exact float form the public
//!    file uses for 5 ids (`9377952927E-5`, integer mantissa, negative
//!    exponent) keeps every digit and is accepted verbatim.
//! 4. `bad_appointment_id`: AppointmentID is not a non-negative integer.
//! 5. `unknown_gender`: Gender is not F/M (female/male, any case).
//! 6. `bad_date`: ScheduledDay is not an RFC 3339 instant, naive date-time or
//!    date; or AppointmentDay does not start with a `YYYY-MM-DD` date.
//! 7. `appointment_before_booking`: AppointmentDay is before ScheduledDay's
//!    date (5 rows in the public file). Same-day appointments are fine.
//! 8. `bad_age`, `negative_age` (1 row: -1), `absurd_age` (above 115; the
//!    public maximum, 115, is kept: it occurs for a few real patients).
//! 9. `bad_flag`: Scholarship, Hipertension, Diabetes, Alcoholism or
//!    SMS_received not 0/1 (True/False also accepted).
//! 10. `handicap_out_of_range`: Handcap not an integer 0-4. Values 2-4 are
//!     kept as they are: the dataset counts disabilities, so they are not
//!     errors and are not clamped.
//! 11. `unknown_outcome`: No-show is not Yes/No (1/0 also accepted).
//! 12. `duplicate_appointment_id`: an AppointmentID already accepted in this file.
//!
//! # Repairs (the row is accepted and the repair counted)
//! - `patient_id_decimal_suffix`: `123.0` becomes `123` (float export, lossless).
//! - `latin1_text`: a row that is not UTF-8 is decoded as Latin-1.
//!
//! Text is trimmed. Timestamps are kept as clinic wall-clock time: the public
//! file's `Z` suffix is nominal (bookings peak at 07:00 and dip at 12:00, the
//! clinics' local day), so any offset is dropped rather than converted. The
//! AppointmentDay's time of day (always midnight) is ignored. Empty input is [`IngestError::Empty`]; binary input, or a first
//! line without a delimiter, is [`IngestError::NotCsv`]; a file with binary
//! bytes (NUL, control characters) anywhere is refused whole by
//! [`scan_for_binary`] (run it first: rows are written as they are read); `;` and tab
//! delimiters are detected. A header without rows is not an error: the
//! stream is simply empty.

mod error;
mod header;
mod record;
mod report;
mod sniff;
mod values;

use std::collections::HashSet;
use std::io::{Chain, Cursor, Read};

pub use error::IngestError;
pub use record::CleanRecord;
pub use report::{DropReason, IngestReport, Repair};
pub use sniff::scan_for_binary;

use header::ColumnMap;
use record::Fields;

/// Accepted rows of a CSV, read lazily; see the module docs for the rules.
pub struct RecordStream<R: Read> {
    reader: csv::Reader<Chain<Cursor<Vec<u8>>, R>>,
    columns: ColumnMap,
    row: csv::ByteRecord,
    report: IngestReport,
    seen: HashSet<u64>,
    failure: Option<std::io::Error>,
}

/// Checks the input's first bytes and header and returns a stream of clean rows.
pub fn open<R: Read>(mut reader: R) -> Result<RecordStream<R>, IngestError> {
    let sniffed = sniff::sniff(&mut reader)?;
    let mut csv =
        csv::ReaderBuilder::new().delimiter(sniffed.delimiter).flexible(true).from_reader(sniffed.prefix.chain(reader));
    let header = csv.byte_headers().map_err(|e| match e.into_kind() {
        csv::ErrorKind::Io(io) => IngestError::Io(io),
        _ => IngestError::NotCsv,
    })?;
    let names: Vec<&str> =
        header.iter().map(std::str::from_utf8).collect::<Result<_, _>>().map_err(|_| IngestError::NotCsv)?;
    let columns = ColumnMap::resolve(names)?;
    Ok(RecordStream {
        reader: csv,
        columns,
        row: csv::ByteRecord::new(),
        report: IngestReport::default(),
        seen: HashSet::new(),
        failure: None,
    })
}

/// Reads a whole CSV into memory (for training and tools; services should stream with [`open`]).
pub fn read_all<R: Read>(reader: R) -> Result<(Vec<CleanRecord>, IngestReport), IngestError> {
    let mut stream = open(reader)?;
    let records: Vec<CleanRecord> = stream.by_ref().collect();
    stream.finish().map(|report| (records, report))
}

impl<R: Read> RecordStream<R> {
    /// Counts so far (final once the iterator has returned `None`).
    pub fn report(&self) -> &IngestReport {
        &self.report
    }

    /// The final report, or the I/O error that ended the stream early.
    pub fn finish(self) -> Result<IngestReport, IngestError> {
        match self.failure {
            Some(error) => Err(IngestError::Io(error)),
            None => Ok(self.report),
        }
    }

    fn accept(&mut self) -> Option<CleanRecord> {
        let fields = Fields::decode(&self.row);
        let latin1 = fields.latin1;
        let (record, repair) = match record::clean(&fields, &self.columns) {
            Ok(cleaned) => cleaned,
            Err(reason) => {
                self.report.count_drop(reason);
                return None;
            }
        };
        if !self.seen.insert(record.appointment_id) {
            self.report.count_drop(DropReason::DuplicateAppointmentId);
            return None;
        }
        if latin1 {
            self.report.count_repair(Repair::Latin1Text);
        }
        if let Some(repair) = repair {
            self.report.count_repair(repair);
        }
        self.report.accepted += 1;
        Some(record)
    }
}

impl<R: Read> Iterator for RecordStream<R> {
    type Item = CleanRecord;

    fn next(&mut self) -> Option<CleanRecord> {
        while self.failure.is_none() {
            match self.reader.read_byte_record(&mut self.row) {
                Ok(false) => return None,
                Ok(true) => {
                    self.report.rows_read += 1;
                    if let Some(record) = self.accept() {
                        return Some(record);
                    }
                }
                Err(error) => match error.into_kind() {
                    csv::ErrorKind::Io(io) => self.failure = Some(io),
                    _ => {
                        self.report.rows_read += 1;
                        self.report.count_drop(DropReason::MalformedRow);
                    }
                },
            }
        }
        None
    }
}
