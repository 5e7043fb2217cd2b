//! The `api` command line: `serve` (default), `create-admin`, `ingest`, `train`, `first-model`.

mod create_admin;
mod first_model;
mod ingest;
mod train;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "api", about = "Health Sphere API server and admin commands")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Create the first administrator (idempotent).
    CreateAdmin {
        #[arg(long, env = "ADMIN_EMAIL")]
        email: String,
        #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Ingest a raw appointments CSV into the history.
    Ingest { csv: PathBuf },
    /// On a fresh install with no active model: ingest the CSV and train on it.
    FirstModel {
        #[arg(default_value = "data/noshow-sample.csv")]
        csv: PathBuf,
    },
    /// Train a model on the history now (without the worker).
    Train {
        #[arg(long)]
        force: bool,
    },
}

pub use create_admin::create_admin;
pub use first_model::first_model;
pub use ingest::ingest;
pub use train::train;
