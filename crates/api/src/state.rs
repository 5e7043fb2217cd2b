//! Everything a handler needs, built once in `startup` and shared as `web::Data`.

use crate::auth::tokens::TokenService;
use domain::otp::OtpHasher;
use pipeline::ModelHandle;
use settings::Settings;
use storage::{Cache, Store};

pub struct AppState {
    pub settings: Settings,
    pub store: Store,
    pub cache: Cache,
    pub queues: jobs::Queues,
    pub tokens: TokenService,
    pub otp: OtpHasher,
    pub model: ModelHandle,
}
