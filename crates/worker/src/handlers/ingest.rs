//! Streams a CSV from the data directory into the history. Safe to run again
//! after a crash: rows are keyed by their appointment id.

use crate::execute::{backoff, Outcome};
use crate::progress::Progress;
use crate::WorkerState;
use jobs::IngestCsv;
use pipeline::PipelineError;
use storage::jobs::JobRecord;

pub async fn run(args: IngestCsv, job: &JobRecord, state: &WorkerState) -> Outcome {
    let path = state.settings.data_dir.join(&args.file);
    let progress = Progress::start(state.store.clone(), job.claim.clone());
    progress.report(0, "reading");
    let result = pipeline::ingest::ingest_file(&state.store, &path, &mut |rows| progress.report(0, &format!("{rows} rows read"))).await;
    progress.finish().await;
    pipeline_outcome(result.map(|s| serde_json::to_value(s).unwrap_or_default()), job)
}

/// Bad data never improves on retry; an unreachable database does.
pub fn pipeline_outcome(result: Result<serde_json::Value, PipelineError>, job: &JobRecord) -> Outcome {
    match result {
        Ok(json) => Outcome::Done(json),
        Err(PipelineError::Storage(err)) if err.is_unavailable() => Outcome::Retry { reason: err.to_string(), after: backoff(job.attempts) },
        Err(err) => Outcome::Failed(err.to_string()),
    }
}
