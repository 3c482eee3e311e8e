//! The service under test: the real daemon binary spawned on a configuration in a temporary
//! directory, or a service already running; and its memory, read from `/proc`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// How long the daemon may take to stop after SIGTERM before it is killed.
const STOP_DEADLINE: Duration = Duration::from_secs(10);

/// The configuration: the original's format, everything in the temporary directory. The
/// listener timeout is generous so that 64 clients on 2 cores never time out a request.
const CONFIG: &str = r#"
[core_settings]
allow_root = true
{core_settings}

[listener]
listener_type = "DomainSocket"
timeout = 10000
socket_path = "{dir}/parsec.sock"

[authenticator]
auth_type = "UnixPeerCredentials"

[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{dir}/{store}"

{first_provider}
[[provider]]
provider_type = "MbedCrypto"
key_info_manager = "sqlite-manager"
master_key_path = "{dir}/{master_key}"
"#;

/// The key store's file name in the daemon's directory.
pub(crate) const STORE: &str = "keys.sqlite3";
/// The master key's file name in the daemon's directory.
pub(crate) const MASTER_KEY: &str = "psc-master.key";

/// A spawned daemon; killed on drop unless stopped.
#[derive(Debug)]
pub(crate) struct Daemon {
    child: Child,
    socket: PathBuf,
    started_in: Duration,
    // Kept open: the daemon's stdout stays a valid pipe for its whole life.
    _stdout: BufReader<ChildStdout>,
    // Last: the directory outlives the daemon using it.
    dir: tempfile::TempDir,
}

impl Daemon {
    /// Starts `binary` on a fresh configuration, key store and master key in a temporary
    /// directory (inside `work_dir` if given), and returns once it prints its endpoint.
    /// `settings` are lines added to its `[core_settings]` (`idle_poll_us = 1000`);
    /// `first_provider`, a `[[provider]]` table listed before the software provider (so the
    /// clients' default: `--provider pkcs11`).
    ///
    /// # Errors
    /// When it cannot be started or exits before printing its endpoint (its log is quoted).
    pub(crate) fn spawn(
        binary: &Path,
        work_dir: Option<&Path>,
        settings: &[String],
        first_provider: Option<&str>,
    ) -> anyhow::Result<Daemon> {
        Daemon::spawn_in(binary, temporary_dir(work_dir)?, settings, first_provider)
    }

    /// Starts `binary` in `dir`, on the key store and master key already there if any
    /// ([`STORE`], [`MASTER_KEY`]); the directory is removed with the daemon.
    ///
    /// # Errors
    /// As for [`Daemon::spawn`].
    pub(crate) fn spawn_in(
        binary: &Path,
        dir: tempfile::TempDir,
        settings: &[String],
        first_provider: Option<&str>,
    ) -> anyhow::Result<Daemon> {
        let config = dir.path().join("config.toml");
        let text = CONFIG
            .replace("{core_settings}", &settings.join("\n"))
            .replace("{first_provider}", first_provider.unwrap_or_default())
            .replace("{dir}", &dir.path().display().to_string())
            .replace("{store}", STORE)
            .replace("{master_key}", MASTER_KEY);
        std::fs::write(&config, text).context("writing the daemon's configuration")?;
        let log = File::create(dir.path().join("daemon.log")).context("the daemon's log")?;
        let started = Instant::now();
        let mut child = Command::new(binary)
            .arg("--config")
            .arg(&config)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot run the daemon {}", binary.display()))?;
        let mut stdout = BufReader::new(child.stdout.take().context("the daemon's stdout")?);
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        let started_in = started.elapsed();
        let Some(socket) = line.trim().strip_prefix("PARSEC_SERVICE_ENDPOINT=unix:") else {
            let _ = child.kill();
            let _ = child.wait();
            let log = std::fs::read_to_string(dir.path().join("daemon.log")).unwrap_or_default();
            bail!("the daemon {} did not start:\n{log}", binary.display());
        };
        Ok(Daemon {
            socket: PathBuf::from(socket),
            started_in,
            child,
            _stdout: stdout,
            dir,
        })
    }

    /// The daemon's socket.
    pub(crate) fn socket(&self) -> &Path {
        &self.socket
    }

    /// From spawning the process to its endpoint line, which it prints once its key stores
    /// are open and indexed and it is ready to serve.
    pub(crate) fn started_in(&self) -> Duration {
        self.started_in
    }

    /// The daemon's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the daemon with SIGTERM (in-flight requests finish), killing it if it has not
    /// exited after [`STOP_DEADLINE`].
    ///
    /// # Errors
    /// When it exits unsuccessfully or had to be killed (its log is quoted).
    pub(crate) fn stop(mut self) -> anyhow::Result<()> {
        let pid = i32::try_from(self.pid())
            .ok()
            .and_then(rustix::process::Pid::from_raw)
            .context("the daemon's pid")?;
        rustix::process::kill_process(pid, rustix::process::Signal::TERM)
            .context("sending SIGTERM to the daemon")?;
        let deadline = Instant::now() + STOP_DEADLINE;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                if status.success() {
                    return Ok(());
                }
                bail!("the daemon exited with {status}:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        bail!(
            "the daemon did not stop within 10 s of SIGTERM:\n{}",
            self.log()
        )
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("daemon.log")).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A fresh temporary directory, inside `work_dir` if given.
///
/// # Errors
/// When it cannot be created.
pub(crate) fn temporary_dir(work_dir: Option<&Path>) -> anyhow::Result<tempfile::TempDir> {
    match work_dir {
        Some(parent) => tempfile::tempdir_in(parent),
        None => tempfile::tempdir(),
    }
    .context("creating the daemon's temporary directory")
}

/// The socket path of an endpoint URI `unix:PATH`.
///
/// # Errors
/// For any other scheme.
pub(crate) fn socket_of(endpoint: &str) -> anyhow::Result<PathBuf> {
    match endpoint.strip_prefix("unix:") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => bail!("endpoint {endpoint:?}: expected unix:PATH"),
    }
}

/// The process id of the service listening on `socket` (SO_PEERCRED of a connection).
pub(crate) fn peer_pid(socket: &Path) -> Option<u32> {
    let stream = UnixStream::connect(socket).ok()?;
    let credentials = rustix::net::sockopt::socket_peercred(&stream).ok()?;
    u32::try_from(credentials.pid.as_raw_nonzero().get()).ok()
}

/// A memory figure of process `pid` in KiB, from `/proc/<pid>/status`: `VmRSS` (resident
/// now), `VmHWM` (the peak resident size so far) or `RssAnon` (the anonymous part of VmRSS:
/// heap, stacks, written data; what the kernel cannot drop and read back from a file).
pub(crate) fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    proc_kib(pid, "status", field)
}

/// A figure summed over every mapping of process `pid` in KiB, from
/// `/proc/<pid>/smaps_rollup`: `Pss` (resident pages, each shared one divided by the number
/// of processes mapping it: this process's share of the machine's memory).
pub(crate) fn rollup_kib(pid: u32, field: &str) -> Option<u64> {
    proc_kib(pid, "smaps_rollup", field)
}

/// The `field:   N kB` line of `/proc/<pid>/<file>`.
fn proc_kib(pid: u32, file: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse().ok())
}
