//! Keys whose provider keeps objects outside the store (issue 15, item 1), with the test
//! provider (`psc-test-provider`, objects are files): the real daemon is killed with SIGKILL
//! at each step of a creation and of a deletion, and restarted. Afterwards no object is
//! orphaned, no acknowledged key is lost, no deleted key comes back, and the name is free
//! again. A provider unreachable at start keeps its intents (and their objects' rows) and
//! finishes them on a later request once it is back. A SIGHUP reload keeps the provider
//! instance when its configuration is unchanged, and swaps it cleanly under load when it
//! changed. Attestation (issue 15, item 6) reaches the test provider's toy ActivateCredential
//! with both keys resolved, and is listed and served only when the provider exposes it.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use parsec_client::BasicClient;
use parsec_client::core::interface::operations::psa_algorithm::Algorithm;
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, Lifetime, Policy, Type, UsageFlags,
};
use rustix::process::Signal;

use common::{Daemon, Site, app_client, poll};

fn raw_attributes() -> Attributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags.set_export();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type: Type::RawData,
        bits: 0,
        policy: Policy {
            usage_flags,
            permitted_algorithms: Algorithm::None,
        },
    }
}

fn objects(site: &Site) -> PathBuf {
    site.path().join("token")
}

fn config(site: &Site) -> String {
    config_named(site, "test-external-provider")
}

fn config_named(site: &Site, name: &str) -> String {
    format!(
        r#"[core_settings]
allow_root = true
log_level = "info"
[listener]
listener_type = "DomainSocket"
timeout = 200
socket_path = "{socket}"
[authenticator]
auth_type = "UnixPeerCredentials"
[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{store}"
[[provider]]
name = "{name}"
provider_type = "TestExternal"
key_info_manager = "sqlite-manager"
objects_dir = "{objects}"
"#,
        socket = site.socket().display(),
        store = site.store().display(),
        objects = objects(site).display(),
    )
}

/// The object files in the token directory.
fn object_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "obj")
        })
        .count()
}

fn key_names(client: &BasicClient) -> Vec<String> {
    let mut names: Vec<String> = client
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    names.sort();
    names
}

/// A deployment with one acknowledged key, "kept", in the test provider.
fn deployment() -> (Site, Daemon) {
    let site = Site::new();
    site.write_config(&config(&site));
    let daemon = Daemon::start(&site);
    app_client(&site.socket())
        .psa_import_key(
            "kept",
            b"kept key material 0123456789abcd",
            raw_attributes(),
        )
        .unwrap();
    assert_eq!(object_count(&objects(&site)), 1);
    (site, daemon)
}

/// Makes the provider stop at `step`, runs `request` on a thread, waits until the provider
/// is there, and kills the daemon with SIGKILL.
fn kill_at(
    site: &Site,
    daemon: &mut Daemon,
    step: &str,
    request: impl FnOnce(BasicClient) + Send + 'static,
) {
    let dir = objects(site);
    std::fs::write(dir.join("stop-at"), step).unwrap();
    let client = app_client(&site.socket());
    let thread: JoinHandle<()> = std::thread::spawn(move || request(client));
    let marker = dir.join(format!("stopped-{step}"));
    poll(&format!("the provider to stop at {step}"), || {
        marker.exists().then_some(())
    });
    daemon.signal(Signal::KILL);
    daemon.wait_exit();
    thread.join().unwrap();
    std::fs::remove_file(dir.join("stop-at")).unwrap();
    std::fs::remove_file(marker).unwrap();
}

/// After the restart: only "kept" is listed and exports its material, exactly one object
/// exists (kept's), and "doomed" can be created again.
fn check_consistent(site: &Site) {
    let client = app_client(&site.socket());
    assert_eq!(key_names(&client), ["kept"]);
    assert_eq!(
        client.psa_export_key("kept").unwrap(),
        b"kept key material 0123456789abcd"
    );
    assert_eq!(object_count(&objects(site)), 1, "an orphan object remains");
    client
        .psa_import_key("doomed", b"another key", raw_attributes())
        .unwrap();
    assert_eq!(object_count(&objects(site)), 2);
}

fn crash_during_creation(step: &str) {
    let (site, mut daemon) = deployment();
    kill_at(&site, &mut daemon, step, |client| {
        // The daemon dies before answering.
        assert!(
            client
                .psa_import_key("doomed", b"never acknowledged", raw_attributes())
                .is_err()
        );
    });
    let _daemon = Daemon::start(&site);
    check_consistent(&site);
}

fn crash_during_deletion(step: &str) {
    let (site, mut daemon) = deployment();
    app_client(&site.socket())
        .psa_import_key("doomed", b"to be destroyed", raw_attributes())
        .unwrap();
    assert_eq!(object_count(&objects(&site)), 2);
    kill_at(&site, &mut daemon, step, |client| {
        assert!(client.psa_destroy_key("doomed").is_err());
    });
    let _daemon = Daemon::start(&site);
    check_consistent(&site);
}

#[test]
fn kill_between_intent_and_object_creation() {
    crash_during_creation("create-before");
}

#[test]
fn kill_between_object_creation_and_row() {
    crash_during_creation("create-after");
}

#[test]
fn kill_between_deletion_intent_and_object_removal() {
    crash_during_deletion("destroy-before");
}

#[test]
fn kill_between_object_removal_and_row_removal() {
    crash_during_deletion("destroy-after");
}

/// An interrupted creation whose object exists, and a provider unreachable at two restarts:
/// the object and its intent stay (nothing orphaned, nothing deleted while the object may
/// exist). Once the provider is back, a request to it finishes the intent.
#[test]
fn unreachable_provider_keeps_intents_until_it_is_back() {
    let (site, mut daemon) = deployment();
    kill_at(&site, &mut daemon, "create-after", |client| {
        assert!(
            client
                .psa_import_key("doomed", b"never acknowledged", raw_attributes())
                .is_err()
        );
    });
    let dir = objects(&site);
    assert_eq!(object_count(&dir), 2, "the interrupted creation's object");
    std::fs::write(dir.join("unreachable"), b"").unwrap();
    for _ in 0..2 {
        let mut daemon = Daemon::start(&site);
        let stderr = daemon.wait_stderr("could not destroy the object of an interrupted operation");
        assert!(stderr.contains("unreachable"), "{stderr}");
        assert_eq!(object_count(&dir), 2, "the object is still there");
        // The name stays held while its intent waits.
        let client = app_client(&site.socket());
        assert!(
            client
                .psa_import_key("doomed", b"too early", raw_attributes())
                .is_err()
        );
        daemon.stop();
    }
    let _daemon = Daemon::start(&site);
    std::fs::remove_file(dir.join("unreachable")).unwrap();
    let client = app_client(&site.socket());
    // Any request to the provider retries (at most every 500 ms).
    poll("the intent to be finished", || {
        assert_eq!(
            client.psa_export_key("kept").unwrap(),
            b"kept key material 0123456789abcd"
        );
        (object_count(&dir) == 1).then_some(())
    });
    check_consistent(&site);
}

/// The provider constructions and drops the test provider recorded, in order.
fn instances(site: &Site) -> Vec<String> {
    std::fs::read_to_string(objects(site).join("instances"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_reload_with_an_unchanged_provider_keeps_its_instance() {
    let (site, daemon) = deployment();
    assert_eq!(instances(&site), ["new"]);
    for reloads in 1..=2 {
        site.write_config(&config(&site));
        daemon.signal(Signal::HUP);
        poll("the reload", || {
            (daemon.stderr().matches("configuration reloaded").count() == reloads).then_some(())
        });
        let client = app_client(&site.socket());
        assert_eq!(
            client.psa_export_key("kept").unwrap(),
            b"kept key material 0123456789abcd"
        );
    }
    assert_eq!(instances(&site), ["new"], "the provider was built again");
}

#[test]
fn a_reload_with_a_changed_provider_swaps_it_under_load() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let (site, mut daemon) = deployment();
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let load: Vec<JoinHandle<()>> = (0..2)
        .map(|_| {
            let client = app_client(&site.socket());
            let (stop, served) = (Arc::clone(&stop), Arc::clone(&served));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    assert_eq!(
                        client.psa_export_key("kept").unwrap(),
                        b"kept key material 0123456789abcd"
                    );
                    served.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    poll("the load to run", || {
        (served.load(Ordering::Relaxed) > 20).then_some(())
    });
    site.write_config(&config_named(&site, "renamed-provider"));
    daemon.signal(Signal::HUP);
    daemon.wait_stderr("configuration reloaded");
    // The new provider is built while the old one serves; the old one is dropped once the
    // requests of the old generation are done.
    poll("the old provider to be dropped", || {
        (instances(&site) == ["new", "new", "drop"]).then_some(())
    });
    let after = served.load(Ordering::Relaxed);
    poll("the load to go on after the swap", || {
        (served.load(Ordering::Relaxed) > after + 20).then_some(())
    });
    stop.store(true, Ordering::Relaxed);
    for thread in load {
        thread.join().unwrap();
    }
    let client = app_client(&site.socket());
    client
        .psa_import_key("after", b"made by the new provider", raw_attributes())
        .unwrap();
    assert_eq!(
        client.psa_export_key("after").unwrap(),
        b"made by the new provider"
    );
    assert_eq!(object_count(&objects(&site)), 2);
}

/// A provider error keeps its cause (the test token's function and return value), and the
/// one line logging the refused request shows it, once; the client gets the status.
#[test]
fn a_provider_error_keeps_its_cause_in_the_log() {
    use parsec_client::core::interface::requests::ResponseStatus;
    use parsec_client::error::Error;

    let (site, mut daemon) = deployment();
    std::fs::write(objects(&site).join("unreachable"), b"").unwrap();
    match app_client(&site.socket()).psa_export_key("kept") {
        Err(Error::Service(ResponseStatus::PsaErrorHardwareFailure)) => {}
        other => panic!("export from an unreachable token: {other:?}"),
    }
    let stderr = daemon.wait_stderr("request refused");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("CKR_TOKEN_NOT_PRESENT"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("request refused")
            && lines[0].contains("the test token is unreachable: C_GetSlotInfo returned"),
        "{stderr}"
    );
}

/// A provider whose device is absent, configured to start without it (as
/// `skip_if_no_tpm = true`): the service starts, with a warning that says so, and without
/// that provider; configured otherwise, the start is refused, naming the provider.
#[test]
fn an_absent_device_is_skipped_only_when_configured_so() {
    use parsec_client::core::interface::requests::ProviderId;

    let site = Site::new();
    let dir = objects(&site);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("absent"), b"").unwrap();
    site.write_config(&config(&site));
    let mut refused = Daemon::spawn(Daemon::command(&site, &[]));
    assert!(!refused.wait_exit().success());
    let stderr = refused.stderr();
    assert!(
        stderr.contains("test-external-provider") && stderr.contains("the test token is absent"),
        "{stderr}"
    );

    site.write_config(&format!("{}skip_if_absent = true\n", config(&site)));
    let mut daemon = Daemon::start(&site);
    let stderr = daemon.wait_stderr("starting without it");
    let warning = stderr
        .lines()
        .find(|l| l.contains("starting without it"))
        .unwrap();
    assert!(
        warning.contains("WARN")
            && warning.contains("test-external-provider")
            && warning.contains("device is absent"),
        "{warning}"
    );
    let providers: Vec<ProviderId> = app_client(&site.socket())
        .list_providers()
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(providers, [ProviderId::Core]);
}

/// What the test provider's toy attestation uses when a request names no attesting key.
const DEFAULT_ATTESTING_KEY: &[u8] = b"default attesting key";

fn prepare(
    client: &psc_client::Client,
    attested: &str,
    attesting: &str,
) -> Result<psc_client::wire::ops::prepare_key_attestation::PrepareOutput, psc_client::Error> {
    use psc_client::wire::ops::prepare_key_attestation::PrepareParams;
    client.prepare_key_attestation(PrepareParams::ActivateCredential {
        attested_key_name: attested.into(),
        attesting_key_name: attesting.into(),
    })
}

fn attest(
    client: &psc_client::Client,
    attested: &str,
    attesting: &str,
    secret: &[u8],
) -> Result<Vec<u8>, psc_client::Error> {
    use psc_client::wire::ops::attest_key::{AttestationOutput, AttestationParams};
    let params = AttestationParams::ActivateCredential {
        credential_blob: b"the credential".to_vec(),
        secret: secret.to_vec(),
    };
    client
        .attest_key(attested, params, attesting)
        .map(|output| match output {
            AttestationOutput::ActivateCredential { credential } => credential.to_vec(),
        })
}

/// A daemon whose only provider is the test provider, with its toy attestation when
/// `attestation`, holding the caller's keys "attested" and "attesting"; our client for it;
/// and what ListOpcodes lists for the provider.
fn attestation_deployment(
    attestation: bool,
) -> (
    Site,
    Daemon,
    psc_client::Client,
    BTreeSet<psc_client::Opcode>,
) {
    use psc_client::{Auth, Client, ProviderId};

    let site = Site::new();
    let option = if attestation {
        "attestation = true\n"
    } else {
        ""
    };
    site.write_config(&format!("{}{option}", config(&site)));
    let daemon = Daemon::start(&site);
    let importer = app_client(&site.socket());
    for (name, material) in [
        ("attested", &b"attested key"[..]),
        ("attesting", b"attesting key"),
    ] {
        importer
            .psa_import_key(name, material, raw_attributes())
            .unwrap();
    }
    let mut client = Client::new(site.socket());
    client.set_auth(Auth::UnixPeerCredentials);
    client.set_provider(ProviderId::Pkcs11);
    let listed = client.list_opcodes(ProviderId::Pkcs11).unwrap();
    assert!(
        listed.contains(&psc_client::Opcode::PsaImportKey),
        "{listed:?}"
    );
    (site, daemon, client, listed)
}

/// A provider without the attestation capability lists neither PrepareKeyAttestation nor
/// AttestKey, and answers both NotSupported.
#[test]
fn attestation_is_not_supported_by_a_provider_without_it() {
    use psc_client::{Opcode, Status};

    let (_site, mut daemon, client, listed) = attestation_deployment(false);
    for opcode in [Opcode::PrepareKeyAttestation, Opcode::AttestKey] {
        assert!(!listed.contains(&opcode), "{opcode:?} in {listed:?}");
    }
    let not_supported = Some(Status::PsaErrorNotSupported);
    let refused = prepare(&client, "attested", "");
    assert_eq!(refused.unwrap_err().status(), not_supported);
    let refused = attest(&client, "attested", "", b"attested key");
    assert_eq!(refused.unwrap_err().status(), not_supported);
    daemon.stop();
}

/// With the capability (the test provider's `attestation = true`), both operations are
/// listed and reach the provider with the attested and the attesting key resolved among the
/// caller's keys (an empty attesting name: the provider's default); an absent key is
/// DoesNotExist, and the provider's own refusal comes back as its status.
#[test]
fn attestation_reaches_a_provider_that_has_it_with_its_keys_resolved() {
    use psc_client::wire::ops::prepare_key_attestation::PrepareOutput;
    use psc_client::{Opcode, Status};

    let (site, mut daemon, client, listed) = attestation_deployment(true);
    for opcode in [Opcode::PrepareKeyAttestation, Opcode::AttestKey] {
        assert!(listed.contains(&opcode), "{opcode:?} not in {listed:?}");
    }

    let PrepareOutput::ActivateCredential {
        name,
        public,
        attesting_key_pub,
    } = prepare(&client, "attested", "").unwrap();
    let object = objects(&site).join(format!("{}.obj", String::from_utf8(name).unwrap()));
    assert_eq!(std::fs::read(object).unwrap(), b"attested key");
    assert_eq!(public, b"attested key");
    assert_eq!(attesting_key_pub, DEFAULT_ATTESTING_KEY);
    let PrepareOutput::ActivateCredential {
        attesting_key_pub, ..
    } = prepare(&client, "attested", "attesting").unwrap();
    assert_eq!(attesting_key_pub, b"attesting key");

    let default_secret = [&b"attested key"[..], DEFAULT_ATTESTING_KEY].concat();
    let credential = attest(&client, "attested", "", &default_secret);
    assert_eq!(credential.unwrap(), b"the credential");
    let both = b"attested keyattesting key";
    let credential = attest(&client, "attested", "attesting", both);
    assert_eq!(credential.unwrap(), b"the credential");

    let refused = attest(&client, "attested", "attesting", &default_secret);
    assert_eq!(
        refused.unwrap_err().status(),
        Some(Status::PsaErrorInvalidArgument)
    );
    for (attested, attesting) in [("absent", ""), ("attested", "absent")] {
        let absent = Some(Status::PsaErrorDoesNotExist);
        let refused = prepare(&client, attested, attesting);
        assert_eq!(
            refused.unwrap_err().status(),
            absent,
            "{attested}/{attesting}"
        );
        let refused = attest(&client, attested, attesting, &default_secret);
        assert_eq!(
            refused.unwrap_err().status(),
            absent,
            "{attested}/{attesting}"
        );
    }
    daemon.stop();
}
