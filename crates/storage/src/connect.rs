//! Connecting to MongoDB (with timeouts, so a dead server fails fast) and the
//! handle to every collection.

use crate::{indexes, Result};
use mongodb::{options::ClientOptions, Client, Collection, Database};
use std::time::Duration;

/// Every collection the application uses, typed by its document.
#[derive(Clone, Debug)]
pub struct Store {
    pub client: Client,
    pub db: Database,
}

/// Connects and declares indexes (idempotent). Fails within seconds when the server is down.
pub async fn connect(uri: &str, database: &str) -> Result<Store> {
    let mut options = ClientOptions::parse(uri).await?;
    options.server_selection_timeout = Some(Duration::from_secs(5));
    options.connect_timeout = Some(Duration::from_secs(5));
    options.app_name = Some("health-sphere".into());
    let client = Client::with_options(options)?;
    let store = Store { db: client.database(database), client };
    indexes::ensure(&store).await?;
    Ok(store)
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
}
