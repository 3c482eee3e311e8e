//! Issue 23, item 3: connection slots a client must not hold, against the real binary with a
//! small `max_connections`:
//!
//! - at the cap, a new connection closes the kept-open connection idle longest instead of
//!   being refused;
//! - a kept-open connection idles at most `listener.keep_alive_timeout`;
//! - after a refused header, a client dripping a byte every 10 ms loses its connection within
//!   `listener.timeout` (the drain has a deadline), and so does one dripping a request.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use common::{Daemon, Options, Site, connect};
use psc_wire::header::{FLAG_KEEP_ALIVE, HEADER_LEN, RawHeader};
use psc_wire::ops::PingRequest;
use psc_wire::{AuthType, ProviderId, Request, RequestHeader, Status, frame};

/// `core_settings.max_connections` of these tests.
const CAP: usize = 4;
/// `listener.timeout` of these tests (ms).
const TIMEOUT_MS: u64 = 200;

fn start(listener_extra: &str) -> (Site, Daemon) {
    let site = Site::new();
    let options = Options {
        timeout_ms: TIMEOUT_MS,
        core_extra: format!("max_connections = {CAP}"),
        ..Options::default()
    };
    let config = site
        .original_config(&options)
        .replace("[listener]\n", &format!("[listener]\n{listener_extra}\n"));
    site.write_config(&config);
    let daemon = Daemon::start(&site);
    (site, daemon)
}

fn ping_frame(keep_alive: bool) -> Vec<u8> {
    let request: Request = PingRequest.into();
    let mut header = RequestHeader::new(ProviderId::Core, AuthType::NoAuth, request.opcode());
    if keep_alive {
        header.flags = FLAG_KEEP_ALIVE;
    }
    frame::encode_request(header, &request.encode(), &[]).unwrap()
}

/// Reads one whole answer and returns its status.
fn answer(stream: &mut UnixStream) -> std::io::Result<Status> {
    let mut header = [0u8; HEADER_LEN];
    stream.read_exact(&mut header)?;
    let raw = RawHeader::decode(header[6..].try_into().unwrap());
    let mut body = vec![0u8; raw.body_len as usize];
    stream.read_exact(&mut body)?;
    Ok(Status::from_code(raw.status).unwrap())
}

/// A ping on a kept-open connection.
fn ping_on(stream: &mut UnixStream) -> std::io::Result<Status> {
    stream.write_all(&ping_frame(true))?;
    answer(stream)
}

/// Whether the daemon closed `stream` (end of stream or reset), waiting up to `within`.
fn closed_within(stream: &mut UnixStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut scratch = [0u8; 64];
    loop {
        match stream.read(&mut scratch) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn at_the_cap_the_longest_idle_connection_makes_room() {
    let (site, _daemon) = start("");
    let socket = site.socket();
    // Fill every slot with kept-open connections, the first idle longest.
    let mut kept: Vec<UnixStream> = (0..CAP)
        .map(|_| {
            let mut stream = connect(&socket);
            assert_eq!(ping_on(&mut stream).unwrap(), Status::Success);
            std::thread::sleep(Duration::from_millis(20));
            stream
        })
        .collect();
    // Newcomers are served, each closing the connection idle longest.
    let started = Instant::now();
    let mut newcomers = Vec::new();
    for (newcomer, oldest) in kept.iter_mut().take(2).enumerate() {
        // Kept open too, so the cap stays reached.
        let mut stream = connect(&socket);
        stream.write_all(&ping_frame(true)).unwrap();
        assert_eq!(
            answer(&mut stream).unwrap(),
            Status::Success,
            "newcomer {newcomer} at the cap"
        );
        assert!(
            closed_within(oldest, Duration::from_secs(1)),
            "kept-open connection {newcomer}, idle longest, must have been closed"
        );
        newcomers.push(stream);
    }
    let served_in = started.elapsed();
    // The connections idle for less time are still served.
    for (i, stream) in kept.iter_mut().enumerate().skip(2) {
        assert_eq!(ping_on(stream).unwrap(), Status::Success, "connection {i}");
    }
    println!(
        "at the cap of {CAP}: 2 newcomers served in {served_in:.1?}, each closing the longest idle"
    );
    assert!(served_in < Duration::from_secs(1));
}

#[test]
fn a_kept_open_connection_idles_at_most_the_keep_alive_timeout() {
    let (site, _daemon) = start("keep_alive_timeout = 300 # in milliseconds");
    let mut stream = connect(&site.socket());
    assert_eq!(ping_on(&mut stream).unwrap(), Status::Success);
    let idle = Instant::now();
    assert!(closed_within(&mut stream, Duration::from_secs(2)));
    let lasted = idle.elapsed();
    println!("kept-open connection closed after {lasted:.0?} idle (keep_alive_timeout 300 ms)");
    assert!(lasted >= Duration::from_millis(250), "{lasted:?}");
    assert!(lasted < Duration::from_millis(800), "{lasted:?}");
}

/// Writes one byte every 10 ms on a clone of `stream` until the daemon closes it; returns how
/// long the connection lasted from the first byte.
fn drip(stream: &mut UnixStream, bytes: &[u8]) -> Duration {
    let mut writer = stream.try_clone().unwrap();
    let bytes = bytes.to_vec();
    let started = Instant::now();
    let dripper = std::thread::spawn(move || {
        for byte in bytes.iter().cycle() {
            if writer.write_all(&[*byte]).is_err() || started.elapsed() > Duration::from_secs(5) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    assert!(
        closed_within(stream, Duration::from_secs(3)),
        "the dripping connection is still open after {:?}",
        started.elapsed()
    );
    let lasted = started.elapsed();
    dripper.join().unwrap();
    lasted
}

#[test]
fn dripping_clients_lose_their_connection_within_the_timeout() {
    let (site, _daemon) = start("");
    let limit = Duration::from_millis(TIMEOUT_MS + 300);
    // A header refused for its bad magic number, then a byte every 10 ms: the drain after
    // the refusal must end at the deadline.
    let mut stream = connect(&site.socket());
    let mut bad = ping_frame(false);
    bad[0] ^= 0xff;
    stream.write_all(&bad[..HEADER_LEN]).unwrap();
    let refused_drip = drip(&mut stream, &[0]);
    // A kept-open connection whose next request arrives a byte every 10 ms: the whole
    // request must arrive within the timeout of its first byte.
    let mut kept = connect(&site.socket());
    assert_eq!(ping_on(&mut kept).unwrap(), Status::Success);
    let request_drip = drip(&mut kept, &ping_frame(true));
    println!(
        "dripping a byte every 10 ms: after a refused header closed in {refused_drip:.0?}, \
         dripping a request closed in {request_drip:.0?} (listener.timeout {TIMEOUT_MS} ms)"
    );
    assert!(
        refused_drip < limit,
        "after a refused header: {refused_drip:?}"
    );
    assert!(request_drip < limit, "a dripped request: {request_drip:?}");
}
