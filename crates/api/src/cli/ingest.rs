//! `api ingest <csv>`: streams the file into the history with a progress bar,
//! then prints the cleaning report (also recorded as a finished job).

use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use storage::{jobs::JobState, Store};

pub async fn ingest(store: &Store, path: &Path) -> anyhow::Result<serde_json::Value> {
    let size = std::fs::metadata(path)?.len();
    // Rows are ~100 bytes in the public file: a row estimate is enough for a bar.
    let bar = ProgressBar::new(size / 100 + 1);
    #[allow(clippy::unwrap_used)] // constant template
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/~{len} rows {elapsed}").unwrap());
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let job = jobs::new_job(&jobs::IngestCsv { file }, Some("cli"));
    let progress_bar = bar.clone();
    let result = pipeline::ingest::ingest_file(store, path, &mut move |rows| progress_bar.set_position(rows)).await;
    bar.finish_and_clear();
    match result {
        Ok(summary) => {
            let json = serde_json::to_value(&summary)?;
            store.record_finished_job(&job, JobState::Succeeded, None, &json).await?;
            Ok(json)
        }
        Err(err) => {
            store.record_finished_job(&job, JobState::Failed, Some(&err.to_string()), &serde_json::Value::Null).await?;
            Err(err.into())
        }
    }
}
