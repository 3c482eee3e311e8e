//! `parsec`: the daemon. Reads the configuration, refuses to run as root unless allowed, binds
//! the socket and serves until SIGTERM or SIGINT, letting in-flight requests finish.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Parser;
use psc_service::{Config, Service};
use tokio::net::UnixListener;
use tokio::signal::unix::{SignalKind, signal};

/// A Parsec security service: opaque-key cryptography for every application on this host.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Configuration file (the original Parsec's `config.toml` format). Without it, the
    /// defaults apply: socket /run/parsec/parsec.sock, Unix peer credentials.
    #[arg(short, long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Allow running as root (same as `core_settings.allow_root = true`).
    #[arg(long)]
    allow_root: bool,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match start(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

fn start(args: Args) -> anyhow::Result<()> {
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    config.allow_root |= args.allow_root;
    if rustix::process::geteuid().is_root() && !config.allow_root {
        bail!(
            "refusing to run as root: run as an unprivileged user, or allow it with \
             `--allow-root` or `core_settings.allow_root = true`"
        );
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if config.threads > 0 {
        runtime.worker_threads(config.threads);
    }
    runtime
        .enable_all()
        .build()
        .context("cannot start the runtime")?
        .block_on(serve(config))
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let path = config.socket_path.clone();
    let listener = bind(&path)?;
    tracing::info!(socket = %path.display(), "listening");
    // The endpoint on stdout, for people and scripts: `eval "$(parsec | head -1)"` style.
    println!("PARSEC_SERVICE_ENDPOINT=unix:{}", path.display());
    let service = Arc::new(Service::new(config));
    let shutdown = shutdown_signal()?;
    psc_service::run(listener, service, shutdown).await?;
    let _ = std::fs::remove_file(&path);
    tracing::info!("stopped");
    Ok(())
}

/// Binds the socket, replacing a stale socket file but never another kind of file, and opens
/// it to every local user: access control is the authenticators' job (and the directory's).
fn bind(path: &Path) -> anyhow::Result<UnixListener> {
    if let Some(dir) = path.parent().filter(|d| !d.exists()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => std::fs::remove_file(path)
            .with_context(|| format!("cannot remove the stale socket {}", path.display()))?,
        Ok(_) => bail!(
            "{} exists and is not a socket; refusing to replace it",
            path.display()
        ),
        Err(_) => {}
    }
    let listener =
        UnixListener::bind(path).with_context(|| format!("cannot bind {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))?;
    Ok(listener)
}

/// Completes on the first SIGTERM or SIGINT.
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM received"),
            _ = int.recv() => tracing::info!("SIGINT received"),
        }
    })
}
