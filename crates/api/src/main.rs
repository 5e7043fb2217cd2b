//! `api`: serves the HTTP API, or runs one admin command.

use api::cli::{self, Cli, Command};
use api::startup::Application;
use clap::Parser;
use secrecy::ExposeSecret;
use std::process::ExitCode;

/// mimalloc returns freed memory to the system (glibc's malloc kept the
/// argon2 buffers of every thread that ever hashed a password; see
/// `scripts/bench-memory.sh` and the README).
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match settings::load() {
        Ok(s) => s,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    settings::telemetry::init(settings.log_format);
    match run(cli.command.unwrap_or(Command::Serve), settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: settings::Settings) -> anyhow::Result<()> {
    if let Command::Serve = command {
        let app = Application::build(settings).await?;
        tracing::info!(port = app.port(), "api listening");
        app.run_until_stopped().await?;
        tracing::info!("api stopped");
        return Ok(());
    }
    // Commands are run by hand: they wait longer for the database than requests do.
    let timeouts = storage::Timeouts { server_selection: std::time::Duration::from_secs(10), connect: settings.mongo.connect_timeout };
    let store = storage::connect(settings.mongo.uri.expose_secret(), &settings.mongo.database, timeouts).await?;
    match command {
        Command::Serve => unreachable!("handled above"),
        Command::CreateAdmin { email, password, name } => println!("{}", cli::create_admin(&store, &email, &password, &name).await?),
        Command::Ingest { csv } => println!("{}", serde_json::to_string_pretty(&cli::ingest(&store, &csv).await?)?),
        Command::FirstModel { csv } => println!("{}", cli::first_model(&store, &csv, &settings.artifacts_dir).await?),
        Command::Train { force } => println!("{}", serde_json::to_string_pretty(&cli::train(&store, &settings.artifacts_dir, force).await?)?),
    }
    Ok(())
}
