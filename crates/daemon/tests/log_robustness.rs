//! Logs can be neither forged nor fatal (issue 23, item 10), on the real `parsec` binary:
//!
//! - a Direct application whose name holds a newline and an escape sequence, at
//!   `RUST_LOG=debug`, cannot write a line of its own nor a raw ESC byte into the log;
//! - a key name with a bidirectional override is refused;
//! - with stderr a closed pipe, or `/dev/full`, every log write fails: the daemon keeps
//!   serving through a flood of refused requests and past its connection cap (before, the
//!   first failed write panicked, and at the cap the accept loop died with the daemon).

// Test code (and the shared helpers in `common`): a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use psc_client::{Auth, Client, Status};

mod common;

use common::{Daemon, Options, Site, naked_client, poll};

/// The Direct application's name: a forged log line, then colour.
const FORGER: &str = "forger\nERROR psc: FORGED LINE\u{1b}[31m";

fn direct_config(site: &Site, options: &Options) -> String {
    site.original_config(options).replace(
        "auth_type = \"UnixPeerCredentials\"",
        "auth_type = \"Direct\"",
    )
}

#[test]
fn names_cannot_forge_log_lines_and_bidi_key_names_are_refused() {
    let site = Site::new();
    site.write_config(&direct_config(&site, &Options::default()));
    let mut command = Daemon::command(&site, &[]);
    command.env("RUST_LOG", "debug");
    let mut daemon = Daemon::spawn(command);
    daemon.wait_serving(&site.socket());

    let mut client = Client::new(site.socket());
    client.discover(Some(FORGER)).unwrap();
    assert_eq!(client.auth(), &Auth::Direct(FORGER.into()));
    assert!(client.list_keys().unwrap().is_empty());
    let bidi = "invoice\u{202e}fdp.exe";
    let refused = client
        .generate_key(bidi, psc_client::easy::signing_attributes())
        .unwrap_err();
    assert_eq!(
        refused.status(),
        Some(Status::PsaErrorInvalidArgument),
        "{refused}"
    );
    let stderr = daemon.wait_stderr("bidirectional");

    assert!(
        stderr.contains(r"forger\u{a}ERROR psc: FORGED LINE"),
        "the name is logged, escaped: {stderr}"
    );
    assert!(
        !stderr
            .lines()
            .any(|line| line.starts_with("ERROR psc: FORGED")),
        "a forged line: {stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "a raw ESC in the log: {stderr}");
    assert!(
        !stderr.contains('\u{202e}'),
        "a raw bidi override: {stderr}"
    );
    daemon.stop();
}

/// Starts the daemon with `stderr` as its log, on a configuration with a cap of 4
/// connections, and returns it once it prints its endpoint on stdout.
fn start_with_stderr(site: &Site, stderr: Stdio) -> (Child, std::process::ChildStdout) {
    site.write_config(&site.original_config(&Options {
        core_extra: "max_connections = 4\n".into(),
        ..Options::default()
    }));
    let mut child = Command::new(env!("CARGO_BIN_EXE_parsec"))
        .arg("--config")
        .arg(site.config())
        .env("RUST_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\n") {
        assert_eq!(stdout.read(&mut byte).unwrap(), 1, "stdout closed early");
        line.push(byte[0]);
    }
    assert!(line.starts_with(b"PARSEC_SERVICE_ENDPOINT="));
    (child, stdout)
}

/// Refused requests, kept-open connections beyond the cap, and pings: the daemon answers
/// throughout and is still running at the end.
fn flood_and_check(site: &Site, child: &mut Child) {
    let ping = naked_client(&site.socket());
    assert_eq!(ping.ping().unwrap(), (1, 0));
    for _ in 0..200 {
        // A bad magic number: answered, logged at WARN.
        let mut stream = UnixStream::connect(site.socket()).unwrap();
        stream.write_all(&[0u8; 36]).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        assert!(!answer.is_empty(), "a malformed request gets an answer");
    }
    // Twice the cap of silent connections: those beyond it are refused (a WARN each).
    let held: Vec<UnixStream> = (0..8)
        .map(|_| UnixStream::connect(site.socket()).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    assert!(child.try_wait().unwrap().is_none(), "the daemon died");
    drop(held);
    let served = poll("a ping after the flood", || ping.ping().ok());
    assert_eq!(served, (1, 0));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the daemon exited: {:?}",
        child.try_wait()
    );
}

fn stop(mut child: Child) {
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&child),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    let status = poll("the daemon to exit", || child.try_wait().unwrap());
    assert!(status.success(), "{status}");
}

#[test]
fn a_closed_stderr_is_not_fatal() {
    let site = Site::new();
    let (mut child, _stdout) = start_with_stderr(&site, Stdio::piped());
    // The read end of the log pipe closes: every write to stderr fails with EPIPE.
    drop(child.stderr.take());
    flood_and_check(&site, &mut child);
    stop(child);
}

#[test]
fn a_full_log_device_is_not_fatal() {
    let site = Site::new();
    let full = OpenOptions::new().write(true).open("/dev/full").unwrap();
    let (mut child, _stdout) = start_with_stderr(&site, Stdio::from(full));
    flood_and_check(&site, &mut child);
    stop(child);
}
