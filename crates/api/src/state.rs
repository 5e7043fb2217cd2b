//! Everything a handler needs, built once in `startup` and shared as `web::Data`.

use crate::auth::passwords::PasswordHasher;
use crate::auth::tokens::TokenService;
use crate::rate_limit::Limiter;
use domain::clinic_time::ClinicZone;
use domain::clock::SharedClock;
use domain::otp::OtpHasher;
use pipeline::ModelHandle;
use settings::Settings;
use storage::{Cache, Store};

pub struct AppState {
    pub settings: Settings,
    pub store: Store,
    pub cache: Cache,
    pub queues: jobs::Queues,
    /// Pushes jobs written to the outbox to Redis; kicked after each write.
    pub relay: jobs::Relay,
    pub tokens: TokenService,
    pub otp: OtpHasher,
    pub passwords: PasswordHasher,
    pub limiter: Limiter,
    pub model: ModelHandle,
    pub clock: SharedClock,
}

impl AppState {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn zone(&self) -> &ClinicZone {
        &self.settings.clinic.zone
    }

    /// The clinic's calendar day now.
    pub fn today(&self) -> chrono::NaiveDate {
        self.zone().today(self.now())
    }

    /// The clinic's wall-clock time now.
    pub fn clinic_now(&self) -> chrono::NaiveDateTime {
        self.zone().local(self.now())
    }

    /// Writes a job to the outbox and asks the relay to push it now. The
    /// request never waits for Redis.
    pub async fn enqueue(&self, job: &storage::jobs::NewJob) -> Result<(), storage::StorageError> {
        self.store.create_job(job, self.now()).await?;
        self.relay.kick();
        Ok(())
    }
}
