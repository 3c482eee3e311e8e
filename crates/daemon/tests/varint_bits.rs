//! Over the real socket (issue 23, item 11): a PsaGenerateKey whose `key_bits` varint is
//! 2^32 + 256 is answered InvalidEncoding and creates nothing. Before, the decoder kept the
//! low 32 bits and the daemon made a 256-bit key of a size the client never asked for.

// Test code (and the shared helpers in `common`): a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use psc_wire::header::{HEADER_LEN, RawHeader};
use psc_wire::ops::GenerateKeyRequest;
use psc_wire::{AuthType, Body, Opcode, ProviderId, Status, frame};

mod common;

use common::{Daemon, Options, Site};

fn varint(mut value: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    while value >= 0x80 {
        bytes.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
    bytes
}

/// A P-256 key request, then a second `attributes` field (2) holding only `key_bits` (2):
/// protobuf merges the two, so the key's size is the varint `bits`.
fn generate_body(name: &str, bits: u64) -> Vec<u8> {
    let mut attributes = psc_client::easy::signing_attributes();
    attributes.bits = 0;
    let typed = GenerateKeyRequest {
        key_name: name.into(),
        attributes,
    };
    let bits_field = [vec![2 << 3], varint(bits)].concat();
    let len = u8::try_from(bits_field.len()).unwrap();
    [typed.encode(), vec![2 << 3 | 2, len], bits_field].concat()
}

/// Sends a GenerateKey authenticated by our UID and answers the status.
fn generate(site: &Site, name: &str, bits: u64) -> Status {
    let body = generate_body(name, bits);
    let uid = rustix::process::getuid().as_raw().to_le_bytes();
    let raw = RawHeader {
        version_major: 1,
        provider: ProviderId::MbedCrypto as u8,
        opcode: Opcode::PsaGenerateKey.code(),
        auth_type: AuthType::UnixPeerCredentials as u8,
        body_len: u32::try_from(body.len()).unwrap(),
        auth_len: 4,
        ..RawHeader::default()
    };
    let mut stream = UnixStream::connect(site.socket()).unwrap();
    stream
        .write_all(&[raw.encode().as_slice(), &body, &uid].concat())
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert!(answer.len() >= HEADER_LEN, "no answer");
    frame::decode_response(&answer).unwrap().0.status
}

#[test]
fn key_bits_beyond_u32_are_invalid_encoding_over_the_socket() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let mut daemon = Daemon::start(&site);

    assert_eq!(
        generate(&site, "sized", 256),
        Status::Success,
        "the baseline"
    );
    assert_eq!(
        generate(&site, "truncated", (1 << 32) + 256),
        Status::InvalidEncoding
    );
    let mut client = psc_client::Client::new(site.socket());
    client.set_auth(psc_client::Auth::UnixPeerCredentials);
    let names: Vec<String> = client
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|key| key.name)
        .collect();
    assert_eq!(
        names,
        ["sized"],
        "nothing was created for the refused request"
    );
    daemon.stop();
}
