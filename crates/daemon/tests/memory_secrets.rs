//! No plaintext stays in the daemon's memory once its request is served, even while the
//! connection that carried it is kept open (issue 7): the real `parsec` binary encrypts a
//! 12 KiB plaintext, larger than a connection's read-ahead, for `psc-client` on a persistent
//! connection; then, with that connection still open, every writable mapping of the daemon
//! is read through `/proc/PID/mem` and searched for a random marker placed at the end of the
//! plaintext. A control proves the search sees the daemon's heap: the key's random name,
//! which the key index holds, is found.

// Test code (and the shared helpers in `common`): a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::fs::File;
use std::os::unix::fs::FileExt;

mod common;

use common::{Daemon, Options, Site};

/// Where `needle` occurs in the daemon's writable memory, as mapping lines of
/// `/proc/PID/maps`.
fn found_in_memory(pid: u32, needle: &[u8]) -> Vec<String> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let mem = File::open(format!("/proc/{pid}/mem"))
        .expect("reading the daemon's memory needs ptrace access to it (same user)");
    let mut found = Vec::new();
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (range, perms) = (fields.next().unwrap(), fields.next().unwrap());
        if !perms.starts_with("rw") {
            continue;
        }
        let (start, end) = range.split_once('-').unwrap();
        let start = u64::from_str_radix(start, 16).unwrap();
        let end = u64::from_str_radix(end, 16).unwrap();
        let mut bytes = vec![0u8; usize::try_from(end - start).unwrap()];
        // Guard pages and the like cannot be read; they hold nothing.
        if mem.read_exact_at(&mut bytes, start).is_err() {
            continue;
        }
        if bytes.windows(needle.len()).any(|window| window == needle) {
            found.push(line.to_owned());
        }
    }
    found
}

fn random_hex(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rustix::rand::getrandom(&mut bytes, rustix::rand::GetRandomFlags::empty()).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_served_plaintext_is_not_left_in_memory_while_its_connection_stays_open() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let daemon = Daemon::start(&site);

    let mut client = psc_client::Client::new(site.socket());
    client.discover(Some("memory-secrets")).unwrap();
    let key = format!("key-{}", random_hex(16));
    client.generate_encryption_key(&key).unwrap();

    let marker = format!("PLAINTEXT-MARKER-{}", random_hex(16));
    let mut plaintext = vec![b'p'; 12 * 1024 - marker.len()];
    plaintext.extend_from_slice(marker.as_bytes());
    let sealed = client.seal(&key, &plaintext, b"").unwrap();
    assert_eq!(
        sealed.len(),
        1 + 12 + plaintext.len() + 16,
        "version, nonce, ciphertext, tag"
    );
    // A short request after it, on the same connection, leaves the daemon waiting for the
    // next one, as an idle client would.
    client.ping().unwrap();
    assert_eq!(client.idle_connections(), 1, "the connection is kept open");
    assert!(!client.peer_is_per_request());

    let pid = daemon.child.id();
    assert!(
        !found_in_memory(pid, key.as_bytes()).is_empty(),
        "the search finds the key's name in the daemon's key index"
    );
    let found = found_in_memory(pid, marker.as_bytes());
    assert!(
        found.is_empty(),
        "the plaintext is still in the daemon's memory: {found:?}"
    );

    client.destroy_key(&key).unwrap();
}
