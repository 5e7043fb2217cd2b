//! What every job handler gets.

use crate::Mailer;
use domain::clock::SharedClock;
use domain::otp::OtpHasher;
use settings::Settings;
use std::sync::Arc;
use storage::Store;

#[derive(Clone)]
pub struct WorkerState {
    pub settings: Arc<Settings>,
    pub store: Store,
    pub mailer: Mailer,
    pub otp: OtpHasher,
    pub clock: SharedClock,
}
