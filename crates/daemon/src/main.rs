//! `parsec`: the daemon. Reads the configuration, refuses to run as root unless allowed, takes
//! its socket from systemd or binds it, and serves until SIGTERM or SIGINT, letting in-flight
//! requests finish. SIGHUP reloads the configuration; a bad one leaves the old one serving.

mod socket;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Parser;
use psc_daemon::Factory;
use psc_daemon::log_sink::LogSink;
use psc_service::{Config, Service};
use sd_notify::NotifyState;
use socket::BoundSocket;
use tokio::net::UnixListener;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

/// A Parsec security service: opaque-key cryptography for every application on this host.
#[derive(Clone, Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Configuration file (the original Parsec's `config.toml` format). Without it, the
    /// defaults apply: socket /run/parsec/parsec.sock, Unix peer credentials, the software
    /// provider with its keys under /var/lib/parsec/psc.
    #[arg(short, long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Allow running as root (same as `core_settings.allow_root = true`).
    #[arg(long)]
    allow_root: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = load(&args);
    // RUST_LOG wins; then `core_settings.log_level`; then info.
    let level = config.as_ref().ok().and_then(|c| c.log_level.clone());
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new(level.as_deref().unwrap_or("info"))
            }),
        )
        .with_writer(LogSink::stderr(ansi))
        .with_ansi(ansi)
        // A failed write is the sink's to count; the formatter would report it with
        // `eprintln!`, which panics when stderr is broken.
        .log_internal_errors(false)
        .init();
    match config.and_then(|config| start(args, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

fn load(args: &Args) -> anyhow::Result<Config> {
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    config.allow_root |= args.allow_root;
    Ok(config)
}

fn start(args: Args, config: Config) -> anyhow::Result<()> {
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
        .block_on(serve(args, config))
}

async fn serve(args: Args, config: Config) -> anyhow::Result<()> {
    // The service first: its start-up checks (permissions of the key stores and of the
    // socket's directory) run before the socket is bound.
    let service = Service::start(config, &Factory, None)?;
    let (listener, bound) = listener(&service.config().socket_path)?;
    let (services, current) = watch::channel(Arc::new(service));
    let shutdown = shutdown_signal()?;
    tokio::spawn(reload_on_sighup(args, services)?);
    if let Some(socket) = &bound {
        let path = socket.path();
        tracing::info!(socket = %path.display(), "listening");
        // The endpoint on stdout, for people and scripts; a closed stdout is no reason to
        // stop (`println!` would panic).
        let _ = writeln!(
            std::io::stdout(),
            "PARSEC_SERVICE_ENDPOINT=unix:{}",
            path.display()
        );
    }
    notify(&[NotifyState::Ready]);
    psc_service::run(listener, current, shutdown).await?;
    notify(&[NotifyState::Stopping]);
    if let Some(socket) = bound {
        socket.remove();
    }
    tracing::info!("stopped");
    Ok(())
}

/// The listening socket: the one systemd passes (socket activation), else our own, bound at
/// `path` (returned, so it is removed at exit if it is still ours).
fn listener(path: &Path) -> anyhow::Result<(UnixListener, Option<BoundSocket>)> {
    let mut fds = listenfd::ListenFd::from_env();
    if fds.len() > 1 {
        bail!(
            "systemd passed {} sockets; exactly one is supported",
            fds.len()
        );
    }
    if let Some(listener) = fds
        .take_unix_listener(0)
        .context("the socket from systemd")?
    {
        listener.set_nonblocking(true)?;
        tracing::info!("listening on the socket passed by systemd");
        return Ok((UnixListener::from_std(listener)?, None));
    }
    let (listener, bound) = socket::bind(path)?;
    Ok((listener, Some(bound)))
}

/// Reloads the configuration on every SIGHUP. A configuration that fails to load or start is
/// logged and the running one keeps serving (the original exits instead).
fn reload_on_sighup(
    args: Args,
    services: watch::Sender<Arc<Service>>,
) -> anyhow::Result<impl Future<Output = ()>> {
    let mut hup = signal(SignalKind::hangup())?;
    Ok(async move {
        while hup.recv().await.is_some() {
            notify(&[NotifyState::Reloading]);
            let current = Arc::clone(&services.borrow());
            // Reading the file, opening providers and key stores and an authenticator's first
            // refresh are slow work: on the blocking pool, never on an async worker.
            let args = args.clone();
            let started = tokio::task::spawn_blocking(move || {
                load(&args).and_then(|config| {
                    warn_restart_only(current.config(), &config);
                    Ok(Service::start(config, &Factory, Some(&current))?)
                })
            })
            .await
            .unwrap_or_else(|join| Err(anyhow::anyhow!("the reload task failed: {join}")));
            match started {
                Ok(next) => {
                    services.send_replace(Arc::new(next));
                    tracing::info!("configuration reloaded");
                }
                Err(error) => tracing::error!(
                    "reload refused, the previous configuration keeps serving: {error:#}"
                ),
            }
            notify(&[NotifyState::Ready]);
        }
    })
}

/// Options that only take effect at the next start.
fn warn_restart_only(old: &Config, new: &Config) {
    if old.socket_path != new.socket_path
        || old.limits.max_connections != new.limits.max_connections
        || old.threads != new.threads
        || old.idle_poll != new.idle_poll
    {
        tracing::warn!(
            "socket_path, max_connections, thread_pool_size and idle_poll_us change at the \
             next restart"
        );
    }
}

/// Tells systemd (if it started us with Type=notify) about a state change.
fn notify(state: &[NotifyState<'_>]) {
    if let Err(error) = sd_notify::notify(state) {
        tracing::debug!(%error, "sd_notify");
    }
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
