//! Crash consistency of the real binary (issue 7): 8 clients create, use and destroy keys
//! while the daemon is killed with SIGKILL at a random moment, 20 times. After every restart:
//! each key whose creation was acknowledged (and whose destruction was never attempted) still
//! signs, verifies and exports the same public key; no key whose destruction was acknowledged
//! reappears; the key store lists nothing beyond the keys whose creation or destruction was in
//! flight at the kill; and the store opens cleanly (the daemon starts).
//!
//! The kill moments come from a seeded generator: a failing run can be replayed.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Daemon, DirectConfig, FileDaemon, Site, direct_client};
use parsec_client::BasicClient;
use parsec_client::core::interface::operations::psa_algorithm::{
    AsymmetricSignature, Hash, SignHash,
};
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, EccFamily, Lifetime, Policy, Type, UsageFlags,
};
use parsec_client::core::interface::requests::ResponseStatus;
use parsec_client::error::Error;

const CYCLES: usize = 20;
const CLIENTS: usize = 8;
/// Each client keeps at most this many keys alive, so the checks stay cheap.
const MAX_LIVE: usize = 4;
/// A bound on one client's requests per cycle (the kill normally ends it much sooner).
const MAX_STEPS: usize = 2_000;
const SEED: u64 = 0x00c0_ffee;
/// Any single wait (start-up, a client's run) gives up after this.
const DEADLINE: Duration = Duration::from_secs(15);

const ECDSA: AsymmetricSignature = AsymmetricSignature::Ecdsa {
    hash_alg: SignHash::Specific(Hash::Sha256),
};

fn attributes() -> Attributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags.set_sign_hash().set_verify_hash();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type: Type::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        bits: 256,
        policy: Policy {
            usage_flags,
            permitted_algorithms: ECDSA.into(),
        },
    }
}

/// SplitMix64: a small seeded generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }
}

/// One deployment (`common::Site`): Direct authentication, the software provider with its
/// master key in the site, kept across restarts.
fn site() -> Site {
    let site = Site::new();
    site.write_config(&site.direct_config(&DirectConfig {
        timeout_ms: Some(5000),
        master_key_option: true,
        ..DirectConfig::default()
    }));
    site
}

/// Starts the binary (its output in files named after the `run`, so the log of a killed
/// run stays readable) and waits until it prints its endpoint.
fn start(site: &Site, run: usize) -> FileDaemon {
    FileDaemon::start(
        Daemon::command(site, &[]),
        site.path().join(format!("stdout-{run}.log")),
        site.path().join(format!("stderr-{run}.log")),
        &site.socket(),
        DEADLINE,
    )
}

fn client(socket: &Path, app: &str) -> BasicClient {
    direct_client(socket, app, Duration::from_secs(10))
}

/// What a client knows of one of its keys.
#[derive(Clone, Debug, PartialEq, Eq)]
enum KeyState {
    /// Creation acknowledged, destruction never attempted; the public key once exported.
    Live(Option<Vec<u8>>),
    /// Creation sent, no answer (the kill came first): it may or may not exist.
    Creating,
    /// Destruction sent, no answer: it may or may not still exist.
    Destroying(Option<Vec<u8>>),
    /// Destruction acknowledged (or found complete after a kill): it must never reappear.
    /// `probed`: a request has already confirmed it is gone after a restart.
    Gone { probed: bool },
}

/// A request's fate: answered with success, refused by the service, or lost with the daemon.
enum Outcome<T> {
    Done(T),
    Lost,
}

/// A lost request is only expected once the kill is under way.
fn outcome<T>(what: &str, result: Result<T, Error>, killed: &AtomicBool) -> Outcome<T> {
    match result {
        Ok(value) => Outcome::Done(value),
        Err(Error::Service(status)) => panic!("{what}: the service refused: {status:?}"),
        Err(Error::Client(error)) => {
            assert!(
                killed.load(Ordering::SeqCst),
                "{what}: lost while the daemon was running: {error}"
            );
            Outcome::Lost
        }
    }
}

/// One application (Direct name) and its keys, across all cycles.
struct App {
    name: String,
    keys: BTreeMap<String, KeyState>,
    created: u64,
    rng: Rng,
    acked_creations: u64,
    acked_destructions: u64,
}

impl App {
    fn new(index: usize) -> App {
        App {
            name: format!("app-{index}"),
            keys: BTreeMap::new(),
            created: 0,
            rng: Rng(SEED ^ u64::try_from(index + 1).unwrap() << 32),
            acked_creations: 0,
            acked_destructions: 0,
        }
    }

    fn live(&self) -> Vec<String> {
        let live = self
            .keys
            .iter()
            .filter(|(_, s)| matches!(s, KeyState::Live(_)));
        live.map(|(name, _)| name.clone()).collect()
    }

    /// Creates, uses and destroys keys until the daemon dies (or the step bound).
    fn work(&mut self, client: &BasicClient, killed: &AtomicBool) {
        let started = Instant::now();
        for _ in 0..MAX_STEPS {
            assert!(started.elapsed() < DEADLINE, "{}: never killed", self.name);
            let live = self.live();
            let going_on = if live.len() >= MAX_LIVE || (!live.is_empty() && self.rng.below(3) == 0)
            {
                let name = &live[self.rng.below(live.len())];
                self.destroy(client, name, killed)
            } else {
                self.create(client, killed)
            };
            if !going_on {
                return;
            }
        }
    }

    fn create(&mut self, client: &BasicClient, killed: &AtomicBool) -> bool {
        let name = format!("{}-key-{}", self.name, self.created);
        self.created += 1;
        self.keys.insert(name.clone(), KeyState::Creating);
        let generated = client.psa_generate_key(&name, attributes());
        if let Outcome::Lost = outcome(&name, generated, killed) {
            return false;
        }
        self.acked_creations += 1;
        self.keys.insert(name.clone(), KeyState::Live(None));
        match outcome(&name, use_key(client, &name), killed) {
            Outcome::Done(public) => {
                self.keys.insert(name, KeyState::Live(Some(public)));
                true
            }
            Outcome::Lost => false,
        }
    }

    fn destroy(&mut self, client: &BasicClient, name: &str, killed: &AtomicBool) -> bool {
        let Some(KeyState::Live(public)) = self.keys.remove(name) else {
            panic!("{name} is not live");
        };
        self.keys
            .insert(name.to_owned(), KeyState::Destroying(public));
        if let Outcome::Lost = outcome(name, client.psa_destroy_key(name), killed) {
            return false;
        }
        self.acked_destructions += 1;
        self.keys
            .insert(name.to_owned(), KeyState::Gone { probed: false });
        true
    }

    /// After a restart: every key is where its state says, and nothing else is listed.
    /// Resolves in-flight keys to what the store holds.
    fn check(&mut self, client: &BasicClient, checked: &mut Checked) {
        let listed: BTreeSet<String> = client
            .list_keys()
            .unwrap()
            .into_iter()
            .map(|k| k.name)
            .collect();
        let unexpected: Vec<_> = listed
            .iter()
            .filter(|n| !self.keys.contains_key(*n))
            .collect();
        assert!(
            unexpected.is_empty(),
            "{}: unexpected keys {unexpected:?}",
            self.name
        );
        for (name, state) in &mut self.keys {
            let present = listed.contains(name);
            let in_flight = matches!(state, KeyState::Creating | KeyState::Destroying(_));
            checked.in_flight_present += usize::from(in_flight && present);
            checked.in_flight_absent += usize::from(in_flight && !present);
            *state = match state.clone() {
                KeyState::Live(public) => {
                    assert!(present, "{name}: an acknowledged key was lost");
                    KeyState::Live(Some(works(client, name, public, checked)))
                }
                KeyState::Gone { probed } => {
                    assert!(!present, "{name}: a destroyed key reappeared");
                    checked.gone_listed += 1;
                    // Every gone key is probed once, then about one in ten per restart:
                    // the listing checks them all, and the cost stays linear.
                    if !probed || self.rng.below(10) == 0 {
                        gone(client, name, checked)
                    } else {
                        KeyState::Gone { probed }
                    }
                }
                KeyState::Creating | KeyState::Destroying(_) if !present => {
                    gone(client, name, checked)
                }
                KeyState::Creating => KeyState::Live(Some(works(client, name, None, checked))),
                KeyState::Destroying(public) => {
                    KeyState::Live(Some(works(client, name, public, checked)))
                }
            };
        }
    }
}

/// What the checks after the restarts covered.
#[derive(Debug, Default)]
struct Checked {
    /// Keys found working (sign, verify, same public key).
    working: usize,
    /// Destroyed keys found not listed.
    gone_listed: usize,
    /// Destroyed keys probed: signing with them answers DoesNotExist.
    gone: usize,
    /// Keys whose creation or destruction was in flight at a kill, found present / absent.
    in_flight_present: usize,
    in_flight_absent: usize,
}

/// Signs, verifies and exports the public key.
fn use_key(client: &BasicClient, name: &str) -> Result<Vec<u8>, Error> {
    let hash = [0x5a; 32];
    let signature = client.psa_sign_hash(name, &hash, ECDSA)?;
    client.psa_verify_hash(name, &hash, ECDSA, &signature)?;
    client.psa_export_public_key(name)
}

/// The key works, and its public key is the one exported before (if it was).
fn works(
    client: &BasicClient,
    name: &str,
    public: Option<Vec<u8>>,
    checked: &mut Checked,
) -> Vec<u8> {
    let exported = use_key(client, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    if let Some(public) = public {
        assert_eq!(exported, public, "{name}: the public key changed");
    }
    checked.working += 1;
    exported
}

/// The key is gone: using it answers DoesNotExist.
fn gone(client: &BasicClient, name: &str, checked: &mut Checked) -> KeyState {
    match client.psa_sign_hash(name, &[0x5a; 32], ECDSA) {
        Err(Error::Service(ResponseStatus::PsaErrorDoesNotExist)) => {}
        other => panic!("{name}: a destroyed key answered {other:?}"),
    }
    checked.gone += 1;
    KeyState::Gone { probed: true }
}

/// Runs every application's clients against the daemon, kills it after `delay`, and
/// returns the applications with what they saw.
fn run_and_kill(
    daemon: &mut FileDaemon,
    socket: &Path,
    apps: Vec<App>,
    delay: Duration,
) -> Vec<App> {
    let clients: Vec<BasicClient> = apps.iter().map(|a| client(socket, &a.name)).collect();
    let killed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let workers: Vec<_> = apps
            .into_iter()
            .zip(clients)
            .map(|(mut app, client)| {
                let killed = &killed;
                scope.spawn(move || {
                    app.work(&client, killed);
                    app
                })
            })
            .collect();
        std::thread::sleep(delay);
        killed.store(true, Ordering::SeqCst);
        daemon.kill();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    })
}

#[test]
fn acknowledged_keys_survive_sigkill_and_destroyed_keys_stay_gone() {
    let site = site();
    let mut rng = Rng(SEED);
    let mut apps: Vec<App> = (0..CLIENTS).map(App::new).collect();
    let mut daemon = start(&site, 0);
    let mut checked = Checked::default();
    let started = Instant::now();
    for cycle in 1..=CYCLES {
        let delay = Duration::from_millis(50 + u64::try_from(rng.below(251)).unwrap());
        apps = run_and_kill(&mut daemon, &site.socket(), apps, delay);
        // The store must open after the kill: the daemon starts on it.
        daemon = start(&site, cycle);
        for app in &mut apps {
            app.check(&client(&site.socket(), &app.name), &mut checked);
        }
        let log = daemon.log();
        assert!(
            !log.contains("ERROR"),
            "cycle {cycle}: errors at start-up:\n{log}"
        );
    }
    let creations: u64 = apps.iter().map(|a| a.acked_creations).sum();
    let destructions: u64 = apps.iter().map(|a| a.acked_destructions).sum();
    println!(
        "crash consistency: {CYCLES} SIGKILL cycles survived with {CLIENTS} clients in \
         {:.1?}; {creations} creations and {destructions} destructions acknowledged; keys \
         checked after the restarts: {checked:?}",
        started.elapsed()
    );
    assert!(
        creations > 0 && destructions > 0,
        "the workload did not run"
    );
    assert!(
        checked.in_flight_present + checked.in_flight_absent > 0,
        "no kill ever interrupted an operation"
    );
}
