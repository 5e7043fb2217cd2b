//! Errors that stop ingestion as a whole (a bad row never does: it is counted).

/// Why a CSV could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The input has no bytes, or only whitespace: not even a header.
    #[error("the file is empty: expected a CSV header line")]
    Empty,
    /// The input is binary or otherwise not delimited text.
    #[error("the file is not a CSV text file")]
    NotCsv,
    /// Binary bytes (NUL or control characters) somewhere in the file: it is
    /// refused whole, before anything is written.
    #[error("the file contains binary data on line {line} (byte {offset}): it is not a CSV text file")]
    Binary {
        /// 1-based line of the first binary byte.
        line: u64,
        /// 0-based byte offset of that byte.
        offset: u64,
    },
    /// The header lacks required columns; names use the public dataset's spelling.
    #[error("the CSV header is missing required columns: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    /// Reading the underlying source failed (the stream stopped early).
    #[error("reading the CSV failed: {0}")]
    Io(#[from] std::io::Error),
}
