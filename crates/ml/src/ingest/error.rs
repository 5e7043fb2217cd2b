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
    /// The header lacks required columns; names use the public dataset's spelling.
    #[error("the CSV header is missing required columns: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    /// Reading the underlying source failed (the stream stopped early).
    #[error("reading the CSV failed: {0}")]
    Io(#[from] std::io::Error),
}
