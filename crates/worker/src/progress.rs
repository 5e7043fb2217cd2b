//! Job progress from synchronous callbacks, written to the `jobs` record by a
//! background task so the pipeline never waits on the database to report.

use storage::jobs::JobClaim;
use storage::Store;
use tokio::sync::mpsc;

pub struct Progress {
    tx: mpsc::UnboundedSender<(u8, String)>,
    writer: tokio::task::JoinHandle<()>,
}

impl Progress {
    /// Reports for the run holding `claim` (a run that lost its claim writes nothing).
    pub fn start(store: Store, claim: Option<JobClaim>) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<(u8, String)>();
        let writer = tokio::spawn(async move {
            while let Some((percent, step)) = rx.recv().await {
                let Some(claim) = &claim else { continue };
                if let Err(err) = store.update_job_progress(claim, percent, Some(&step)).await {
                    tracing::warn!(error = %err, "could not record job progress");
                }
            }
        });
        Self { tx, writer }
    }

    pub fn report(&self, percent: u8, step: &str) {
        let _ = self.tx.send((percent.min(99), step.to_string()));
    }

    /// Waits until every reported step is written (so a final state is not overwritten).
    pub async fn finish(self) {
        drop(self.tx);
        let _ = self.writer.await;
    }
}
