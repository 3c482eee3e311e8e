//! The real `parsec` binary, spawned: configuration, start-up, the published client, and a
//! clean stop on SIGTERM.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use parsec_client::BasicClient;
use parsec_client::core::interface::requests::ProviderId;
use parsec_client::core::ipc_handler::unix_socket::Handler;

struct Daemon {
    child: Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

/// Writes `config` (with `{socket}` replaced) to a temporary file and starts the daemon on
/// it, returning once it prints its endpoint.
fn spawn(config: &str) -> Daemon {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("run").join("parsec.sock");
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        config
            .replace("{socket}", &socket.display().to_string())
            .replace(
                "{store}",
                &dir.path().join("keys.sqlite3").display().to_string(),
            ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_parsec"))
        .arg("--config")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        format!("PARSEC_SERVICE_ENDPOINT=unix:{}", socket.display())
    );
    Daemon {
        child,
        socket,
        _dir: dir,
    }
}

fn client(socket: &Path) -> BasicClient {
    let mut client = BasicClient::default();
    let handler = Handler::new(socket.to_owned(), Some(Duration::from_secs(10))).unwrap();
    client.set_ipc_handler(Box::new(handler));
    client
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
    let mut daemon = spawn(CONFIG);
    let client = client(&daemon.socket);
    assert_eq!(client.ping().unwrap(), (1, 0));
    assert_eq!(
        client.list_providers().unwrap().last().unwrap().id,
        ProviderId::Core
    );
    assert!(!client.list_opcodes(ProviderId::Core).unwrap().is_empty());
    assert_eq!(client.list_authenticators().unwrap().len(), 1);
    let mode = std::fs::metadata(&daemon.socket).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o666
    );

    let pid = rustix::process::Pid::from_raw(i32::try_from(daemon.child.id()).unwrap()).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let status = daemon.child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(!daemon.socket.exists(), "the socket is removed on exit");
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
        let mut daemon = spawn(&format!("[listener]\nsocket_path = \"{}\"\n", "{socket}"));
        assert_eq!(client(&daemon.socket).ping().unwrap(), (1, 0));
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
