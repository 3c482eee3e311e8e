//! The real `parsec` binary through its life: an original Parsec `config.toml` started
//! unchanged, keys kept across a restart, in-flight requests finished on SIGTERM, and the
//! root check with its `--allow-root` escape.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use common::{Daemon, ECDSA_SHA256, Options, Site, app_client, ecc_attributes, naked_client};
use parsec_client::core::interface::requests::{ProviderId, ResponseStatus};
use parsec_client::error::Error;
use psc_wire::header::HEADER_LEN;
use psc_wire::{
    AuthType, Opcode, ProviderId as WireProvider, RequestHeader, Response, Status, frame,
};
use rustix::process::Signal;

fn service_status<T: std::fmt::Debug>(result: Result<T, Error>) -> ResponseStatus {
    match result {
        Err(Error::Service(status)) => status,
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[test]
fn an_original_config_serves_the_parsec_tool_key_lifecycle() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let mut daemon = Daemon::start(&site);
    let client = app_client(&site.socket());
    assert_eq!(client.ping().unwrap(), (1, 0));
    assert_eq!(client.implicit_provider(), ProviderId::MbedCrypto);

    client.psa_generate_key("ecc", ecc_attributes()).unwrap();
    let hash = [0x5a; 32];
    let signature = client.psa_sign_hash("ecc", &hash, ECDSA_SHA256).unwrap();
    assert_eq!(signature.len(), 64);
    client
        .psa_verify_hash("ecc", &hash, ECDSA_SHA256, &signature)
        .unwrap();
    let tampered = client.psa_verify_hash("ecc", &[0x5b; 32], ECDSA_SHA256, &signature);
    assert_eq!(
        service_status(tampered),
        ResponseStatus::PsaErrorInvalidSignature
    );
    let public = client.psa_export_public_key("ecc").unwrap();
    assert_eq!(
        (public.len(), public[0]),
        (65, 0x04),
        "uncompressed P-256 point"
    );

    let keys = client.list_keys().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (keys[0].name.as_str(), keys[0].provider_id),
        ("ecc", ProviderId::MbedCrypto)
    );
    assert_eq!(keys[0].attributes.policy, ecc_attributes().policy);
    // The `[[key_manager]]` section decides where keys are recorded; the master key sits
    // beside the store by default.
    assert!(site.store().is_file(), "{}", site.store().display());
    assert!(site.store().with_file_name("psc-master.key").is_file());

    client.psa_destroy_key("ecc").unwrap();
    assert!(client.list_keys().unwrap().is_empty());
    let gone = client.psa_sign_hash("ecc", &hash, ECDSA_SHA256);
    assert_eq!(service_status(gone), ResponseStatus::PsaErrorDoesNotExist);
    daemon.stop();
}

#[test]
fn keys_survive_a_restart_of_the_binary() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options {
        master_key_option: true,
        ..Options::default()
    }));
    let mut first = Daemon::start(&site);
    let client = app_client(&site.socket());
    client.psa_generate_key("kept", ecc_attributes()).unwrap();
    let public = client.psa_export_public_key("kept").unwrap();
    let hash = [0x11; 32];
    let signature = client.psa_sign_hash("kept", &hash, ECDSA_SHA256).unwrap();
    first.stop();
    assert!(!site.socket().exists(), "the socket is removed at exit");
    assert!(site.master_key().is_file(), "master_key_path is honoured");

    let mut second = Daemon::start(&site);
    let client = app_client(&site.socket());
    assert_eq!(client.psa_export_public_key("kept").unwrap(), public);
    client
        .psa_verify_hash("kept", &hash, ECDSA_SHA256, &signature)
        .unwrap();
    let again = client
        .psa_sign_hash("kept", &[0x22; 32], ECDSA_SHA256)
        .unwrap();
    client
        .psa_verify_hash("kept", &[0x22; 32], ECDSA_SHA256, &again)
        .unwrap();
    let names: Vec<String> = client
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names, ["kept"]);
    second.stop();
}

/// A request whose body is still on its way when SIGTERM arrives is read, served and
/// answered; meanwhile no new connection is served; then the daemon exits 0.
#[test]
fn sigterm_lets_an_in_flight_request_finish() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options {
        timeout_ms: 3000,
        ..Options::default()
    }));
    let mut daemon = Daemon::start(&site);
    let header = RequestHeader::new(WireProvider::Core, AuthType::NoAuth, Opcode::ListOpcodes);
    let request = frame::encode_request(header, &[0x08, 0x00], &[]).unwrap();
    let (head, body) = request.split_at(HEADER_LEN);
    assert_eq!(body, [0x08, 0x00]);

    let mut stream = UnixStream::connect(site.socket()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(head).unwrap();
    // Accept is event-driven: the daemon takes the connection and reads the header well
    // within this pause, so SIGTERM finds the request in flight.
    std::thread::sleep(Duration::from_millis(100));
    daemon.signal(Signal::TERM);
    std::thread::sleep(Duration::from_millis(200));

    assert!(
        refused(&site),
        "a connection made after SIGTERM must not be served"
    );
    assert!(
        daemon.child.try_wait().unwrap().is_none(),
        "the daemon waits for the request in flight"
    );

    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let (reply, reply_body) = frame::decode_response(&response).unwrap();
    assert_eq!(reply.status, Status::Success);
    assert_eq!(reply.opcode, Opcode::ListOpcodes);
    let Response::ListOpcodes(list) = Response::decode(Opcode::ListOpcodes, reply_body).unwrap()
    else {
        panic!("not a ListOpcodes response");
    };
    assert!(list.opcodes.contains(&Opcode::Ping));

    let status = daemon.wait_exit();
    assert!(status.success(), "{status}; stderr:\n{}", daemon.stderr());
}

/// Whether a new connection to the site's socket fails, or is closed without an answer; a
/// connection left waiting (queued on a listener nobody accepts from) is not refused.
fn refused(site: &Site) -> bool {
    let Ok(mut stream) = UnixStream::connect(site.socket()) else {
        return true;
    };
    let ping = RequestHeader::new(WireProvider::Core, AuthType::NoAuth, Opcode::Ping);
    let frame = frame::encode_request(ping, &[], &[]).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    if stream.write_all(&frame).is_err() {
        return true;
    }
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => answer.is_empty(),
        Err(error) => !matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

/// As in the original: root is refused unless allowed; the refusal says how to allow it, and
/// `--allow-root` does. When the tests do not run as root, the same configuration starts.
#[test]
fn root_is_refused_with_the_way_out_and_allow_root_starts() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options {
        allow_root: false,
        ..Options::default()
    }));
    if !rustix::process::geteuid().is_root() {
        let mut daemon = Daemon::start(&site);
        assert_eq!(naked_client(&site.socket()).ping().unwrap(), (1, 0));
        daemon.stop();
        return;
    }
    let mut refused = Daemon::spawn(Daemon::command(&site, &[]));
    let status = refused.wait_exit();
    assert!(!status.success());
    let stderr = refused.stderr();
    assert!(stderr.contains("refusing to run as root"), "{stderr}");
    assert!(stderr.contains("allow_root"), "{stderr}");
    assert!(stderr.contains("--allow-root"), "{stderr}");
    assert!(!site.socket().exists());
    assert!(
        !site.store().exists(),
        "nothing is created before the check"
    );

    let mut allowed = Daemon::spawn(Daemon::command(&site, &["--allow-root"]));
    allowed.wait_serving(&site.socket());
    assert_eq!(naked_client(&site.socket()).ping().unwrap(), (1, 0));
    allowed.stop();
}

/// The software provider's options are its crate's to parse: a wrong one stops the start,
/// naming the option, its line and the file.
#[test]
fn a_wrong_software_provider_option_stops_the_start_naming_it() {
    let site = Site::new();
    let config = site.original_config(&Options::default());
    let line = config.lines().count() + 1;
    site.write_config(&format!("{config}key_cach_size = 16\n"));
    let stderr = Daemon::refused(&site);
    assert!(stderr.contains("key_cach_size"), "{stderr}");
    assert!(stderr.contains(&format!("line {line}")), "{stderr}");
    assert!(
        stderr.contains(&site.config().display().to_string()),
        "{stderr}"
    );
    assert!(!site.socket().exists(), "it bound its socket");
}
