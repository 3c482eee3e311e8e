//! The real `parsec` binary with a `provider_type = "Pkcs11"` configuration on a SoftHSM2
//! token this test makes (issue 17): keys are created on the token, sign, verify, encrypt and
//! export, survive a restart of the daemon, and leave no object behind once destroyed (or
//! their client deleted); a
//! wrong PIN stops the start with the PKCS#11 call and its `CKR_` value, never the PIN.
//!
//! The token's objects are counted with OpenSC's `pkcs11-tool`. The cases of this binary run
//! one at a time (each holds `SERIAL`): every device test is serialized.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;
// The test kit's fixture, included by path (the test kit depends on this crate): this test
// uses part of it, and its `pub` items are the test kit's API.
#[allow(dead_code, unreachable_pub)]
#[path = "../../testkit/src/softhsm.rs"]
mod softhsm;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use common::{Daemon, ECDSA_SHA256, Site, app_client, ecc_attributes, openssl_verifies, our_uid};
use parsec_client::core::interface::operations::psa_algorithm::AsymmetricEncryption;
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, Lifetime, Policy, Type, UsageFlags,
};
use parsec_client::core::interface::requests::{ProviderId, ResponseStatus};
use parsec_client::error::Error;
use rustix::process::Signal;
use softhsm::{SOFTHSM2_LIBRARY, SoftHsm, USER_PIN};

/// Held by each case: the device cases run in turn.
static SERIAL: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

fn config(site: &Site, hsm: &SoftHsm, pin: &str) -> String {
    let table = hsm
        .provider_table(Some("sqlite-manager"))
        .replace(USER_PIN, pin);
    format!(
        r#"[core_settings]
allow_root = true
log_level = "info"
[listener]
listener_type = "DomainSocket"
timeout = 2000
socket_path = "{socket}"
[authenticator]
auth_type = "UnixPeerCredentials"
admins = [ {{ name = "{uid}" }} ]
[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{store}"
{table}"#,
        socket = site.socket().display(),
        store = site.store().display(),
        uid = our_uid(),
    )
}

/// The daemon on the site's configuration, loading the token of `hsm`.
fn command(site: &Site, hsm: &SoftHsm) -> Command {
    let mut command = Daemon::command(site, &[]);
    command.env("SOFTHSM2_CONF", hsm.conf());
    command
}

fn start(site: &Site, hsm: &SoftHsm) -> Daemon {
    let mut daemon = Daemon::spawn(command(site, hsm));
    daemon.wait_serving(&site.socket());
    daemon
}

/// How many key objects the token holds.
fn key_objects(hsm: &SoftHsm) -> usize {
    token_objects(hsm).len()
}

/// The token's key objects, each with its CKA_ID (hexadecimal) if it has one.
fn token_objects(hsm: &SoftHsm) -> Vec<Option<String>> {
    let listed = Command::new("pkcs11-tool")
        .env("SOFTHSM2_CONF", hsm.conf())
        .args(["--module", SOFTHSM2_LIBRARY, "--token-label", hsm.label()])
        .args(["--login", "--pin", USER_PIN, "--list-objects"])
        .output()
        .expect("pkcs11-tool runs (Debian package opensc)");
    assert!(listed.status.success(), "{listed:?}");
    let mut objects: Vec<Option<String>> = Vec::new();
    for line in String::from_utf8_lossy(&listed.stdout).lines() {
        if line.contains("Key Object") {
            objects.push(None);
        } else if let (Some(id), Some(last)) = (line.trim().strip_prefix("ID:"), objects.last_mut())
        {
            *last = Some(id.trim().to_owned());
        }
    }
    objects
}

fn rsa_encryption_attributes() -> Attributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags.set_encrypt().set_decrypt().set_export();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type: Type::RsaKeyPair,
        bits: 2048,
        policy: Policy {
            usage_flags,
            permitted_algorithms: AsymmetricEncryption::RsaPkcs1v15Crypt.into(),
        },
    }
}

fn status<T: std::fmt::Debug>(result: Result<T, Error>) -> ResponseStatus {
    match result {
        Err(Error::Service(status)) => status,
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[test]
fn keys_on_the_token_serve_across_a_restart_and_go_with_their_objects() {
    let _turn = one_at_a_time();
    let hsm = SoftHsm::new("psc-daemon");
    let site = Site::new();
    site.write_config(&config(&site, &hsm, USER_PIN));
    let mut first = start(&site, &hsm);
    let client = app_client(&site.socket());
    assert_eq!(client.implicit_provider(), ProviderId::Pkcs11);

    client.psa_generate_key("ecc", ecc_attributes()).unwrap();
    let hash = [0x5a; 32];
    let signature = client.psa_sign_hash("ecc", &hash, ECDSA_SHA256).unwrap();
    assert_eq!(signature.len(), 64, "r ‖ s");
    client
        .psa_verify_hash("ecc", &hash, ECDSA_SHA256, &signature)
        .unwrap();
    let tampered = client.psa_verify_hash("ecc", &[0x5b; 32], ECDSA_SHA256, &signature);
    assert_eq!(status(tampered), ResponseStatus::PsaErrorInvalidSignature);
    let public = client.psa_export_public_key("ecc").unwrap();
    assert_eq!((public.len(), public[0]), (65, 0x04));

    let rsa = AsymmetricEncryption::RsaPkcs1v15Crypt;
    client
        .psa_generate_key("rsa", rsa_encryption_attributes())
        .unwrap();
    let ciphertext = client
        .psa_asymmetric_encrypt("rsa", rsa, b"for the token", None)
        .unwrap();
    let exported = client.psa_export_key("rsa").unwrap();
    assert_eq!(exported[0], 0x30, "a DER RSAPrivateKey");
    assert_eq!(key_objects(&hsm), 4, "two key pairs");
    first.stop();

    let mut second = start(&site, &hsm);
    let client = app_client(&site.socket());
    assert_eq!(client.psa_export_public_key("ecc").unwrap(), public);
    client
        .psa_verify_hash("ecc", &hash, ECDSA_SHA256, &signature)
        .unwrap();
    let again = client
        .psa_sign_hash("ecc", &[0x22; 32], ECDSA_SHA256)
        .unwrap();
    client
        .psa_verify_hash("ecc", &[0x22; 32], ECDSA_SHA256, &again)
        .unwrap();
    let plaintext = client
        .psa_asymmetric_decrypt("rsa", rsa, &ciphertext, None)
        .unwrap();
    assert_eq!(plaintext, b"for the token");
    let mut names: Vec<String> = client
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    names.sort();
    assert_eq!(names, ["ecc", "rsa"]);

    client.psa_destroy_key("ecc").unwrap();
    client.psa_destroy_key("rsa").unwrap();
    assert_eq!(key_objects(&hsm), 0, "no object outlives its key");
    assert!(client.list_keys().unwrap().is_empty());
    let gone = client.psa_sign_hash("ecc", &hash, ECDSA_SHA256);
    assert_eq!(status(gone), ResponseStatus::PsaErrorDoesNotExist);

    // DeleteClient (an admin operation) takes the client's objects off the token too.
    client.psa_generate_key("doomed", ecc_attributes()).unwrap();
    assert_eq!(key_objects(&hsm), 2);
    client.delete_client(&our_uid()).unwrap();
    assert_eq!(key_objects(&hsm), 0, "DeleteClient leaves no object");
    second.stop();
}

#[test]
fn a_wrong_pin_stops_the_start_naming_the_call_not_the_pin() {
    let _turn = one_at_a_time();
    let hsm = SoftHsm::new("psc-wrong-pin");
    let site = Site::new();
    let pin = "wrong-pin-31415";
    site.write_config(&config(&site, &hsm, pin));
    let mut daemon = Daemon::spawn(command(&site, &hsm));
    let exit = daemon.wait_exit();
    assert!(!exit.success());
    let stderr = daemon.stderr();
    assert!(
        stderr.contains("C_Login returned CKR_PIN_INCORRECT") && stderr.contains("wrong PIN"),
        "{stderr}"
    );
    assert!(!stderr.contains(pin), "the PIN is never shown:\n{stderr}");
}

/// Kills the daemon (SIGKILL) while four clients create keys, three times, then restarts
/// it: every acknowledged key is listed and signs, and the token holds exactly the listed
/// keys' objects (an interrupted creation is undone from its intent, never orphaned).
#[test]
fn kill_9_during_concurrent_creation_orphans_no_object_and_loses_no_key() {
    let _turn = one_at_a_time();
    let hsm = SoftHsm::new("psc-crash");
    let site = Site::new();
    site.write_config(&config(&site, &hsm, USER_PIN));
    let mut acknowledged = Vec::new();
    for round in 0..3 {
        let mut daemon = start(&site, &hsm);
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..4)
            .map(|thread| {
                let client = app_client(&site.socket());
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut made = Vec::new();
                    for i in 0.. {
                        let name = format!("r{round}-t{thread}-{i}");
                        if stop.load(Ordering::Relaxed)
                            || client.psa_generate_key(&name, ecc_attributes()).is_err()
                        {
                            break;
                        }
                        made.push(name);
                    }
                    made
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(700 + 300 * round));
        daemon.signal(Signal::KILL);
        daemon.wait_exit();
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            acknowledged.extend(client.join().unwrap());
        }
    }
    assert!(!acknowledged.is_empty(), "some creations were acknowledged");
    let mut daemon = start(&site, &hsm);
    let client = app_client(&site.socket());
    let listed: Vec<String> = client
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    for name in &acknowledged {
        assert!(listed.contains(name), "acknowledged key {name} was lost");
    }
    // SoftHSM2 writes an object's file before its attributes: a kill inside its
    // C_GenerateKeyPair can leave an object with no CKA_ID (nor key), which nobody can name
    // or use. Those are counted apart; every object that has an ID is a listed key's.
    let objects = token_objects(&hsm);
    let named: Vec<&String> = objects.iter().flatten().collect();
    let unnamed = objects.len() - named.len();
    eprintln!("{unnamed} half-written objects without a CKA_ID (SoftHSM2 is not atomic)");
    assert_eq!(
        named.len(),
        2 * listed.len(),
        "the token's objects with a CKA_ID are exactly the listed keys' pairs"
    );
    let mut ids = named.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), listed.len(), "each CKA_ID is one key pair");
    for name in &listed {
        let signature = client.psa_sign_hash(name, &[7; 32], ECDSA_SHA256).unwrap();
        client
            .psa_verify_hash(name, &[7; 32], ECDSA_SHA256, &signature)
            .unwrap();
        client.psa_destroy_key(name).unwrap();
    }
    assert_eq!(
        token_objects(&hsm).iter().flatten().count(),
        0,
        "every key's objects went with it"
    );
    daemon.stop();
}

/// The published `parsec-tool` 0.7 with `-p 2`, unchanged: keys, signatures (openssl
/// verifies one), encryption, a CSR, listing and deletion on the token. OAEP keys
/// (`create-rsa-key --oaep`, SHA-256) are created but cannot encrypt: SoftHSM2 2.6.1 has
/// OAEP with SHA-1 only, and the tool is told `PsaErrorNotSupported`.
#[test]
fn the_published_parsec_tool_drives_the_token_with_provider_2() {
    if std::env::var_os("PSC_SKIP_PARSEC_TOOL").is_some() {
        eprintln!("switched off by PSC_SKIP_PARSEC_TOOL");
        return;
    }
    let tool =
        std::env::var_os("PSC_PARSEC_TOOL").map_or_else(|| "parsec-tool".into(), PathBuf::from);
    let _turn = one_at_a_time();
    let hsm = SoftHsm::new("psc-tool");
    let site = Site::new();
    site.write_config(&config(&site, &hsm, USER_PIN));
    let mut daemon = start(&site, &hsm);
    let endpoint = format!("unix:{}", site.socket().display());
    let run = |args: &[&str]| {
        let output = Command::new(&tool)
            .args(["-p", "2"])
            .args(args)
            .env("PARSEC_SERVICE_ENDPOINT", &endpoint)
            .output()
            .unwrap_or_else(|e| {
                panic!("parsec-tool 0.7 ({tool:?}) runs: {e}; scripts/test installs it")
            });
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let ok = |args: &[&str]| {
        let (success, stdout, stderr) = run(args);
        assert!(success, "parsec-tool {args:?}: {stderr}");
        stdout
    };
    ok(&["create-ecc-key", "-k", "ecc"]);
    let signature = ok(&["sign", "-k", "ecc", "hello"]);
    let pem = ok(&["export-public-key", "-k", "ecc"]);
    openssl_verifies(site.path(), &pem, signature.trim(), b"hello");
    let csr = ok(&["create-csr", "-k", "ecc", "--cn", "psc.example"]);
    assert!(csr.contains("BEGIN CERTIFICATE REQUEST"), "{csr}");

    ok(&["create-rsa-key", "-k", "rsa"]);
    let ciphertext = ok(&["encrypt", "-k", "rsa", "for the token"]);
    let plaintext = ok(&["decrypt", "-k", "rsa", ciphertext.trim()]);
    assert_eq!(plaintext.trim(), "for the token");
    ok(&["create-rsa-key", "-s", "-k", "rsa-sign"]);
    ok(&["sign", "-k", "rsa-sign", "hello"]);
    ok(&["create-rsa-key", "-o", "-k", "oaep"]);
    let (success, _, stderr) = run(&["encrypt", "-k", "oaep", "x"]);
    assert!(!success && stderr.contains("NotSupported"), "{stderr}");

    let keys = ok(&["list-keys"]);
    for name in ["ecc", "rsa", "rsa-sign", "oaep"] {
        assert!(keys.contains(name), "{keys}");
        ok(&["delete-key", "-k", name]);
    }
    assert_eq!(key_objects(&hsm), 0);
    daemon.stop();
}

/// Debian's `p11-kit-modules` client module: a PKCS#11 library that forwards every call to a
/// `p11-kit server` over a Unix socket.
const P11_KIT_CLIENT: &str = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";

/// `p11-kit server` serving the SoftHSM2 token of `hsm` on `socket`, in a process group of
/// its own: it forks a process per client connection, and stopping the token means
/// stopping them all.
struct TokenServer {
    child: std::process::Child,
}

impl TokenServer {
    fn start(hsm: &SoftHsm, socket: &Path) -> TokenServer {
        use std::os::unix::process::CommandExt;
        assert!(
            Path::new(P11_KIT_CLIENT).is_file(),
            "{P11_KIT_CLIENT} is missing: install Debian's p11-kit-modules (scripts/packages)"
        );
        let _ = std::fs::remove_file(socket);
        let child = Command::new("p11-kit")
            .args(["server", "-f", "--provider", SOFTHSM2_LIBRARY, "-n"])
            .arg(socket)
            .arg(format!("pkcs11:token={}", hsm.label()))
            .env("SOFTHSM2_CONF", hsm.conf())
            .stdout(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .expect("p11-kit runs (Debian package p11-kit)");
        common::poll("the p11-kit server's socket", || {
            socket.exists().then_some(())
        });
        TokenServer { child }
    }

    /// Stops the server and every process it forked.
    fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        self.signal(Signal::TERM);
        // A paused server acts on the SIGTERM only once it runs again.
        self.signal(Signal::CONT);
        let _ = self.child.wait();
    }

    /// SIGSTOP to the server and every process it forked: a token that hangs, its
    /// connection open and nothing answering. [`resume`](Self::resume) lets it go on.
    fn pause(&self) {
        self.signal(Signal::STOP);
    }

    fn resume(&self) {
        self.signal(Signal::CONT);
    }

    fn signal(&self, signal: Signal) {
        let group = rustix::process::Pid::from_child(&self.child);
        let _ = rustix::process::kill_process_group(group, signal);
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

/// The token goes away (its `p11-kit server` stopped) and comes back (started again on the
/// same token directory): while it is away, requests for its keys fail at once with
/// `PsaErrorHardwareFailure` and the log names the PKCS#11 call and its `CKR_` value, the
/// software provider keeps serving, and once it is back the same key signs again, with no
/// restart of the daemon.
/// The daemon with the token of `hsm` served by a `p11-kit server` on `server_socket`
/// (loaded through [`P11_KIT_CLIENT`]) and the software provider, with `core_settings` lines
/// added to the configuration.
fn behind_p11_kit(hsm: &SoftHsm, site: &Site, server_socket: &Path, core: &str) -> Daemon {
    let table = hsm
        .provider_table(Some("sqlite-manager"))
        .replace(SOFTHSM2_LIBRARY, P11_KIT_CLIENT);
    let software = format!(
        "[[provider]]\nprovider_type = \"MbedCrypto\"\nkey_info_manager = \"sqlite-manager\"\n\
         master_key_path = \"{}\"\n",
        site.master_key().display()
    );
    site.write_config(
        &format!("{}{software}", config(site, hsm, USER_PIN))
            .replace(&hsm.provider_table(Some("sqlite-manager")), &table)
            .replacen("[core_settings]\n", &format!("[core_settings]\n{core}"), 1),
    );
    let mut command = Daemon::command(site, &[]);
    command.env(
        "P11_KIT_SERVER_ADDRESS",
        format!("unix:path={}", server_socket.display()),
    );
    let mut daemon = Daemon::spawn(command);
    daemon.wait_serving(&site.socket());
    daemon
}

#[test]
fn a_token_that_goes_away_fails_fast_and_serves_again_when_it_comes_back() {
    let _turn = one_at_a_time();
    let hsm = SoftHsm::new("psc-away");
    let site = Site::new();
    let server_socket = site.path().join("p11-kit.sock");
    let server = TokenServer::start(&hsm, &server_socket);
    let mut daemon = behind_p11_kit(&hsm, &site, &server_socket, "");
    let token = app_client(&site.socket());
    assert_eq!(token.implicit_provider(), ProviderId::Pkcs11);
    let mut soft = app_client(&site.socket());
    soft.set_implicit_provider(ProviderId::MbedCrypto);
    token
        .psa_generate_key("on-token", ecc_attributes())
        .unwrap();
    soft.psa_generate_key("in-software", ecc_attributes())
        .unwrap();
    let hash = [0x42; 32];
    let before = token
        .psa_sign_hash("on-token", &hash, ECDSA_SHA256)
        .unwrap();
    let public = token.psa_export_public_key("on-token").unwrap();

    server.stop();
    // The first request meets a dead session, the next ones a token that is not listed.
    for _ in 0..3 {
        let asked = Instant::now();
        let away = token.psa_sign_hash("on-token", &hash, ECDSA_SHA256);
        assert_eq!(status(away), ResponseStatus::PsaErrorHardwareFailure);
        assert!(
            asked.elapsed() < Duration::from_secs(1),
            "a request for an absent token answers at once, not after {:?}",
            asked.elapsed()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let signed = soft
        .psa_sign_hash("in-software", &hash, ECDSA_SHA256)
        .unwrap();
    soft.psa_verify_hash("in-software", &hash, ECDSA_SHA256, &signed)
        .unwrap();
    // The public key is kept with the key: exporting it needs no token.
    assert_eq!(token.psa_export_public_key("on-token").unwrap(), public);
    let log = daemon.stderr();
    assert!(log.contains("returned CKR_DEVICE_ERROR"), "{log}");
    assert!(log.contains("the token is not present"), "{log}");
    assert!(!log.contains(USER_PIN), "the PIN is never logged:\n{log}");

    let _server = TokenServer::start(&hsm, &server_socket);
    let again = common::poll("the token to serve again", || {
        token.psa_sign_hash("on-token", &hash, ECDSA_SHA256).ok()
    });
    token
        .psa_verify_hash("on-token", &hash, ECDSA_SHA256, &again)
        .unwrap();
    token
        .psa_verify_hash("on-token", &hash, ECDSA_SHA256, &before)
        .unwrap();
    assert_eq!(token.psa_export_public_key("on-token").unwrap(), public);
    token.psa_destroy_key("on-token").unwrap();
    soft.psa_destroy_key("in-software").unwrap();
    daemon.stop();
}

/// A token that hangs (its `p11-kit server` under SIGSTOP, the connection open): the sign
/// waiting for it is answered `PsaErrorCommunicationFailure` at `core_settings.device_timeout_ms`
/// (1 s here), the next requests for the token are refused at once while that call is stuck,
/// the software provider serves throughout, and after SIGCONT the token serves again with no
/// restart.
#[test]
fn a_token_that_hangs_answers_a_clean_status_at_the_deadline_and_serves_again() {
    const DEVICE_TIMEOUT: Duration = Duration::from_secs(1);
    let _turn = one_at_a_time();
    let hsm = SoftHsm::new("psc-hang");
    let site = Site::new();
    let server_socket = site.path().join("p11-kit.sock");
    let server = TokenServer::start(&hsm, &server_socket);
    let core = format!("device_timeout_ms = {}\n", DEVICE_TIMEOUT.as_millis());
    let mut daemon = behind_p11_kit(&hsm, &site, &server_socket, &core);
    let token = app_client(&site.socket());
    let mut soft = app_client(&site.socket());
    soft.set_implicit_provider(ProviderId::MbedCrypto);
    token
        .psa_generate_key("on-token", ecc_attributes())
        .unwrap();
    soft.psa_generate_key("in-software", ecc_attributes())
        .unwrap();
    let heartbeat = common::Heartbeat::start(&site.socket(), "in-software");
    let hash = [0x42; 32];
    let public = token.psa_export_public_key("on-token").unwrap();

    server.pause();
    let asked = Instant::now();
    let hung = status(token.psa_sign_hash("on-token", &hash, ECDSA_SHA256));
    let waited = asked.elapsed();
    eprintln!("signature on a hung token: {hung:?} after {waited:?}");
    assert_eq!(hung, ResponseStatus::PsaErrorCommunicationFailure);
    assert!(
        waited >= DEVICE_TIMEOUT && waited < DEVICE_TIMEOUT * 3,
        "{waited:?}"
    );
    for _ in 0..5 {
        let asked = Instant::now();
        let refused = status(token.psa_sign_hash("on-token", &hash, ECDSA_SHA256));
        assert_eq!(refused, ResponseStatus::PsaErrorCommunicationFailure);
        assert!(
            asked.elapsed() < Duration::from_millis(300),
            "{:?}",
            asked.elapsed()
        );
    }
    assert_eq!(
        token.psa_export_public_key("on-token").unwrap(),
        public,
        "the public key comes from its blob, the token stalled or not"
    );
    let (beats, slowest) = heartbeat.stop();
    eprintln!("during the stall: {beats} software pings and signatures, the slowest {slowest:?}");
    assert!(beats >= 10, "{beats}");
    assert!(slowest < Duration::from_millis(500), "{slowest:?}");

    server.resume();
    let again = common::poll("the token to serve again", || {
        token.psa_sign_hash("on-token", &hash, ECDSA_SHA256).ok()
    });
    token
        .psa_verify_hash("on-token", &hash, ECDSA_SHA256, &again)
        .unwrap();
    let log = daemon.wait_stderr("a call stuck past core_settings.device_timeout_ms returned");
    assert!(log.contains("did not answer PsaSignHash within"), "{log}");
    assert!(!log.contains(USER_PIN), "the PIN is never logged:\n{log}");
    token.psa_destroy_key("on-token").unwrap();
    daemon.stop();
}

/// A SoftHSM2 whose token directory is missing cannot start: the daemon refuses to start,
/// naming `C_Initialize`, its `CKR_` value and what to check.
#[test]
fn a_missing_token_directory_stops_the_start_saying_what_to_check() {
    let _turn = one_at_a_time();
    let hsm = SoftHsm::new("psc-no-dir");
    let site = Site::new();
    site.write_config(&config(&site, &hsm, USER_PIN));
    let conf = site.path().join("softhsm2-missing-dir.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\n",
            site.path().join("no-such-dir").display()
        ),
    )
    .unwrap();
    let mut command = Daemon::command(&site, &[]);
    command.env("SOFTHSM2_CONF", &conf);
    let mut daemon = Daemon::spawn(command);
    assert!(!daemon.wait_exit().success());
    let stderr = daemon.stderr();
    assert!(
        stderr.contains("C_Initialize returned CKR_") && stderr.contains("token directory"),
        "{stderr}"
    );
}
