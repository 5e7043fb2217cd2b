//! Connecting to MongoDB (with short timeouts, so a dead server fails fast)
//! and the handle to every collection. Every command sent is counted, by name,
//! so tests and benchmarks can check how many round trips an operation makes.

use crate::{indexes, Result};
use mongodb::event::{command::CommandEvent, EventHandler};
use mongodb::{options::ClientOptions, Client, Collection, Database};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Every collection the application uses, typed by its document.
#[derive(Clone, Debug)]
pub struct Store {
    pub client: Client,
    pub db: Database,
    commands: Arc<AtomicU64>,
}

/// How long to wait for the server.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Waiting for a usable server before an operation fails (kept short: requests answer 503).
    pub server_selection: Duration,
    /// TCP connect and heartbeat.
    pub connect: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { server_selection: Duration::from_secs(1), connect: Duration::from_secs(3) }
    }
}

/// How long the API and the worker wait for an unreachable database at start-up.
pub const STARTUP_WAIT: Duration = Duration::from_secs(60);

/// Connects and declares indexes (idempotent). Fails fast when the server is down.
pub async fn connect(uri: &str, database: &str, timeouts: Timeouts) -> Result<Store> {
    let mut options = ClientOptions::parse(uri).await?;
    options.server_selection_timeout = Some(timeouts.server_selection);
    options.connect_timeout = Some(timeouts.connect);
    options.app_name = Some("health-sphere".into());
    let commands = Arc::new(AtomicU64::new(0));
    let counter = commands.clone();
    options.command_event_handler = Some(EventHandler::callback(move |event: CommandEvent| {
        if let CommandEvent::Started(started) = event {
            counter.fetch_add(1, Ordering::Relaxed);
            metrics::counter!("mongodb_commands_total", "command" => started.command_name).increment(1);
        }
    }));
    let client = Client::with_options(options)?;
    let store = Store { db: client.database(database), client, commands };
    indexes::ensure(&store).await?;
    Ok(store)
}

/// Connects like [`connect`], but while the server is unreachable (starting,
/// restarting, or too busy to answer a handshake within the short request
/// timeout) tries again with growing pauses, for up to `wait`. A process that
/// starts a moment before its database then comes up by itself instead of
/// exiting; a wrong URI or a refused login still fails at once.
pub async fn connect_patiently(uri: &str, database: &str, timeouts: Timeouts, wait: Duration) -> Result<Store> {
    crate::retry::while_unavailable(wait, || connect(uri, database, timeouts)).await
}

impl Store {
    pub(crate) fn collection<T: Send + Sync>(&self, name: &str) -> Collection<T> {
        self.db.collection(name)
    }

    /// Round-trip to the server, for health checks.
    pub async fn ping(&self) -> Result<()> {
        self.db.run_command(mongodb::bson::doc! { "ping": 1 }).await?;
        Ok(())
    }

    /// Commands sent to the server so far by this handle (and its clones).
    pub fn commands_sent(&self) -> u64 {
        self.commands.load(Ordering::Relaxed)
    }
}
