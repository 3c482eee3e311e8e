//! The client against deliberately broken peers: each failure must be a client-side error,
//! never a panic or a hang.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::thread::JoinHandle;
use std::time::Duration;

use psc_client::wire::{AuthType, Opcode, ProviderId, RequestHeader, ResponseHeader, frame};
use psc_client::{Client, ClientError, Error, Status};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A peer that accepts one connection, reads the 36-byte request header, then does `act`.
struct Peer {
    client: Client,
    thread: JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Peer {
    fn start(act: impl FnOnce(UnixStream) + Send + 'static) -> Result<Peer, std::io::Error> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("broken.sock");
        let listener = UnixListener::bind(&path)?;
        let thread = std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut request = [0u8; 36];
                let _ = stream.read_exact(&mut request);
                act(stream);
            }
        });
        let mut client = Client::new(path);
        client.set_timeout(Some(Duration::from_secs(5)));
        Ok(Peer {
            client,
            thread,
            _dir: dir,
        })
    }

    /// Pings the peer and returns the client's error.
    fn ping_error(self) -> Option<ClientError> {
        let result = self.client.ping();
        let _ = self.thread.join();
        match result {
            Err(Error::Client(error)) => Some(error),
            _ => None,
        }
    }
}

fn answer(bytes: Vec<u8>) -> impl FnOnce(UnixStream) {
    move |mut stream| {
        let _ = stream.write_all(&bytes);
    }
}

fn response(
    opcode: Opcode,
    status: Status,
    body: &[u8],
) -> Result<Vec<u8>, psc_client::wire::Error> {
    let header = ResponseHeader::reply_to(
        &RequestHeader::new(ProviderId::Core, AuthType::NoAuth, opcode),
        status,
    );
    frame::encode_response(header, body)
}

#[test]
fn closing_without_an_answer_is_closed() -> TestResult {
    let error = Peer::start(drop)?.ping_error();
    assert!(matches!(error, Some(ClientError::Closed)), "{error:?}");
    Ok(())
}

#[test]
fn half_a_header_is_closed() -> TestResult {
    let mut bytes = response(Opcode::Ping, Status::Success, &[0x08, 0x01])?;
    bytes.truncate(20);
    let error = Peer::start(answer(bytes))?.ping_error();
    assert!(matches!(error, Some(ClientError::Closed)), "{error:?}");
    Ok(())
}

#[test]
fn a_short_body_is_closed() -> TestResult {
    let mut bytes = response(Opcode::Ping, Status::Success, &[0x08, 0x01])?;
    bytes.pop();
    let error = Peer::start(answer(bytes))?.ping_error();
    assert!(matches!(error, Some(ClientError::Closed)), "{error:?}");
    Ok(())
}

#[test]
fn garbage_is_malformed() -> TestResult {
    let error = Peer::start(answer(vec![0xAA; 64]))?.ping_error();
    assert!(
        matches!(error, Some(ClientError::Malformed(_))),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn an_undefined_status_is_malformed() -> TestResult {
    let mut bytes = response(Opcode::Ping, Status::Success, &[])?;
    bytes[32..34].copy_from_slice(&999u16.to_le_bytes());
    let error = Peer::start(answer(bytes))?.ping_error();
    assert!(
        matches!(error, Some(ClientError::Malformed(_))),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn a_success_for_another_operation_is_a_mismatch() -> TestResult {
    let bytes = response(Opcode::ListProviders, Status::Success, &[])?;
    let error = Peer::start(answer(bytes))?.ping_error();
    assert!(
        matches!(
            error,
            Some(ClientError::OpcodeMismatch {
                expected: Opcode::Ping,
                got: Opcode::ListProviders
            })
        ),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn an_invalid_body_is_malformed() -> TestResult {
    let bytes = response(Opcode::Ping, Status::Success, &[0xff, 0xff, 0xff])?;
    let error = Peer::start(answer(bytes))?.ping_error();
    assert!(
        matches!(error, Some(ClientError::Malformed(_))),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn a_huge_declared_body_is_refused_before_reading() -> TestResult {
    let mut bytes = response(Opcode::Ping, Status::Success, &[])?;
    bytes[22..26].copy_from_slice(&u32::MAX.to_le_bytes());
    let error = Peer::start(answer(bytes))?.ping_error();
    assert!(
        matches!(error, Some(ClientError::BodyTooLarge { len: u32::MAX, .. })),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn silence_is_a_timeout() -> TestResult {
    let peer = Peer::start(|mut stream| {
        // Hold the connection open until the client gives up and closes it.
        let _ = stream.read_to_end(&mut Vec::new());
    })?;
    let mut peer = peer;
    peer.client.set_timeout(Some(Duration::from_millis(200)));
    let error = peer.ping_error();
    assert!(matches!(error, Some(ClientError::Timeout(_))), "{error:?}");
    Ok(())
}
