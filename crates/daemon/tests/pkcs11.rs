//! The real `parsec` binary with a `provider_type = "Pkcs11"` configuration on a SoftHSM2
//! token this test makes (issue 17): keys are created on the token, sign, verify, encrypt and
//! export, survive a restart of the daemon, and leave no object behind once destroyed; a
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

use std::process::Command;
use std::sync::{Mutex, MutexGuard, PoisonError};

use common::{Daemon, ECDSA_SHA256, Site, app_client, ecc_attributes};
use parsec_client::core::interface::operations::psa_algorithm::AsymmetricEncryption;
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, Lifetime, Policy, Type, UsageFlags,
};
use parsec_client::core::interface::requests::{ProviderId, ResponseStatus};
use parsec_client::error::Error;
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
[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{store}"
{table}"#,
        socket = site.socket().display(),
        store = site.store().display(),
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
    let listed = Command::new("pkcs11-tool")
        .env("SOFTHSM2_CONF", hsm.conf())
        .args(["--module", SOFTHSM2_LIBRARY, "--token-label", hsm.label()])
        .args(["--login", "--pin", USER_PIN, "--list-objects"])
        .output()
        .expect("pkcs11-tool runs (Debian package opensc)");
    assert!(listed.status.success(), "{listed:?}");
    String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter(|line| line.contains("Key Object"))
        .count()
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
