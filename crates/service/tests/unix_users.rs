//! Two Unix users, authenticated by the kernel's peer credentials, cannot see, use, export or
//! delete each other's keys. The second user is created by the test (it needs root); the
//! test fails, rather than passing silently, when it cannot run: set PSC_SKIP_ROOT_TESTS=1 to
//! switch it off on a machine where you are not root (see the README).

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use parsec_client::auth::Authentication;
use parsec_client::core::interface::operations::psa_algorithm::AsymmetricSignature;
use parsec_client::core::interface::requests::ResponseStatus;
use psc_testkit::TestDaemon;
use psc_testkit::published::{ECDSA_SHA256, ecc_signing_attributes, service_status};

const OTHER_USER: &str = "psc-test-other";
const ECDSA: AsymmetricSignature = ECDSA_SHA256;

/// The other user's side, run in a child process under that user's UID.
fn as_other_user(endpoint: &str) {
    let socket = endpoint.trim_start_matches("unix:");
    let mut client = parsec_client::BasicClient::default();
    let handler = parsec_client::core::ipc_handler::unix_socket::Handler::new(
        socket.into(),
        Some(std::time::Duration::from_secs(10)),
    )
    .unwrap();
    client.set_ipc_handler(Box::new(handler));
    client.set_default_provider().unwrap();
    client.set_auth_data(Authentication::UnixPeerCredentials);
    assert!(
        client.list_keys().unwrap().is_empty(),
        "root's key is visible"
    );
    for name in ["k", "absent"] {
        assert_eq!(
            service_status(client.psa_sign_hash(name, &[0; 32], ECDSA)),
            ResponseStatus::PsaErrorDoesNotExist
        );
        assert_eq!(
            service_status(client.psa_export_public_key(name)),
            ResponseStatus::PsaErrorDoesNotExist
        );
        assert_eq!(
            service_status(client.psa_destroy_key(name)),
            ResponseStatus::PsaErrorDoesNotExist
        );
    }
    client
        .psa_generate_key("k", ecc_signing_attributes())
        .unwrap();
    let signature = client.psa_sign_hash("k", &[1; 32], ECDSA).unwrap();
    client
        .psa_verify_hash("k", &[1; 32], ECDSA, &signature)
        .unwrap();
}

#[test]
fn two_unix_users_are_isolated() {
    if let Ok(endpoint) = std::env::var("PSC_OTHER_USER_ENDPOINT") {
        return as_other_user(&endpoint);
    }
    if std::env::var_os("PSC_SKIP_ROOT_TESTS").is_some() {
        eprintln!("switched off by PSC_SKIP_ROOT_TESTS");
        return;
    }
    assert!(
        rustix::process::geteuid().is_root(),
        "this test creates a second Unix user and needs root; set PSC_SKIP_ROOT_TESTS=1 to switch it off"
    );
    let uid = ensure_user(OTHER_USER);
    let daemon = TestDaemon::start();
    // The other user must reach the socket: open the directory and the socket to everyone, as
    // the daemon does for its own socket.
    std::fs::set_permissions(daemon.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(daemon.socket_path(), std::fs::Permissions::from_mode(0o666)).unwrap();
    let root = daemon.published_client(Authentication::UnixPeerCredentials);
    root.psa_generate_key("k", ecc_signing_attributes())
        .unwrap();
    let root_public = root.psa_export_public_key("k").unwrap();

    // Run this test binary as the other user, from a copy it can execute.
    let copy = daemon.dir().join("as-other-user");
    std::fs::copy(std::env::current_exe().unwrap(), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = Command::new("setpriv")
        .args([
            format!("--reuid={uid}"),
            format!("--regid={uid}"),
            "--clear-groups".into(),
        ])
        .arg(&copy)
        .args(["--exact", "two_unix_users_are_isolated", "--nocapture"])
        .env("PSC_OTHER_USER_ENDPOINT", daemon.endpoint())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the other user's checks failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Root's key is untouched, and the other user's "k" is not root's.
    assert_eq!(root.psa_export_public_key("k").unwrap(), root_public);
    assert_eq!(root.list_keys().unwrap().len(), 1);
    let admin_view = daemon.published_client(Authentication::Direct("admin".into()));
    assert!(admin_view.list_keys().unwrap().is_empty());
}

/// Creates the system user if needed and returns its UID.
fn ensure_user(name: &str) -> u32 {
    let exists = Command::new("id").args(["-u", name]).output().unwrap();
    if !exists.status.success() {
        let created = Command::new("useradd")
            .args([
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ])
            .status()
            .unwrap();
        assert!(created.success(), "useradd {name} failed");
    }
    let id = Command::new("id").args(["-u", name]).output().unwrap();
    String::from_utf8(id.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}
