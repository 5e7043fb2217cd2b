//! Streams a raw appointments CSV into `appointment_history` in batches.
//! The header and format are checked before anything is written; rows are keyed
//! by AppointmentID, so ingesting the same file twice adds nothing.

use crate::{history_rows::to_row, PipelineError};
use ml::ingest::{IngestError, IngestReport};
use serde::Serialize;
use std::io::Read;
use storage::Store;

const BATCH: usize = 1000;

/// What an ingestion did: the cleaning report plus what the database took.
#[derive(Debug, Clone, Serialize)]
pub struct IngestSummary {
    pub report: IngestReport,
    pub inserted: u64,
    pub already_present: u64,
}

fn bad_file(err: IngestError) -> PipelineError {
    match err {
        IngestError::Io(io) => PipelineError::Io(io),
        other => PipelineError::BadFile(other.to_string()),
    }
}

/// Ingests from any reader; `progress` gets the number of rows read so far.
pub async fn ingest<R: Read>(store: &Store, reader: R, progress: &mut (dyn FnMut(u64) + Send)) -> Result<IngestSummary, PipelineError> {
    let mut stream = ml::ingest::open(reader).map_err(bad_file)?;
    let (mut inserted, mut already_present) = (0, 0);
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        // The CSV reader is synchronous; batches keep the awaits between reads short.
        batch.extend(stream.by_ref().take(BATCH).map(|r| to_row(&r)));
        if batch.is_empty() {
            break;
        }
        let outcome = store.insert_history_batch(&batch).await?;
        inserted += outcome.inserted;
        already_present += outcome.duplicates;
        batch.clear();
        progress(stream.report().rows_read);
    }
    let report = stream.finish().map_err(bad_file)?;
    tracing::info!(rows = report.rows_read, accepted = report.accepted, inserted, already_present, "ingestion finished");
    Ok(IngestSummary { report, inserted, already_present })
}

/// Ingests a file by path. The file is read once first and refused whole if
/// it holds binary data anywhere, so nothing of a corrupt file is written.
pub async fn ingest_file(store: &Store, path: &std::path::Path, progress: &mut (dyn FnMut(u64) + Send)) -> Result<IngestSummary, PipelineError> {
    let scan_path = path.to_path_buf();
    tokio::task::spawn_blocking(move || ml::ingest::scan_for_binary(std::io::BufReader::new(std::fs::File::open(scan_path)?)))
        .await
        .map_err(|e| PipelineError::BadFile(e.to_string()))?
        .map_err(bad_file)?;
    let file = std::fs::File::open(path)?;
    ingest(store, std::io::BufReader::new(file), progress).await
}
