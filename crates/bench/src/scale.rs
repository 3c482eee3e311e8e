//! `--scale`, the scale case of issue 6 §3: the daemon on a store holding only the
//! benchmark application's 10 keys, then on one where 999 other applications hold the rest
//! of 100,000 keys. Reported for each: the daemon's start-up time and RSS, and the latency of
//! ECDSA sign and of ListKeys (of the 10-key application) in both client modes; the figures
//! that matter are the ratios full / empty of one run. Both daemons run at once and are
//! measured in alternating slices, so that a drift in the machine's load affects both alike.
//!
//! The stores are filled before the daemon starts, through the service's own key store
//! (`KeyStore::insert_ready`, one transaction) with keys the software provider generates on
//! the daemon's master key and binds to the identity each is stored under: real keys the
//! daemon serves. The benchmark application signs with one of them before the cells.

use std::fmt::Write as _;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;
use psc_provider_api::{Binding, Provider};
use psc_provider_software::SoftwareProvider;
use psc_service::auth::Application;
use psc_service::keystore::{self, KeyRecord, KeyStore};
use psc_wire::{AuthType, ProviderId};

use crate::case::{Case, HASH, KeyNames, Mode};
use crate::daemon::{self, Daemon};
use crate::modes::{Driver, Fixture, Persistent, Published, ecdsa_key, published_ecdsa};
use crate::report::{latency, thousands};
use crate::runner::{self, Cell, Outcome, Timing};

/// The keys of the benchmark's application: these, plus the fixture's ECDSA, RSA and AES
/// keys, make 10.
const OWN_KEYS: usize = 7;
/// The first uid given to the other applications (Unix peer credentials name an
/// application by its uid).
const OTHER_UIDS: u32 = 3_000_000;

/// The size of the full store.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Size {
    /// Keys in the store, the benchmark application's 10 included.
    pub(crate) keys: usize,
    /// Applications owning them, the benchmark's included.
    pub(crate) apps: usize,
}

/// One store's results.
#[derive(Debug)]
pub(crate) struct StoreRun {
    /// `empty` or `full`.
    label: &'static str,
    keys: usize,
    apps: usize,
    populated_in: Duration,
    started_in: Duration,
    rss_kib: Option<u64>,
    listed: usize,
    cells: Vec<Cell>,
}

/// Slices each store's cells are cut into, alternating between the stores, so that both
/// see the same moments of a machine whose load drifts (other builds, vCPU wake-ups).
const ROUNDS: u32 = 10;

/// A store filled and its daemon started.
struct Prepared {
    label: &'static str,
    size: Size,
    populated_in: Duration,
    /// VmRSS right after start.
    rss_kib: Option<u64>,
    daemon: Daemon,
}

/// Fills the empty and the full store, starts a daemon `binary` on each (both run at once),
/// and measures them in alternating slices, the persistent clients busy-polling for
/// `busy_poll`.
///
/// # Errors
/// When a store cannot be filled, a daemon fails, or a stored key cannot be used.
pub(crate) fn run(
    binary: &Path,
    work_dir: Option<&Path>,
    settings: &[String],
    size: Size,
    timing: Timing,
    busy_poll: Duration,
) -> anyhow::Result<Vec<StoreRun>> {
    let fixture_keys = 10 - OWN_KEYS;
    let full = Size {
        keys: size.keys.max(10) - fixture_keys,
        apps: size.apps.max(2),
    };
    let empty = Size {
        keys: OWN_KEYS,
        apps: 1,
    };
    let mut stores = Vec::new();
    for (label, size) in [("empty", empty), ("full", full)] {
        stores.push(prepare(binary, work_dir, settings, label, size)?);
    }
    let mut fixtures = Vec::new();
    for store in &stores {
        fixtures.push(Fixture::create(
            store.daemon.socket(),
            KeyNames::for_this_process(),
            &Case::ALL,
        )?);
    }
    let measured = measure(&fixtures, timing, busy_poll);
    let created: Vec<usize> = fixtures.iter().map(Fixture::created).collect();
    fixtures.into_iter().for_each(Fixture::remove);
    let mut runs = Vec::new();
    let results = measured?;
    for ((store, (listed, cells)), created) in stores.into_iter().zip(results).zip(created) {
        let started_in = store.daemon.started_in();
        store.daemon.stop()?;
        runs.push(StoreRun {
            label: store.label,
            keys: store.size.keys + created,
            apps: store.size.apps,
            populated_in: store.populated_in,
            started_in,
            rss_kib: store.rss_kib,
            listed,
            cells,
        });
    }
    Ok(runs)
}

fn prepare(
    binary: &Path,
    work_dir: Option<&Path>,
    settings: &[String],
    label: &'static str,
    size: Size,
) -> anyhow::Result<Prepared> {
    let dir = daemon::temporary_dir(work_dir)?;
    let started = Instant::now();
    populate(dir.path(), size).with_context(|| format!("filling the {label} store"))?;
    let populated_in = started.elapsed();
    eprintln!(
        "scale: {label} store, {} keys over {} applications, filled in {:.1} s",
        size.keys,
        size.apps,
        populated_in.as_secs_f64()
    );
    let daemon = Daemon::spawn_in(binary, dir, settings, None)?;
    Ok(Prepared {
        label,
        size,
        populated_in,
        rss_kib: daemon::memory_kib(daemon.pid(), "VmRSS"),
        daemon,
    })
}

/// Per store: the keys ListKeys returns and the cells, after checking that a pre-filled key
/// signs and that ListKeys sees exactly the application's keys.
fn measure(
    fixtures: &[Fixture],
    timing: Timing,
    busy_poll: Duration,
) -> anyhow::Result<Vec<(usize, Vec<Cell>)>> {
    let mut listed = Vec::new();
    let mut drivers = Vec::new();
    for fixture in fixtures {
        listed.push(check(fixture)?);
        drivers.push((
            Published::new(fixture),
            Persistent::new(fixture, busy_poll)?,
        ));
    }
    let slice = Timing {
        warm_up: timing.warm_up / ROUNDS,
        window: timing.window / ROUNDS,
    };
    let mut cells: Vec<Vec<Cell>> = fixtures.iter().map(|_| Vec::new()).collect();
    for _ in 0..ROUNDS {
        for ((published, persistent), cells) in drivers.iter().zip(&mut cells) {
            let modes: [&dyn Driver; 2] = [published, persistent];
            for driver in modes {
                for case in [Case::EcdsaSign, Case::ListKeys] {
                    runner::run_case(driver, case, &[1], slice)
                        .into_iter()
                        .for_each(|cell| absorb(cells, cell));
                }
            }
        }
    }
    cells.iter().flatten().for_each(crate::progress);
    Ok(listed.into_iter().zip(cells).collect())
}

/// Signs with a pre-filled key and lists the application's keys; returns how many.
fn check(fixture: &Fixture) -> anyhow::Result<usize> {
    let client = crate::modes::published_client(fixture.socket())?;
    client
        .psa_sign_hash(&own_name(0), &HASH, published_ecdsa())
        .context("signing with a key of the pre-filled store")?;
    let listed = client.list_keys().context("ListKeys")?.len();
    let own = OWN_KEYS + fixture.created();
    anyhow::ensure!(
        listed == own,
        "ListKeys returned {listed} keys, not our {own}"
    );
    Ok(listed)
}

/// Adds a slice's cell to the cell of the same mode and case.
fn absorb(cells: &mut Vec<Cell>, slice: Cell) {
    let same = cells
        .iter_mut()
        .find(|c| c.mode == slice.mode && c.case == slice.case);
    match (same, slice.outcome) {
        (Some(cell), Outcome::Measured(m)) => {
            if let Outcome::Measured(total) = &mut cell.outcome {
                total.absorb(m);
            }
        }
        (Some(_), _) => {}
        (None, outcome) => cells.push(Cell { outcome, ..slice }),
    }
}

/// Fills the store and creates the master key in `dir`, as the daemon will find them:
/// [`OWN_KEYS`] keys for this process's uid, the rest spread over the other applications.
fn populate(dir: &Path, size: Size) -> anyhow::Result<()> {
    let provider =
        SoftwareProvider::open(&dir.join(daemon::MASTER_KEY)).context("creating the master key")?;
    let identities = identities(size);
    let threads = thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = identities.len().div_ceil(threads).max(1);
    let keys = thread::scope(|scope| {
        let workers: Vec<_> = identities
            .chunks(chunk)
            .map(|part| scope.spawn(|| generate(&provider, part)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a thread panicked")))
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let (store, _) = KeyStore::open(&dir.join(daemon::STORE)).context("opening the store")?;
    store
        .insert_ready(keys.into_iter().flatten().collect())
        .context("writing the keys")
}

/// Who owns which key name: this process's application first, then the others in turn.
fn identities(size: Size) -> Vec<(Application, String)> {
    let uid = rustix::process::getuid().as_raw();
    let app = |uid: u32| Application {
        auth: AuthType::UnixPeerCredentials,
        name: uid.to_string(),
    };
    let mut out: Vec<_> = (0..OWN_KEYS).map(|n| (app(uid), own_name(n))).collect();
    let others: Vec<u32> = (OTHER_UIDS..)
        .filter(|&other| other != uid)
        .take(size.apps - 1)
        .collect();
    for n in 0..size.keys.saturating_sub(OWN_KEYS) {
        if let Some(&other) = others.get(n % others.len().max(1)) {
            out.push((app(other), format!("psc-scale-{n}")));
        }
    }
    out
}

fn generate(
    provider: &SoftwareProvider,
    identities: &[(Application, String)],
) -> anyhow::Result<Vec<(Application, String, KeyRecord)>> {
    let lifecycle = provider.key_lifecycle().context("no key lifecycle")?;
    let attributes = ecdsa_key();
    identities
        .iter()
        .map(|(app, name)| {
            let owner = keystore::binding(app, name);
            let key = lifecycle.generate(&attributes, Binding(&owner))?;
            let record = KeyRecord {
                provider: ProviderId::MbedCrypto,
                attributes: key.attributes,
                blob: key.blob,
            };
            Ok((app.clone(), name.clone(), record))
        })
        .collect()
}

/// The name of this process's pre-filled key `n`.
fn own_name(n: usize) -> String {
    format!("psc-scale-own-{n}")
}

/// The CSV rows: per store, its start-up (`seconds`: spawn to ready; `rss_kib`: VmRSS then)
/// and its cells, with the store in the mode column (`published@full`).
pub(crate) fn csv(out: &mut String, runs: &[StoreRun]) {
    for run in runs {
        let rss = run.rss_kib.map(|k| k.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "scale-{},startup,0,ok,{},{:.3},,,,0,{rss},,",
            run.label,
            run.keys,
            run.started_in.as_secs_f64()
        );
        for cell in &run.cells {
            if let Outcome::Measured(m) = &cell.outcome {
                let _ = writeln!(
                    out,
                    "{}@{},{},1,ok,{},{:.3},{:.1},{:.1},{:.1},{},,,",
                    cell.mode,
                    run.label,
                    cell.case,
                    m.ops,
                    m.elapsed.as_secs_f64(),
                    m.ops_per_second(),
                    m.latencies.quantile(0.5).as_secs_f64() * 1e6,
                    m.latencies.quantile(0.99).as_secs_f64() * 1e6,
                    m.errors,
                );
            }
        }
    }
}

/// The Markdown table: one line per figure, the two stores side by side, and full / empty.
pub(crate) fn markdown(runs: &[StoreRun]) -> String {
    let mut out = String::from(
        "
",
    );
    let [empty, full] = runs else {
        return out;
    };
    let store = |r: &StoreRun| {
        format!(
            "{} keys, {} application{}",
            thousands_int(r.keys),
            thousands_int(r.apps),
            if r.apps == 1 { "" } else { "s" }
        )
    };
    let _ = writeln!(
        out,
        "| 1 client thread | {} | {} | full / empty |\n|---|--:|--:|--:|",
        store(empty),
        store(full)
    );
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
    let _ = writeln!(
        out,
        "| start-up (spawn to ready) | {} | {} | {:.1} × |",
        ms(empty.started_in),
        ms(full.started_in),
        full.started_in.as_secs_f64() / empty.started_in.as_secs_f64().max(1e-9)
    );
    if let (Some(a), Some(b)) = (empty.rss_kib, full.rss_kib) {
        let mib = |kib: u64| format!("{:.1} MiB", kib as f64 / 1024.0);
        let _ = writeln!(
            out,
            "| daemon RSS after start | {} | {} | {:.1} × |",
            mib(a),
            mib(b),
            b as f64 / a as f64
        );
    }
    let _ = writeln!(
        out,
        "| keys ListKeys returns | {} | {} | |",
        empty.listed, full.listed
    );
    for mode in [Mode::Published, Mode::Persistent] {
        for case in [Case::EcdsaSign, Case::ListKeys] {
            let line = figure_line(empty, full, mode, case);
            out.push_str(&line);
        }
    }
    let _ = writeln!(
        out,
        "\nThe full store was filled in {:.1} s (key generation and one transaction).",
        full.populated_in.as_secs_f64()
    );
    out
}

/// `p50 µs (ops/s)` for both stores, and the ratio of the p50s.
fn figure_line(empty: &StoreRun, full: &StoreRun, mode: Mode, case: Case) -> String {
    let (Some(a), Some(b)) = (find(empty, mode, case), find(full, mode, case)) else {
        return format!("| {mode} {}: not measured | | | |\n", case.label());
    };
    let p50 = |m: &runner::Measurement| m.latencies.quantile(0.5);
    let cell = |m: &runner::Measurement| {
        format!(
            "{} µs ({} ops/s)",
            latency(p50(m)),
            thousands(m.ops_per_second())
        )
    };
    format!(
        "| {mode} {} p50 | {} | {} | {:.0} % |\n",
        case.label(),
        cell(a),
        cell(b),
        p50(b).as_secs_f64() / p50(a).as_secs_f64().max(1e-12) * 100.0
    )
}

fn find(run: &StoreRun, mode: Mode, case: Case) -> Option<&runner::Measurement> {
    run.cells.iter().find_map(|c| match &c.outcome {
        Outcome::Measured(m) if c.mode == mode && c.case == case && m.ops > 0 => Some(m),
        _ => None,
    })
}

fn thousands_int(n: usize) -> String {
    if n < 100 {
        n.to_string()
    } else {
        thousands(n as f64)
    }
}
