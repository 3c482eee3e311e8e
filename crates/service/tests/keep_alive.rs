//! Our persistent-connection extension: a client that sets FLAG_KEEP_ALIVE gets the flag back
//! and may send more requests on the connection; a published client (flags 0) sees exactly the
//! original's behaviour: flags 0 in the response, then the connection closes.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use psc_testkit::TestDaemon;
use psc_wire::header::{FLAG_KEEP_ALIVE, HEADER_LEN, RawHeader};
use psc_wire::ops::ListOpcodesRequest;
use psc_wire::{Body, Opcode, ProviderId, ResponseHeader, Status, frame};

fn request(opcode: Opcode, flags: u16, body: &[u8]) -> Vec<u8> {
    let raw = RawHeader {
        version_major: 1,
        flags,
        opcode: opcode.code(),
        body_len: u32::try_from(body.len()).unwrap(),
        ..RawHeader::default()
    };
    [raw.encode().as_slice(), body].concat()
}

/// Reads exactly one response frame.
fn read_response(stream: &mut UnixStream) -> (ResponseHeader, Vec<u8>) {
    let mut header = [0u8; HEADER_LEN];
    stream.read_exact(&mut header).unwrap();
    let body_len = u32::from_le_bytes([header[22], header[23], header[24], header[25]]);
    let mut body = vec![0u8; body_len as usize];
    stream.read_exact(&mut body).unwrap();
    let frame = [header.as_slice(), &body].concat();
    let (header, body) = frame::decode_response(&frame).unwrap();
    (header, body.to_vec())
}

#[test]
fn a_kept_connection_serves_several_requests() {
    let daemon = TestDaemon::start();
    let mut stream = daemon.connect();
    let list_opcodes = ListOpcodesRequest {
        provider_id: ProviderId::Core,
    }
    .encode();
    for round in 0..3 {
        stream
            .write_all(&request(Opcode::Ping, FLAG_KEEP_ALIVE, &[]))
            .unwrap();
        let (header, body) = read_response(&mut stream);
        assert_eq!(
            (header.status, header.flags),
            (Status::Success, FLAG_KEEP_ALIVE),
            "round {round}"
        );
        assert_eq!(body, [0x08, 0x01]);
        stream
            .write_all(&request(
                Opcode::ListOpcodes,
                FLAG_KEEP_ALIVE,
                &list_opcodes,
            ))
            .unwrap();
        let (header, _) = read_response(&mut stream);
        assert_eq!(
            (header.status, header.opcode),
            (Status::Success, Opcode::ListOpcodes)
        );
    }
    // A last request without the flag: answered with flags 0, then the service closes.
    stream.write_all(&request(Opcode::Ping, 0, &[])).unwrap();
    let (header, _) = read_response(&mut stream);
    assert_eq!(header.flags, 0);
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    assert!(
        rest.is_empty(),
        "the connection closes after a request without the flag"
    );
}

#[test]
fn published_clients_see_the_original_behaviour() {
    let daemon = TestDaemon::start();
    let reply = daemon.exchange(&request(Opcode::Ping, 0, &[]));
    let (header, body) = frame::decode_response(&reply).unwrap();
    assert_eq!((header.status, header.flags), (Status::Success, 0));
    // read_to_end returned: the service closed the connection after one response.
    assert_eq!(reply.len(), HEADER_LEN + body.len());
}

#[test]
fn a_malformed_request_ends_a_kept_connection() {
    let daemon = TestDaemon::start();
    let mut stream = daemon.connect();
    stream
        .write_all(&request(Opcode::Ping, FLAG_KEEP_ALIVE, &[]))
        .unwrap();
    assert_eq!(read_response(&mut stream).0.status, Status::Success);
    let mut bad = request(Opcode::Ping, FLAG_KEEP_ALIVE, &[]);
    bad[6] = 2; // version 2.0
    stream.write_all(&bad).unwrap();
    let (header, _) = read_response(&mut stream);
    assert_eq!(
        (header.status, header.flags),
        (Status::WireProtocolVersionNotSupported, 0)
    );
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
}
