//! `worker`: consumes background jobs until SIGTERM or Ctrl-C.

use std::process::ExitCode;

/// mimalloc returns freed memory to the system (see the API's `main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Resolves on SIGTERM (Render, Docker) or Ctrl-C.
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match settings::load() {
        Ok(s) if s.smtp.url.is_none() => {
            eprintln!("configuration error: SMTP_URL is required but not set");
            return ExitCode::from(2);
        }
        Ok(s) => s,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    settings::telemetry::init(settings.log_format);
    if let Some(port) = settings.worker_metrics_port {
        let host: std::net::IpAddr = match settings.http.host.parse() {
            Ok(ip) => ip,
            Err(_) => {
                eprintln!("configuration error: HOST is invalid: the worker's metrics need an IP address to bind");
                return ExitCode::from(2);
            }
        };
        let listener = metrics_exporter_prometheus::PrometheusBuilder::new().with_http_listener((host, port)).install();
        if let Err(err) = listener {
            eprintln!("error: cannot serve worker metrics on port {port}: {err}");
            return ExitCode::FAILURE;
        }
    }
    match worker::run(settings, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
