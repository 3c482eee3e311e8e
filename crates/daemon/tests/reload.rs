//! SIGHUP on the real `parsec` binary: a configuration file broken in place is refused, with a
//! message naming the offending key, and the old configuration keeps serving; a valid change
//! applies without a restart.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use common::{Daemon, ECDSA_SHA256, Options, Site, app_client, ecc_attributes, our_uid, poll};
use parsec_client::core::interface::requests::ResponseStatus;
use parsec_client::error::Error;
use rustix::process::Signal;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use psc_wire::header::{FLAG_KEEP_ALIVE, HEADER_LEN, RawHeader};
use psc_wire::{AuthType, Opcode, ResponseHeader, Status, frame};

#[test]
fn a_reload_with_an_unknown_key_is_refused_and_the_old_config_keeps_serving() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let mut daemon = Daemon::start(&site);
    let client = app_client(&site.socket());
    client.psa_generate_key("before", ecc_attributes()).unwrap();

    site.write_config(&site.original_config(&Options {
        core_extra: "tread_pool_size = 2\n".into(),
        ..Options::default()
    }));
    daemon.signal(Signal::HUP);
    let stderr = daemon.wait_stderr("reload refused");
    let refusal = stderr
        .lines()
        .find(|line| line.contains("reload refused"))
        .unwrap();
    assert!(refusal.contains("tread_pool_size"), "{refusal}");
    assert!(
        refusal.contains(&site.config().display().to_string()),
        "{refusal}"
    );

    assert_eq!(client.ping().unwrap(), (1, 0));
    let hash = [0x33; 32];
    let signature = client.psa_sign_hash("before", &hash, ECDSA_SHA256).unwrap();
    client
        .psa_verify_hash("before", &hash, ECDSA_SHA256, &signature)
        .unwrap();
    daemon.stop();
}

#[test]
fn a_valid_reload_applies_new_admins() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let mut daemon = Daemon::start(&site);
    let client = app_client(&site.socket());
    client.psa_generate_key("mine", ecc_attributes()).unwrap();
    match client.list_clients() {
        Err(Error::Service(ResponseStatus::AdminOperation)) => {}
        other => panic!("ListClients before we are admin: {other:?}"),
    }

    site.write_config(&site.original_config(&Options {
        admins: vec![our_uid()],
        ..Options::default()
    }));
    daemon.signal(Signal::HUP);
    let clients = poll("ListClients to succeed after SIGHUP", || {
        match client.list_clients() {
            Ok(clients) => Some(clients),
            Err(Error::Service(ResponseStatus::AdminOperation)) => None,
            Err(other) => panic!("ListClients after SIGHUP: {other:?}"),
        }
    });
    assert_eq!(clients, [our_uid()]);
    daemon.wait_stderr("configuration reloaded");
    // The key store is carried over: the key made before the reload still signs.
    client
        .psa_sign_hash("mine", &[0x44; 32], ECDSA_SHA256)
        .unwrap();
    daemon.stop();
}

/// A ListClients request that keeps its connection open, authenticated by our UID.
fn list_clients_keep_alive() -> Vec<u8> {
    let uid = rustix::process::getuid().as_raw().to_le_bytes();
    let raw = RawHeader {
        version_major: 1,
        flags: FLAG_KEEP_ALIVE,
        opcode: Opcode::ListClients.code(),
        auth_type: AuthType::UnixPeerCredentials as u8,
        auth_len: 4,
        ..RawHeader::default()
    };
    [raw.encode().as_slice(), &uid].concat()
}

/// Sends one request on `stream` and reads its whole answer's header.
fn exchange(stream: &mut UnixStream, request: &[u8]) -> ResponseHeader {
    stream.write_all(request).unwrap();
    let mut header = [0u8; HEADER_LEN];
    stream.read_exact(&mut header).unwrap();
    let body_len = u32::from_le_bytes([header[22], header[23], header[24], header[25]]);
    let mut body = vec![0u8; body_len as usize];
    stream.read_exact(&mut body).unwrap();
    frame::decode_response(&[header.as_slice(), &body].concat())
        .unwrap()
        .0
}

/// A daemon whose configuration names the test's user as its only administrator.
fn started_with_us_as_admin() -> (Site, Daemon) {
    let site = Site::new();
    site.write_config(&site.original_config(&Options {
        admins: vec![our_uid()],
        ..Options::default()
    }));
    let daemon = Daemon::start(&site);
    (site, daemon)
}

#[test]
fn a_reload_reaches_a_connection_kept_open_across_it() {
    let (site, mut daemon) = started_with_us_as_admin();
    let mut stream = UnixStream::connect(site.socket()).unwrap();
    let request = list_clients_keep_alive();
    let header = exchange(&mut stream, &request);
    assert_eq!(
        (header.status, header.flags),
        (Status::Success, FLAG_KEEP_ALIVE),
        "an administrator lists clients, and the connection is kept"
    );

    // The administrator is removed while the connection waits for its next request.
    site.write_config(&site.original_config(&Options::default()));
    daemon.signal(Signal::HUP);
    daemon.wait_stderr("configuration reloaded");

    // The same connection: its next request is served under the new configuration.
    let header = exchange(&mut stream, &request);
    assert_eq!(
        header.status,
        Status::AdminOperation,
        "a request after the reload, on a connection opened before it, is refused as non-admin"
    );
    assert_eq!(header.flags, FLAG_KEEP_ALIVE, "still the same connection");
    daemon.stop();
}

#[test]
fn a_reload_while_a_request_arrives_applies_to_it() {
    let (site, mut daemon) = started_with_us_as_admin();
    // The connection is accepted and the first bytes of an administrator's request are in
    // when the administrator is removed; the rest comes after the reload.
    let mut stream = UnixStream::connect(site.socket()).unwrap();
    let request = list_clients_keep_alive();
    let (head, tail) = request.split_at(10);
    stream.write_all(head).unwrap();
    site.write_config(&site.original_config(&Options::default()));
    daemon.signal(Signal::HUP);
    daemon.wait_stderr("configuration reloaded");
    let header = exchange(&mut stream, tail);
    assert_eq!(
        header.status,
        Status::AdminOperation,
        "a request whose end arrived after the reload is served under the new configuration"
    );
    daemon.stop();
}
