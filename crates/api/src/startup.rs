//! Builds the application in one place: connections, state, middleware and routes.
//! `Application::build` binds the configured port (0 in tests: a random one).
//!
//! The API starts even when Redis is down (the cache and queues connect
//! lazily; jobs wait in the MongoDB outbox), but not without MongoDB.

use crate::auth::passwords::PasswordHasher;
use crate::auth::tokens::TokenService;
use crate::state::AppState;
use crate::{middleware, observability, request, routes};
use actix_cors::Cors;
use actix_web::{dev::Server, http::header, web, App, HttpServer};
use anyhow::Context;
use domain::clock::SharedClock;
use secrecy::ExposeSecret;
use settings::Settings;
use std::net::TcpListener;
use std::time::Duration;

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

/// Connects to MongoDB and (lazily) Redis, loads the active model, and starts
/// the job relay and the repair sweep.
pub async fn build_state(settings: Settings, clock: SharedClock) -> anyhow::Result<AppState> {
    let timeouts = storage::Timeouts { server_selection: settings.mongo.server_selection_timeout, connect: settings.mongo.connect_timeout };
    let store = storage::connect_patiently(settings.mongo.uri.expose_secret(), &settings.mongo.database, timeouts, storage::STARTUP_WAIT)
        .await
        .context("cannot connect to MongoDB (MONGO_URI)")?;
    let fixed = store.backfill_appointment_instants(&settings.clinic.zone).await?;
    if fixed > 0 {
        tracing::info!(fixed, "appointments given their instant in the clinic's time zone");
    }
    let redis = storage::redis_link::connect_lazily(settings.redis.url.expose_secret()).context("REDIS_URL is not a valid Redis URL")?;
    let cache = storage::Cache::new(redis.clone(), &settings.redis.prefix);
    let queues = jobs::Queues::new(redis, &settings.redis.prefix);
    let relay = jobs::Relay::new(store.clone(), queues.clone(), jobs::RelayConfig::from_settings(&settings.jobs));
    let secret = settings.auth.secret_key.expose_secret().as_bytes().to_vec();
    let tokens = TokenService::new(
        &secret,
        chrono::Duration::minutes(settings.auth.access_ttl_minutes),
        chrono::Duration::days(settings.auth.refresh_ttl_days),
    );
    let passwords = PasswordHasher::new(settings.auth.hash_concurrency, settings.auth.hash_queue)?;
    let model = pipeline::ModelHandle::default();
    if let Err(err) = model.refresh(&store).await {
        tracing::warn!(error = %err, "could not load the active model; predictions are unavailable until one is trained");
    }
    Ok(AppState {
        otp: domain::otp::OtpHasher::new(&secret),
        settings,
        store,
        cache,
        queues,
        relay,
        tokens,
        passwords,
        limiter: Default::default(),
        model,
        clock,
    })
}

fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers(["x-request-id", "retry-after"])
        .max_age(3600)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, domain::clock::system()).await
    }

    /// With a clock of the caller's choosing (tests move time by hand).
    pub async fn build_with_clock(settings: Settings, clock: SharedClock) -> anyhow::Result<Self> {
        let address = format!("{}:{}", settings.http.host, settings.http.port);
        let listener = TcpListener::bind(&address).with_context(|| format!("cannot listen on {address}"))?;
        let port = listener.local_addr()?.port();
        observability::prometheus();
        let state = web::Data::new(build_state(settings, clock).await?);
        if !state.settings.auth.enabled {
            tracing::warn!("AUTHENTICATION IS DISABLED (ENABLE_AUTH=false): every request without a token acts as an administrator. Never do this outside local development.");
        }
        pipeline::ModelHandle::watch(state.model.clone(), state.store.clone(), Duration::from_secs(5));
        state.relay.clone().spawn();
        pipeline::maintenance::spawn(state.store.clone(), state.cache.clone(), state.settings.clinic.zone, state.clock.clone(), Duration::from_secs(10));
        let server_state = state.clone();
        let server = HttpServer::new(move || {
            let origins = server_state.settings.http.cors_allowed_origins.clone();
            App::new()
                .wrap(actix_web::middleware::from_fn(observability::track))
                .wrap(cors(&origins))
                .wrap(actix_web::middleware::from_fn(middleware::json_errors::normalise))
                .wrap(actix_web::middleware::from_fn(middleware::security_headers::add))
                .wrap(tracing_actix_web::TracingLogger::<middleware::spans::PrivateSpans>::new())
                .app_data(server_state.clone())
                .app_data(request::json_config())
                .configure(routes::configure)
        })
        .shutdown_timeout(30)
        .listen(listener)?
        .run();
        Ok(Self { port, server, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until SIGTERM/SIGINT, then drains in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
