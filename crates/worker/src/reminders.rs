//! The reminder scheduler (filled in with the outreach work).

use crate::WorkerState;
use jobs::Queues;

pub fn spawn(_state: WorkerState, _queues: Queues) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async {})
}
