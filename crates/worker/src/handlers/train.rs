//! Trains, registers and (maybe) activates a model. Running it twice
//! registers two versions; nothing is lost or corrupted.

use super::ingest::pipeline_outcome;
use crate::execute::Outcome;
use crate::progress::Progress;
use crate::WorkerState;
use jobs::TrainModel;
use storage::jobs::JobRecord;

pub async fn run(args: TrainModel, job: &JobRecord, state: &WorkerState) -> Outcome {
    let progress = Progress::start(state.store.clone(), job.claim.clone());
    let result = pipeline::training::train_and_register(&state.store, &state.settings.artifacts_dir, args.force, &mut |percent, step| {
        progress.report(percent, step)
    })
    .await;
    progress.finish().await;
    pipeline_outcome(result.map(|s| serde_json::to_value(s).unwrap_or_default()), job)
}
