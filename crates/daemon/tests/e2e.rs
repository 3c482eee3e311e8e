//! The real `parsec` binary, spawned: configuration, start-up, the published client, and a
//! clean stop on SIGTERM.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{Daemon, Site, client_with_timeout};
use parsec_client::BasicClient;
use parsec_client::core::interface::requests::ProviderId;
use rustix::process::Signal;

/// A site (`common::Site`) whose configuration is `config` with `{socket}` and `{store}`
/// replaced.
fn site(config: &str) -> Site {
    let site = Site::new();
    site.write_config(
        &config
            .replace("{socket}", &site.socket().display().to_string())
            .replace(
                "{store}",
                &site.path().join("keys.sqlite3").display().to_string(),
            ),
    );
    site
}

/// Starts the daemon on `site`, returning once it prints its endpoint, its first line.
fn spawn(site: &Site) -> Daemon {
    let daemon = Daemon::start(site);
    assert_eq!(
        daemon.stdout().lines().next().unwrap().trim(),
        format!("PARSEC_SERVICE_ENDPOINT=unix:{}", site.socket().display())
    );
    daemon
}

fn client(socket: &Path) -> BasicClient {
    client_with_timeout(socket, Duration::from_secs(10))
}

const CONFIG: &str = r#"
[core_settings]
allow_root = true

[listener]
listener_type = "DomainSocket"
timeout = 200
socket_path = "{socket}"

[authenticator]
auth_type = "UnixPeerCredentials"

# A key store of the test's own: the default one is locked by whichever daemon has it open.
[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{store}"

[[provider]]
provider_type = "MbedCrypto"
key_info_manager = "sqlite-manager"
"#;

#[test]
fn the_binary_serves_the_published_client_and_stops_on_sigterm() {
    let site = site(CONFIG);
    let mut daemon = spawn(&site);
    let client = client(&site.socket());
    assert_eq!(client.ping().unwrap(), (1, 0));
    assert_eq!(
        client.list_providers().unwrap().last().unwrap().id,
        ProviderId::Core
    );
    assert!(!client.list_opcodes(ProviderId::Core).unwrap().is_empty());
    assert_eq!(client.list_authenticators().unwrap().len(), 1);
    let mode = std::fs::metadata(site.socket()).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o666
    );

    daemon.signal(Signal::TERM);
    let status = daemon.wait_exit();
    assert!(status.success(), "{status}");
    assert!(!site.socket().exists(), "the socket is removed on exit");
}

#[test]
fn a_config_error_names_the_key_and_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[core_settings]\nallow_root = true\nbody_len_limt = 1\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_parsec"))
        .arg("-c")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("body_len_limt"), "{stderr}");
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
}

#[test]
fn root_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let socket = dir.path().join("parsec.sock");
    std::fs::write(
        &path,
        format!("[listener]\nsocket_path = \"{}\"\n", socket.display()),
    )
    .unwrap();
    if rustix::process::geteuid().is_root() {
        let output = Command::new(env!("CARGO_BIN_EXE_parsec"))
            .arg("-c")
            .arg(&path)
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("refusing to run as root"), "{stderr}");
        assert!(!socket.exists());
    } else {
        // Not root: the same configuration starts.
        let site = site(&format!("[listener]\nsocket_path = \"{}\"\n", "{socket}"));
        let mut daemon = spawn(&site);
        assert_eq!(client(&site.socket()).ping().unwrap(), (1, 0));
        daemon.child.kill().unwrap();
        daemon.child.wait().unwrap();
    }
}

#[test]
fn a_regular_file_at_the_socket_path_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("parsec.sock");
    std::fs::write(&socket, "precious").unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        CONFIG
            .replace("{socket}", &socket.display().to_string())
            .replace(
                "{store}",
                &dir.path().join("keys.sqlite3").display().to_string(),
            ),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_parsec"))
        .arg("-c")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a socket"));
    assert_eq!(std::fs::read_to_string(&socket).unwrap(), "precious");
}
