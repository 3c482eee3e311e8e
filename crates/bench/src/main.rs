//! `psc-bench`: the benchmark harness of issue 6. It measures the real daemon, spawned from
//! its binary or already running, through the published client and through persistent
//! connections, and the same crypto in process with no service; `docs/BENCHMARKS.md` holds
//! the figures and the command that reproduces them.
//!
//! | file | concern |
//! |---|---|
//! | `case.rs` | the cases, the modes, the fixed inputs |
//! | `modes/` | one [`modes::Driver`] per mode, and the keys they share |
//! | `modes/persistent.rs` | the persistent mode through our client `psc-client`, and the connections `--connections` holds |
//! | `runner.rs` | threads, warm-up, measured window |
//! | `histogram.rs` | latency percentiles |
//! | `daemon.rs` | spawning the daemon, reading its memory |
//! | `report.rs` | CSV and Markdown |
//! | `scale.rs` | `--scale`: a store of 100,000 keys against an empty one |
//! | `softhsm.rs` (the test kit's) | `--provider pkcs11`: the SoftHSM2 token |

mod case;
mod daemon;
mod histogram;
mod modes;
mod report;
mod runner;
mod scale;
// The test kit's SoftHSM2 fixture, included by path as the daemon's tests do. It panics,
// naming the package to install, when SoftHSM2 is missing or the token cannot be made:
// `--provider pkcs11` cannot run then.
#[allow(dead_code, unreachable_pub, clippy::expect_used, clippy::panic)]
#[path = "../../testkit/src/softhsm.rs"]
mod softhsm;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;

use case::{Case, KeyNames, Mode};
use daemon::Daemon;
use modes::{Driver, Fixture, InProcess, InProcessPkcs11, Persistent, Published};
use report::Memory;
use runner::{Cell, Outcome, Timing};

/// Benchmark of the Parsec service: ops/s, p50 and p99 latency and errors per case, client
/// mode and thread count, plus the daemon's memory.
///
/// Cases: ping; ECDSA P-256 sign (SHA-256 hash); RSA-2048 PKCS#1 v1.5 sign; ECDSA P-256
/// verify; AES-128-GCM encrypt of 1 KiB; 32 random bytes; P-256 generate+destroy (stored
/// durably by the service). A case the provider answers PsaErrorNotSupported is reported as
/// "n/a"; ping has no in-process equivalent ("—").
///
/// Modes: `published`, the published parsec-client 0.16 crate, a new connection per request as
/// every existing Parsec application does; `persistent`, our client psc-client (one per thread,
/// Unix peer credentials) with its persistent connections on, so each thread's requests reuse
/// one connection; `in-process`, the software provider called directly with no service, the
/// limit the service can approach.
///
/// By default the daemon binary `parsec` next to this executable is spawned (build both with
/// `cargo build --release -p psc-daemon -p psc-bench`) on a configuration in a temporary
/// directory: Unix peer credentials, SQLite key store and master key in that directory.
/// Its RSS is read from /proc: at start (idle: VmRSS, RssAnon and PSS), its peak (VmHWM)
/// after the cells, and while `--connections` connections are held open.
///
/// Output: a Markdown table on stdout (progress on stderr), and with --csv one row per cell:
/// mode, case, threads, status (ok, not-supported, no-service), ops, seconds, ops_per_s,
/// p50_us, p99_us, errors, then rows of mode `daemon` with rss_kib (and, idle, rss_anon_kib
/// and pss_kib).
///
/// With --scale, instead of the cells: the daemon on a store of 100,000 keys over 1,000
/// applications against one holding only the benchmark application's 10 keys (start-up
/// time, RSS, ECDSA sign and ListKeys latency at 1 thread in both daemon modes).
#[derive(Debug, Parser)]
#[command(version, about, long_about)]
struct Args {
    /// The daemon binary to spawn [default: `parsec` next to this executable].
    #[arg(long, value_name = "PATH", conflicts_with = "endpoint")]
    daemon: Option<PathBuf>,
    /// Measure a service already running instead of spawning one (its memory is read if
    /// /proc allows). Keys are created under the name prefix psc-bench-PID- and destroyed
    /// at the end.
    #[arg(long, value_name = "unix:PATH")]
    endpoint: Option<String>,
    /// Client thread counts, one cell each.
    #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
    threads: Vec<usize>,
    /// Seconds measured per cell [default: 3; 0.2 with --quick].
    #[arg(long, value_name = "SECONDS")]
    seconds: Option<f64>,
    /// Seconds of warm-up before each cell, not counted [default: 0.5; 0.05 with --quick].
    #[arg(long, value_name = "SECONDS")]
    warm_up: Option<f64>,
    /// The cases to run.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Case::ALL.to_vec())]
    cases: Vec<Case>,
    /// The client modes to run.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Mode::ALL.to_vec())]
    modes: Vec<Mode>,
    /// After the cells, hold this many connections open and report the daemon's RSS; 0
    /// skips it [default: 1000; 50 with --quick].
    #[arg(long, value_name = "COUNT")]
    connections: Option<usize>,
    /// Also write the results as CSV to this file.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Where the spawned daemon's temporary directory (socket, key store, master key) is
    /// created [default: the system's temporary directory]. Durable generate+destroy
    /// measures the fsync of this file system.
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,
    /// A line added to the spawned daemon's `[core_settings]`, e.g. `idle_poll_us=1000` to
    /// turn its idle polling on (repeatable).
    #[arg(long, value_name = "NAME=VALUE", conflicts_with = "endpoint")]
    core_setting: Vec<String>,
    /// How long psc-client busy-polls for an answer in the persistent mode (of the cells
    /// and of --scale), in microseconds; 0 never [default: the client's, 0].
    #[arg(long, value_name = "MICROSECONDS")]
    busy_poll_us: Option<u64>,
    /// The in-process mode's provider keeps this many parsed keys (its `key_cache_size`; 0:
    /// each op unseals and parses its key) [default: the provider's, 256].
    #[arg(long, value_name = "COUNT")]
    key_cache_size: Option<usize>,
    /// Run every case briefly (the defaults of --seconds, --warm-up and --connections become
    /// 0.2, 0.05 and 50; with --scale, of --scale-keys and --scale-apps 2,000 and 20): a smoke
    /// run, not a measurement.
    #[arg(long)]
    quick: bool,
    /// Whose keys are measured: `software`, the software provider; `pkcs11`, the PKCS#11
    /// provider on a SoftHSM2 token made for the run in a temporary directory (the spawned
    /// daemon lists it first, so it is the clients' default; the in-process mode calls
    /// SoftHSM2 directly through cryptoki, the device's limit).
    #[arg(long, value_enum, default_value_t = ProviderChoice::Software, conflicts_with_all = ["endpoint", "scale"])]
    provider: ProviderChoice,
    /// Instead of the cells, compare the spawned daemon on a full key store with an empty
    /// one (issue 6 §3). Needs a spawned daemon, not --endpoint.
    #[arg(long, conflicts_with = "endpoint")]
    scale: bool,
    /// Keys in the full store of --scale [default: 100000].
    #[arg(long, value_name = "COUNT", requires = "scale")]
    scale_keys: Option<usize>,
    /// Applications owning them [default: 1000].
    #[arg(long, value_name = "COUNT", requires = "scale")]
    scale_apps: Option<usize>,
}

/// The provider `--provider` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ProviderChoice {
    Software,
    Pkcs11,
}

/// Set in the re-run of `--provider pkcs11`: the token's serial number.
const SOFTHSM_SERIAL_VAR: &str = "PSC_BENCH_SOFTHSM_SERIAL";

/// What to run, validated.
#[derive(Debug)]
struct Plan {
    threads: Vec<usize>,
    cases: Vec<Case>,
    modes: Vec<Mode>,
    timing: Timing,
    connections: usize,
    busy_poll: Duration,
}

impl Plan {
    fn new(args: &Args) -> anyhow::Result<Plan> {
        let seconds = |value: Option<f64>, default: f64, quick: f64, what: &str| {
            let value = value.unwrap_or(if args.quick { quick } else { default });
            Duration::try_from_secs_f64(value).with_context(|| format!("--{what} {value}"))
        };
        if args.threads.contains(&0) {
            bail!("--threads: every count must be at least 1");
        }
        let mut modes = args.modes.clone();
        modes.sort();
        modes.dedup();
        let mut cases = args.cases.clone();
        cases.sort();
        cases.dedup();
        Ok(Plan {
            threads: args.threads.clone(),
            cases,
            modes,
            timing: Timing {
                warm_up: seconds(args.warm_up, 0.5, 0.05, "warm-up")?,
                window: seconds(args.seconds, 3.0, 0.2, "seconds")?,
            },
            connections: args
                .connections
                .unwrap_or(if args.quick { 50 } else { 1000 }),
            busy_poll: args
                .busy_poll_us
                .map_or(psc_client::Client::DEFAULT_BUSY_POLL, Duration::from_micros),
        })
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.provider == ProviderChoice::Pkcs11 && std::env::var_os(SOFTHSM_SERIAL_VAR).is_none() {
        return run_on_a_token();
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("psc-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let plan = Plan::new(args)?;
    if args.scale {
        return run_scale(args, &plan);
    }
    raise_open_files_limit(plan.connections);
    let mut cells = Vec::new();
    let mut memory = Memory::default();
    if plan.modes.iter().any(|m| m.uses_daemon()) {
        cells.extend(run_daemon_modes(args, &plan, &mut memory)?);
    }
    if plan.modes.contains(&Mode::InProcess)
        && let Some(serial) = token_serial()
    {
        let driver = InProcessPkcs11::open(softhsm::SOFTHSM2_LIBRARY, &serial, softhsm::USER_PIN)?;
        cells.extend(run_mode(&driver, &plan));
        driver.remove();
    } else if plan.modes.contains(&Mode::InProcess) {
        let driver = InProcess::open(
            args.key_cache_size
                .unwrap_or(psc_provider_software::DEFAULT_KEY_CACHE_SIZE),
        )?;
        cells.extend(run_mode(&driver, &plan));
    }
    print!("{}", report::markdown(&cells, &memory, &plan.modes));
    if let Some(path) = &args.csv {
        std::fs::write(path, report::csv(&cells, &memory))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// `--provider pkcs11`: makes a SoftHSM2 token in a temporary directory and runs this
/// program again with `SOFTHSM2_CONF` naming it (the library reads the variable when it is
/// initialised, here and in the daemon the run spawns), then removes the token.
fn run_on_a_token() -> ExitCode {
    let hsm = softhsm::SoftHsm::new("psc-bench");
    let status = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env("SOFTHSM2_CONF", hsm.conf())
            .env(SOFTHSM_SERIAL_VAR, hsm.serial())
            .status()
    });
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("psc-bench: cannot run again on the token: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The token's serial number in the re-run of `--provider pkcs11`.
fn token_serial() -> Option<String> {
    std::env::var(SOFTHSM_SERIAL_VAR).ok()
}

/// `--scale`: the two stores, reported as a table and CSV rows.
fn run_scale(args: &Args, plan: &Plan) -> anyhow::Result<()> {
    let size = scale::Size {
        keys: args
            .scale_keys
            .unwrap_or(if args.quick { 2_000 } else { 100_000 }),
        apps: args
            .scale_apps
            .unwrap_or(if args.quick { 20 } else { 1_000 }),
    };
    let binary = daemon_binary(args)?;
    let runs = scale::run(
        &binary,
        args.work_dir.as_deref(),
        &args.core_setting,
        size,
        plan.timing,
        plan.busy_poll,
    )?;
    print!("{}", scale::markdown(&runs));
    if let Some(path) = &args.csv {
        let mut out = report::csv(&[], &Memory::default());
        scale::csv(&mut out, &runs);
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The published and persistent cells, against a spawned daemon or `--endpoint`, with the
/// daemon's memory. The benchmark's keys are destroyed even when a mode fails.
fn run_daemon_modes(args: &Args, plan: &Plan, memory: &mut Memory) -> anyhow::Result<Vec<Cell>> {
    let (daemon, socket) = match &args.endpoint {
        Some(endpoint) => (None, daemon::socket_of(endpoint)?),
        None => {
            let table = token_serial()
                .map(|serial| softhsm::provider_table(&serial, Some("sqlite-manager")));
            let daemon = Daemon::spawn(
                &daemon_binary(args)?,
                args.work_dir.as_deref(),
                &args.core_setting,
                table.as_deref(),
            )?;
            let socket = daemon.socket().to_owned();
            (Some(daemon), socket)
        }
    };
    let pid = daemon
        .as_ref()
        .map(Daemon::pid)
        .or_else(|| daemon::peer_pid(&socket));
    let rss = |field| pid.and_then(|pid| daemon::memory_kib(pid, field));
    memory.idle_kib = rss("VmRSS");
    memory.idle_anon_kib = rss("RssAnon");
    memory.idle_pss_kib = pid.and_then(|pid| daemon::rollup_kib(pid, "Pss"));
    let fixture = Fixture::create(&socket, KeyNames::for_this_process(), &plan.cases)?;
    let measured = daemon_cells(&fixture, plan).and_then(|cells| {
        memory.peak_kib = rss("VmHWM");
        if plan.connections > 0 {
            let held = modes::hold_connections(&socket, plan.connections)?;
            memory.connections = rss("VmRSS").map(|kib| (held.len(), kib));
        }
        Ok(cells)
    });
    fixture.remove();
    if let Some(daemon) = daemon {
        daemon.stop()?;
    }
    measured
}

/// The cells of the daemon modes planned.
fn daemon_cells(fixture: &Fixture, plan: &Plan) -> anyhow::Result<Vec<Cell>> {
    let mut cells = Vec::new();
    if plan.modes.contains(&Mode::Published) {
        cells.extend(run_mode(&Published::new(fixture), plan));
    }
    if plan.modes.contains(&Mode::Persistent) {
        cells.extend(run_mode(&Persistent::new(fixture, plan.busy_poll)?, plan));
    }
    Ok(cells)
}

/// Every planned case of one mode, reporting progress on stderr.
fn run_mode(driver: &dyn Driver, plan: &Plan) -> Vec<Cell> {
    let mut cells = Vec::new();
    for &case in &plan.cases {
        for cell in runner::run_case(driver, case, &plan.threads, plan.timing) {
            progress(&cell);
            cells.push(cell);
        }
    }
    cells
}

fn progress(cell: &Cell) {
    let what = format!("{} {} ×{}", cell.mode, cell.case, cell.threads);
    match &cell.outcome {
        Outcome::Measured(m) => {
            eprintln!(
                "{what}: {:.0} ops/s, {} errors",
                m.ops_per_second(),
                m.errors
            );
            if let Some(error) = &m.first_error {
                eprintln!("  first error: {error}");
            }
        }
        Outcome::NotSupported => eprintln!("{what}: not supported"),
        Outcome::Meaningless => eprintln!("{what}: no equivalent in this mode"),
    }
}

/// `--daemon`, or `parsec` next to this executable.
fn daemon_binary(args: &Args) -> anyhow::Result<PathBuf> {
    if let Some(path) = &args.daemon {
        return Ok(path.clone());
    }
    let exe = std::env::current_exe().context("locating this executable")?;
    let beside = exe.parent().unwrap_or(Path::new(".")).join("parsec");
    if !beside.exists() {
        bail!(
            "no daemon binary at {}: build it (`cargo build --release -p psc-daemon`), or pass \
             --daemon PATH or --endpoint unix:PATH",
            beside.display()
        );
    }
    Ok(beside)
}

/// Lets this process (and the daemon it spawns, which inherits the limit) open the held
/// connections and the clients' sockets: raises the soft limit on open files up to the hard
/// one if it is too low.
fn raise_open_files_limit(connections: usize) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let wanted = connections as u64 + 256;
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|current| current < wanted) {
        limit.current = Some(limit.maximum.map_or(wanted, |max| max.min(wanted)));
        if let Err(error) = setrlimit(Resource::Nofile, limit) {
            eprintln!("psc-bench: cannot raise the open files limit: {error}");
        }
    }
}
