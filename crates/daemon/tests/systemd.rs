//! The real `parsec` binary under systemd's protocols: socket activation (through
//! `systemd-socket-activate`), sd_notify readiness, and the unit files in `deploy/`, checked
//! against the daemon so they cannot drift from it.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{DEADLINE, Daemon, Options, Site, naked_client, poll};
use parsec_client::core::interface::requests::ProviderId;
use psc_service::Config;
use psc_service::config::DEFAULT_SOCKET_PATH;
use rustix::process::Signal;

/// `systemd-socket-activate`, from Debian's `systemd` package. Its absence fails the test:
/// socket activation is a feature, and an untested feature must not look like a tested one.
fn socket_activate() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("systemd-socket-activate"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "systemd-socket-activate is not installed: install the systemd package \
                 (Debian: `apt-get install systemd`) to run the socket-activation test"
            )
        })
}

#[test]
fn a_socket_passed_by_systemd_is_served_and_the_configured_path_is_not_bound() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let activated = site.path().join("activated.sock");
    let mut command = Command::new(socket_activate());
    command
        .arg("-l")
        .arg(&activated)
        .arg(env!("CARGO_BIN_EXE_parsec"))
        .arg("--config")
        .arg(site.config());
    let mut daemon = Daemon::spawn(command);
    poll("systemd-socket-activate to create its socket", || {
        activated.exists().then_some(())
    });

    // The first connection makes systemd-socket-activate exec the daemon, which then
    // accepts that very connection from the inherited socket.
    let client = naked_client(&activated);
    assert_eq!(client.ping().unwrap(), (1, 0));
    let providers = client.list_providers().unwrap();
    assert_eq!(providers.first().unwrap().id, ProviderId::MbedCrypto);
    assert_eq!(providers.last().unwrap().id, ProviderId::Core);

    assert!(
        !site.socket().exists(),
        "the configured socket_path is bound"
    );
    assert!(!site.socket().parent().unwrap().exists());
    // systemd-socket-activate execs the daemon in place: one process, so one SIGTERM
    // stops everything it started.
    let exe = std::fs::read_link(format!("/proc/{}/exe", daemon.child.id())).unwrap();
    assert_eq!(exe, Path::new(env!("CARGO_BIN_EXE_parsec")));
    daemon.stop();
    // Nothing was bound, so no endpoint of its own is announced.
    assert!(
        !daemon.stdout().contains("PARSEC_SERVICE_ENDPOINT"),
        "{}",
        daemon.stdout()
    );
    assert!(
        activated.exists(),
        "the inherited socket belongs to systemd and is left in place"
    );
}

/// Receives datagrams until one contains `needle`; returns everything received.
fn expect_notification(socket: &UnixDatagram, needle: &str) -> Vec<String> {
    let deadline = Instant::now() + DEADLINE;
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !seen.iter().any(|m: &String| m.contains(needle)) {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no {needle:?} notification; got {seen:?}");
        socket.set_read_timeout(Some(left)).unwrap();
        match socket.recv(&mut buf) {
            Ok(n) => seen.push(String::from_utf8_lossy(&buf[..n]).into_owned()),
            Err(error) => panic!("no {needle:?} notification ({error}); got {seen:?}"),
        }
    }
    seen
}

#[test]
fn sd_notify_reports_ready_reloading_and_stopping() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let notify_path = site.path().join("notify.sock");
    let notify = UnixDatagram::bind(&notify_path).unwrap();
    let mut command = Daemon::command(&site, &[]);
    command.env("NOTIFY_SOCKET", &notify_path);
    let mut daemon = Daemon::spawn(command);

    let ready = expect_notification(&notify, "READY=1");
    assert!(!ready.iter().any(|m| m.contains("STOPPING=1")), "{ready:?}");
    // READY=1 means serving: a client gets an answer at once.
    assert_eq!(naked_client(&site.socket()).ping().unwrap(), (1, 0));

    daemon.signal(Signal::HUP);
    let reload = expect_notification(&notify, "RELOADING=1");
    let after = expect_notification(&notify, "READY=1");
    assert!(
        !reload
            .iter()
            .chain(&after)
            .any(|m| m.contains("STOPPING=1")),
        "{reload:?} {after:?}"
    );
    assert_eq!(naked_client(&site.socket()).ping().unwrap(), (1, 0));

    daemon.signal(Signal::TERM);
    expect_notification(&notify, "STOPPING=1");
    let status = daemon.wait_exit();
    assert!(status.success(), "{status}; stderr:\n{}", daemon.stderr());
}

/// One unit file as (section, key, value) triples, in order.
fn unit(name: &str) -> Vec<(String, String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut section = String::new();
    let mut entries = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_owned();
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("{name}: not `key=value`: {line}"));
        entries.push((section.clone(), key.trim().into(), value.trim().into()));
    }
    entries
}

/// Every value of `key` in `section`.
fn values<'a>(unit: &'a [(String, String, String)], section: &str, key: &str) -> Vec<&'a str> {
    unit.iter()
        .filter(|(s, k, _)| s == section && k == key)
        .map(|(_, _, v)| v.as_str())
        .collect()
}

#[test]
fn the_unit_files_match_the_daemon() {
    let service = unit("parsec.service");
    let socket = unit("parsec.socket");
    let one = |unit, section, key| -> String {
        let found = values(unit, section, key);
        assert_eq!(found.len(), 1, "[{section}] {key}: {found:?}");
        found[0].to_owned()
    };

    assert_eq!(one(&service, "Service", "Type"), "notify");
    assert_eq!(
        one(&service, "Service", "ExecStart"),
        "/usr/libexec/parsec/parsec --config /etc/parsec/config.toml"
    );
    assert_eq!(
        one(&service, "Service", "ExecReload"),
        "/bin/kill -HUP $MAINPID"
    );
    assert_eq!(one(&service, "Service", "User"), "parsec");
    assert_eq!(one(&service, "Service", "StateDirectory"), "parsec");
    assert_eq!(one(&service, "Service", "ProtectSystem"), "strict");
    assert_eq!(
        one(&service, "Service", "RestrictAddressFamilies"),
        "AF_UNIX"
    );
    assert!(one(&service, "Unit", "Requires").contains("parsec.socket"));
    assert!(one(&service, "Unit", "After").contains("parsec.socket"));
    // The service's own runtime directory would be deleted, with the socket unit's socket in
    // it, every time the service stops.
    assert!(values(&service, "Service", "RuntimeDirectory").is_empty());

    assert_eq!(one(&socket, "Socket", "ListenStream"), DEFAULT_SOCKET_PATH);
    assert_eq!(one(&socket, "Socket", "SocketMode"), "0666");
    assert_eq!(one(&socket, "Socket", "Accept"), "no");
    assert_eq!(one(&socket, "Install", "WantedBy"), "sockets.target");
}

/// The example configuration parses, serves the socket the units create, and keeps every
/// file inside StateDirectory=, the only writable place the service unit leaves.
#[test]
fn the_deployed_config_parses_and_fits_the_units() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/config.toml");
    let config = Config::load(&path).unwrap();
    let socket = unit("parsec.socket");
    assert_eq!(
        config.socket_path,
        Path::new(values(&socket, "Socket", "ListenStream")[0])
    );
    assert!(!config.allow_root, "the unit runs it as the parsec user");
    assert!(!config.providers.is_empty());
    for provider in &config.providers {
        assert!(provider.key_store.starts_with("/var/lib/parsec/"));
        assert_eq!(
            provider.provider_type, "MbedCrypto",
            "{provider:?}: only the software provider is expected here"
        );
        let options =
            psc_provider_software::SoftwareOptions::parse(&provider.options, &provider.key_store)
                .unwrap();
        assert!(options.master_key_path.starts_with("/var/lib/parsec/"));
    }
}
