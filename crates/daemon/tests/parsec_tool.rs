//! The published `parsec-tool` 0.7 (installed by `scripts/test` with `cargo install`), run
//! unchanged against the real daemon: what scripts written for the original Parsec do.
//!
//! The test fails when the tool is absent, rather than passing silently; set
//! PSC_SKIP_PARSEC_TOOL=1 to switch it off (see the README).

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::openssl_verifies;

struct Daemon {
    child: Child,
    endpoint: String,
    dir: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Daemon {
    let dir = tempfile::tempdir().unwrap();
    let uid = rustix::process::getuid().as_raw();
    let config = format!(
        r#"
[core_settings]
allow_root = true
[listener]
listener_type = "DomainSocket"
timeout = 2000
socket_path = "{dir}/parsec.sock"
[authenticator]
auth_type = "UnixPeerCredentials"
admins = [ {{ name = "{uid}" }} ]
[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{dir}/kim/keys.sqlite3"
[[provider]]
provider_type = "MbedCrypto"
key_info_manager = "sqlite-manager"
"#,
        dir = dir.path().display()
    );
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_parsec"))
        .arg("--config")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let endpoint = line
        .trim()
        .strip_prefix("PARSEC_SERVICE_ENDPOINT=")
        .unwrap()
        .to_owned();
    Daemon {
        child,
        endpoint,
        dir,
    }
}

/// The published tool: PSC_PARSEC_TOOL, or `parsec-tool` on PATH, checked to be 0.7.
fn published_tool() -> Option<PathBuf> {
    let tool =
        std::env::var_os("PSC_PARSEC_TOOL").map_or_else(|| "parsec-tool".into(), PathBuf::from);
    let version = Command::new(&tool).arg("--version").output().ok()?;
    String::from_utf8_lossy(&version.stdout)
        .contains("0.7.")
        .then_some(tool)
}

fn run(tool: &Path, daemon: &Daemon, args: &[&str]) -> Output {
    let output = Command::new(tool)
        .args(args)
        .env("PARSEC_SERVICE_ENDPOINT", &daemon.endpoint)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "parsec-tool {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn the_published_parsec_tool_works_unchanged() {
    if std::env::var_os("PSC_SKIP_PARSEC_TOOL").is_some() {
        eprintln!("switched off by PSC_SKIP_PARSEC_TOOL");
        return;
    }
    let Some(tool) = published_tool() else {
        panic!(
            "parsec-tool 0.7 is not installed: run `cargo install parsec-tool --version 0.7.0 \
             --locked` (scripts/test does), or set PSC_SKIP_PARSEC_TOOL=1"
        );
    };
    let daemon = start();
    assert_eq!(stdout(&run(&tool, &daemon, &["ping"])).trim(), "1.0");
    let providers = stdout(&run(&tool, &daemon, &["list-providers"]));
    assert!(
        providers.starts_with("ID: 0x01 (Mbed Crypto provider)"),
        "{providers}"
    );
    assert!(
        providers.contains("ID: 0x00 (Core provider)"),
        "{providers}"
    );
    let authenticators = stdout(&run(&tool, &daemon, &["list-authenticators"]));
    assert!(authenticators.contains("ID: 0x03 (Unix Peer Credentials authentication)"));
    let opcodes = stdout(&run(&tool, &daemon, &["list-opcodes", "--provider", "1"]));
    assert!(opcodes.contains("PsaSignHash"), "{opcodes}");

    run(
        &tool,
        &daemon,
        &["create-ecc-key", "--key-name", "tool-key"],
    );
    let signature = stdout(&run(
        &tool,
        &daemon,
        &["sign", "--key-name", "tool-key", "hello"],
    ));
    let pem = stdout(&run(
        &tool,
        &daemon,
        &["export-public-key", "--key-name", "tool-key"],
    ));
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    openssl_verifies(daemon.dir.path(), &pem, signature.trim(), b"hello");

    let keys = stdout(&run(&tool, &daemon, &["list-keys"]));
    assert!(
        keys.contains("tool-key (Mbed Crypto provider, EccKeyPair"),
        "{keys}"
    );
    let uid = rustix::process::getuid().as_raw().to_string();
    assert_eq!(stdout(&run(&tool, &daemon, &["list-clients"])).trim(), uid);
    run(&tool, &daemon, &["delete-key", "--key-name", "tool-key"]);
    let after = Command::new(&tool)
        .args(["list-keys"])
        .env("PARSEC_SERVICE_ENDPOINT", &daemon.endpoint)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&after.stdout).contains("tool-key"));
}
