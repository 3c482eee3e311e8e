//! Hostile clients against the real service on its socket (issue 7): a flood of mutated frames
//! from many senders while good clients keep working, a slowloris, declared lengths beyond the
//! limits, and a flood beyond the connection cap. Every test is bounded in frames and time, and
//! only ever talks to the test's own socket.
//!
//! The tests measure the latency and memory of this whole process (the service runs in it), so
//! they run one at a time (see [`serial`]).

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use parsec_client::auth::Authentication;
use parsec_client::core::interface::operations::psa_algorithm::{
    AsymmetricSignature as ClientSignature, Hash as ClientHash, SignHash as ClientSignHash,
};
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes as ClientAttributes, EccFamily as ClientEcc, Lifetime, Policy, Type, UsageFlags,
};
use psc_psa::{AsymmetricSignature, Attributes, EccFamily, Hash, KeyType, SignHash};
use psc_testkit::TestDaemon;
use psc_wire::header::{HEADER_LEN, MAGIC, RawHeader};
use psc_wire::ops::{
    CanDoCryptoRequest, DestroyKeyRequest, ExportPublicKeyRequest, GenerateKeyRequest,
    GenerateRandomRequest, HashComputeRequest, ListAuthenticatorsRequest, ListKeysRequest,
    ListOpcodesRequest, ListProvidersRequest, PingRequest, Scope, SignHashRequest,
    VerifyHashRequest, can_do_crypto::CheckType,
};
use psc_wire::{AuthType, Opcode, ProviderId, Request, RequestHeader, Status, frame};

/// Senders of mutated frames, and frames each sends (16 × 6,250 = 100,000).
const SENDERS: usize = 16;
const FRAMES_PER_SENDER: usize = 6_250;
/// Good clients running alongside the flood.
const GOOD_CLIENTS: usize = 2;
/// A generous bound on the growth of the process's resident memory during the flood.
const RSS_GROWTH_LIMIT_KIB: u64 = 64 * 1024;
/// No test may run longer than this; a stuck service fails the test instead of hanging it.
const DEADLINE: Duration = Duration::from_secs(90);

/// The application the flood authenticates as (Direct), and the good clients' one: names of
/// different lengths, so no bit flip of one turns it into the other.
const FUZZ_APP: &str = "fuzz";
const GOOD_APP: &str = "good-client-application";

static SERIAL: Mutex<()> = Mutex::new(());

/// Holds the whole process for one test: the others wait.
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// SplitMix64: a small seeded generator, so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next().to_le_bytes()[0]).collect()
    }
}

/// The resident memory of this process (service included), in KiB.
fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Raises the open-files limit to at least `wanted` (up to the hard limit).
fn raise_open_files(wanted: u64) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|current| current < wanted) {
        limit.current = Some(limit.maximum.map_or(wanted, |max| max.min(wanted)));
        setrlimit(Resource::Nofile, limit).unwrap();
    }
}

fn our_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

const ECDSA: AsymmetricSignature = AsymmetricSignature::Ecdsa {
    hash: SignHash::Specific(Hash::Sha256),
};

/// A request frame, addressed to the provider its opcode belongs to.
fn encode(request: &Request, auth_type: AuthType, auth: &[u8]) -> Vec<u8> {
    let provider = match request.opcode().spec().scope {
        Scope::Core => ProviderId::Core,
        Scope::Crypto => ProviderId::MbedCrypto,
    };
    let header = RequestHeader::new(provider, auth_type, request.opcode());
    frame::encode_request(header, &request.encode(), auth).unwrap()
}

/// Sends a frame on a new connection, half-closes, and reads to the end.
fn exchange(socket: &Path, frame: &[u8]) -> Vec<u8> {
    let mut stream = UnixStream::connect(socket).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // The service may refuse and close before reading everything: a failed write is expected
    // then, and the answer is still there to read (as is a reset after it).
    let _ = stream.write_all(frame);
    let _ = stream.shutdown(Shutdown::Write);
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    reply
}

/// The status of a reply, which must be a well-formed response frame.
fn status_of(reply: &[u8]) -> Status {
    frame::decode_response(reply).unwrap().0.status
}

/// Valid frames the mutations start from: every authentication type, core and crypto
/// operations, keys that exist and keys that do not.
fn templates() -> Vec<Vec<u8>> {
    let uid = our_uid().to_le_bytes();
    let attributes = Attributes::signing_key(
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        256,
        ECDSA,
    );
    let fuzz = |r: Request| encode(&r, AuthType::Direct, FUZZ_APP.as_bytes());
    let peer = |r: Request| encode(&r, AuthType::UnixPeerCredentials, &uid);
    let open = |r: Request| encode(&r, AuthType::NoAuth, &[]);
    let sign = SignHashRequest {
        key_name: "k".into(),
        alg: ECDSA,
        hash: vec![0x5a; 32],
    };
    vec![
        open(PingRequest.into()),
        open(ListProvidersRequest.into()),
        open(
            ListOpcodesRequest {
                provider_id: ProviderId::MbedCrypto,
            }
            .into(),
        ),
        open(ListAuthenticatorsRequest.into()),
        open(
            HashComputeRequest {
                alg: Hash::Sha256,
                input: b"hostile".to_vec(),
            }
            .into(),
        ),
        open(GenerateRandomRequest { size: 32 }.into()),
        fuzz(ListKeysRequest.into()),
        peer(ListKeysRequest.into()),
        fuzz(sign.clone().into()),
        peer(sign.into()),
        fuzz(
            VerifyHashRequest {
                key_name: "k".into(),
                alg: ECDSA,
                hash: vec![0x5a; 32],
                signature: vec![0x11; 64],
            }
            .into(),
        ),
        fuzz(
            ExportPublicKeyRequest {
                key_name: "k".into(),
            }
            .into(),
        ),
        fuzz(
            DestroyKeyRequest {
                key_name: "absent".into(),
            }
            .into(),
        ),
        fuzz(
            CanDoCryptoRequest {
                check_type: CheckType::Generate,
                attributes,
            }
            .into(),
        ),
        fuzz(
            GenerateKeyRequest {
                key_name: "k".into(),
                attributes,
            }
            .into(),
        ),
    ]
}

/// One hostile frame: a mutation of a template, or garbage.
fn mutate(rng: &mut Rng, templates: &[Vec<u8>], body_limit: u32) -> Vec<u8> {
    let mut frame = templates[rng.below(templates.len())].clone();
    match rng.below(6) {
        // Bit flips anywhere, header included.
        0 => {
            for _ in 0..=rng.below(8) {
                let bit = rng.below(frame.len() * 8);
                frame[bit / 8] ^= 1 << (bit % 8);
            }
        }
        // Truncation.
        1 => frame.truncate(rng.below(frame.len())),
        // Huge declared body or auth lengths; the bytes sent stay short.
        2 => {
            let body_len = match rng.below(4) {
                0 => body_limit + 1,
                1 => u32::MAX,
                2 => body_limit,
                _ => u32::try_from(rng.next() >> 33).unwrap(),
            };
            frame[22..26].copy_from_slice(&body_len.to_le_bytes());
            if rng.below(2) == 0 {
                frame[26..28].copy_from_slice(&u16::MAX.to_le_bytes());
            }
        }
        // Garbage, sometimes behind a valid prefix so it reaches the header checks.
        3 => {
            let len = rng.below(160);
            frame = rng.bytes(len);
            if rng.below(2) == 0 {
                let prefix = [&MAGIC.to_le_bytes()[..], &30u16.to_le_bytes()].concat();
                frame.splice(0..0, prefix);
            }
        }
        // A valid header for any opcode, any auth type, with a garbage body.
        4 => {
            let opcode = Opcode::ALL[rng.below(Opcode::ALL.len())];
            let provider = [ProviderId::Core, ProviderId::MbedCrypto][rng.below(2)];
            let (auth_type, auth) = match rng.below(3) {
                0 => (AuthType::NoAuth, Vec::new()),
                1 => (AuthType::Direct, FUZZ_APP.as_bytes().to_vec()),
                _ => (
                    AuthType::UnixPeerCredentials,
                    our_uid().to_le_bytes().to_vec(),
                ),
            };
            let header = RequestHeader::new(provider, auth_type, opcode);
            let len = rng.below(96);
            let body = rng.bytes(len);
            frame = frame::encode_request(header, &body, &auth).unwrap();
        }
        // One header byte set to a random value (version, flags, enums, lengths, reserved).
        _ => {
            let at = 6 + rng.below(HEADER_LEN - 6);
            frame[at] = rng.bytes(1)[0];
        }
    }
    frame
}

/// What one sender saw.
#[derive(Debug, Default)]
struct Tally {
    sent: u64,
    answered: u64,
    /// Answers by status code: the flood must reach many different checks.
    statuses: BTreeMap<u16, u64>,
}

/// Sends `count` hostile frames, one per connection; every answer must be a well-formed
/// response frame.
fn sender(socket: &Path, seed: u64, count: usize, templates: &[Vec<u8>], limit: u32) -> Tally {
    let started = Instant::now();
    let mut rng = Rng(seed);
    let mut tally = Tally::default();
    for _ in 0..count {
        assert!(
            started.elapsed() < DEADLINE,
            "the flood overran its deadline"
        );
        let frame = mutate(&mut rng, templates, limit);
        let reply = exchange(socket, &frame);
        tally.sent += 1;
        if !reply.is_empty() {
            // A keep-alive frame may get a second answer after it: the first must decode.
            let (header, _) = frame::decode_response(&reply)
                .unwrap_or_else(|e| panic!("a malformed reply to {frame:02x?}: {e}"));
            tally.answered += 1;
            *tally.statuses.entry(header.status.code()).or_default() += 1;
        }
    }
    tally
}

fn client_attributes() -> ClientAttributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags.set_sign_hash().set_verify_hash();
    ClientAttributes {
        lifetime: Lifetime::Persistent,
        key_type: Type::EccKeyPair {
            curve_family: ClientEcc::SecpR1,
        },
        bits: 256,
        policy: Policy {
            usage_flags,
            permitted_algorithms: client_ecdsa().into(),
        },
    }
}

fn client_ecdsa() -> ClientSignature {
    ClientSignature::Ecdsa {
        hash_alg: ClientSignHash::Specific(ClientHash::Sha256),
    }
}

/// A good client: ping, sign, verify with the published client until `done`; every request
/// must succeed. Returns the number of requests served.
fn good_client(daemon: &TestDaemon, key: &str, done: &AtomicBool) -> u64 {
    let client = daemon.published_client(Authentication::Direct(GOOD_APP.into()));
    let started = Instant::now();
    let mut served = 0;
    while !done.load(Ordering::Relaxed) && started.elapsed() < DEADLINE {
        assert_eq!(client.ping().unwrap(), (1, 0));
        let hash = [u8::try_from(served % 251).unwrap(); 32];
        let signature = client.psa_sign_hash(key, &hash, client_ecdsa()).unwrap();
        client
            .psa_verify_hash(key, &hash, client_ecdsa(), &signature)
            .unwrap();
        served += 3;
    }
    served
}

#[test]
fn a_flood_of_mutated_frames_never_stops_good_clients() {
    let _serial = serial();
    // Every hostile frame is half-closed, so none waits for the read timeout; a long one keeps
    // the good clients' requests safe from scheduling delays on a loaded machine.
    let daemon = TestDaemon::start_with(|config| config.timeout = Duration::from_secs(5));
    let socket = daemon.socket_path().to_owned();
    let limit = daemon.config().limits.body_len_limit;
    let templates = templates();
    // The keys the templates and the good clients use.
    let generate = &templates[templates.len() - 1];
    assert_eq!(status_of(&exchange(&socket, generate)), Status::Success);
    let good = daemon.published_client(Authentication::Direct(GOOD_APP.into()));
    for i in 0..GOOD_CLIENTS {
        good.psa_generate_key(&format!("good-{i}"), client_attributes())
            .unwrap();
    }
    // Warm up (thread pools, allocator arenas) before taking the baseline.
    for seed in 0..200 {
        sender(&socket, seed, 1, &templates, limit);
    }
    let rss_before = vm_rss_kib();
    let started = Instant::now();
    let done = AtomicBool::new(false);
    let (tallies, served) = std::thread::scope(|scope| {
        let goods: Vec<_> = (0..GOOD_CLIENTS)
            .map(|i| {
                let (daemon, done) = (&daemon, &done);
                scope.spawn(move || good_client(daemon, &format!("good-{i}"), done))
            })
            .collect();
        let senders: Vec<_> = (0..SENDERS)
            .map(|i| {
                let (socket, templates) = (&socket, &templates);
                let seed = 0x5eed_0000 + u64::try_from(i).unwrap();
                scope.spawn(move || sender(socket, seed, FRAMES_PER_SENDER, templates, limit))
            })
            .collect();
        let tallies: Vec<_> = senders.into_iter().map(|s| s.join()).collect();
        // Stop the good clients before reporting a failed sender.
        done.store(true, Ordering::Relaxed);
        let served: u64 = goods.into_iter().map(|g| g.join().unwrap()).sum();
        let tallies: Vec<Tally> = tallies.into_iter().map(Result::unwrap).collect();
        (tallies, served)
    });
    let elapsed = started.elapsed();
    let rss_after = vm_rss_kib();
    let sent: u64 = tallies.iter().map(|t| t.sent).sum();
    let answered: u64 = tallies.iter().map(|t| t.answered).sum();
    let mut statuses = BTreeMap::<u16, u64>::new();
    for (status, count) in tallies.iter().flat_map(|t| &t.statuses) {
        *statuses.entry(*status).or_default() += count;
    }
    println!(
        "hostile flood: {sent} frames sent ({answered} answered) by {SENDERS} senders, \
         {served} good requests served, in {elapsed:.1?}; VmRSS {rss_before} KiB -> \
         {rss_after} KiB; answers by status code: {statuses:?}"
    );
    assert_eq!(sent, u64::try_from(SENDERS * FRAMES_PER_SENDER).unwrap());
    // Every frame gets an answer: a status, never a silent close.
    assert_eq!(answered, sent, "frames closed without an answer");
    assert!(served > 0, "the good clients were never served");
    assert!(
        statuses.len() >= 12,
        "the flood reached too few distinct checks: {statuses:?}"
    );
    assert!(
        rss_after.saturating_sub(rss_before) < RSS_GROWTH_LIMIT_KIB,
        "resident memory grew from {rss_before} KiB to {rss_after} KiB"
    );
    // Still alive and serving, and the good clients' keys are intact.
    assert_eq!(
        status_of(&exchange(&socket, &templates[0])),
        Status::Success
    );
    assert_eq!(good.list_keys().unwrap().len(), GOOD_CLIENTS);
}

/// How a stalled connection stops: nothing sent, part of a header, or a header and part of
/// its body.
fn stall(stream: &mut UnixStream, kind: usize) {
    let ping = encode(&PingRequest.into(), AuthType::NoAuth, &[]);
    let partial = match kind % 3 {
        0 => &[][..],
        1 => &ping[..10],
        _ => {
            let mut header = RawHeader {
                body_len: 100,
                ..RawHeader::default()
            };
            header.version_major = 1;
            header.opcode = Opcode::ListOpcodes.code();
            stream.write_all(&header.encode()).unwrap();
            &[0x08][..]
        }
    };
    stream.write_all(partial).unwrap();
}

/// A ping on a new connection, timed.
fn timed_ping(socket: &Path) -> Duration {
    let ping = encode(&PingRequest.into(), AuthType::NoAuth, &[]);
    let started = Instant::now();
    let reply = exchange(socket, &ping);
    let elapsed = started.elapsed();
    assert_eq!(status_of(&reply), Status::Success);
    elapsed
}

#[test]
fn a_slowloris_neither_slows_others_nor_outlives_the_timeout() {
    const STALLED: usize = 1_000;
    const PINGS: usize = 200;
    let _serial = serial();
    // Client and service ends of every connection live in this process.
    raise_open_files(u64::try_from(2 * STALLED + 512).unwrap());
    let timeout = Duration::from_secs(3);
    let daemon = TestDaemon::start_with(|config| config.timeout = timeout);
    let socket = daemon.socket_path().to_owned();
    let opened = Instant::now();
    let mut stalled: Vec<UnixStream> = (0..STALLED)
        .map(|i| {
            let mut stream = UnixStream::connect(&socket).unwrap();
            stall(&mut stream, i);
            stream
        })
        .collect();
    let all_open = opened.elapsed();
    let mut latencies: Vec<Duration> = (0..PINGS).map(|_| timed_ping(&socket)).collect();
    let pings_done = opened.elapsed();
    assert!(
        pings_done < timeout,
        "the pings must run while every stalled connection is held ({pings_done:?})"
    );
    latencies.sort();
    let p99 = latencies[PINGS * 99 / 100 - 1];
    let p50 = latencies[PINGS / 2];
    // Every stalled connection is answered ConnectionError and closed once the timeout has
    // passed: by then each one's answer and end of stream are already there.
    let closed_by = timeout + all_open + Duration::from_millis(500);
    std::thread::sleep(closed_by.saturating_sub(opened.elapsed()));
    for (i, stream) in stalled.iter_mut().enumerate() {
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let mut reply = Vec::new();
        match stream.read_to_end(&mut reply) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                panic!("stalled connection {i} still open {closed_by:?} after opening")
            }
            Err(e) => panic!("stalled connection {i}: {e}"),
        }
        assert_eq!(status_of(&reply), Status::ConnectionError, "connection {i}");
    }
    println!(
        "slowloris: {STALLED} stalled connections opened in {all_open:.1?}; {PINGS} pings \
         meanwhile: p50 {p50:.2?}, p99 {p99:.2?}; all stalled connections closed within \
         {closed_by:.1?} (timeout {timeout:?})"
    );
    assert!(p99 < Duration::from_millis(50), "p99 {p99:?}");
}

#[test]
fn declared_lengths_are_bounded_before_anything_is_read() {
    let _serial = serial();
    let daemon = TestDaemon::start_with(|config| {
        config.limits.body_len_limit = 64;
        config.timeout = Duration::from_secs(5);
    });
    // Over the body limit, with the largest auth field: refused from the header alone, at
    // once (well before the read timeout), with neither body nor auth sent.
    let header = RawHeader {
        version_major: 1,
        body_len: 65,
        auth_len: u16::MAX,
        opcode: Opcode::Ping.code(),
        ..RawHeader::default()
    };
    let mut stream = daemon.connect();
    let started = Instant::now();
    stream.write_all(&header.encode()).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert!(started.elapsed() < Duration::from_secs(1), "answered late");
    assert_eq!(status_of(&reply), Status::BodySizeExceedsLimit);
    // At the limit, the largest auth field is read in full and served (NoAuth ignores it).
    let body = ListOpcodesRequest {
        provider_id: ProviderId::Core,
    };
    let body = psc_wire::Body::encode(&body);
    let padded = [body.clone(), [0x20, 0x00].repeat((64 - body.len()) / 2)].concat();
    let header = RawHeader {
        body_len: 64,
        auth_len: u16::MAX,
        opcode: Opcode::ListOpcodes.code(),
        ..header
    };
    let frame = [&header.encode()[..], &padded, &[0xa5; 65_535]].concat();
    assert_eq!(status_of(&daemon.exchange(&frame)), Status::Success);
}

#[test]
fn connections_beyond_the_cap_are_closed_at_once_not_queued() {
    const CAP: usize = 32;
    const FLOOD: usize = 200;
    let _serial = serial();
    raise_open_files(u64::try_from(2 * FLOOD + 512).unwrap());
    let timeout = Duration::from_millis(1500);
    let daemon = TestDaemon::start_with(|config| {
        config.limits.max_connections = CAP;
        config.timeout = timeout;
    });
    let socket = daemon.socket_path().to_owned();
    let opened = Instant::now();
    let mut flood: Vec<UnixStream> = (0..FLOOD)
        .map(|_| UnixStream::connect(&socket).unwrap())
        .collect();
    // A read on each idle connection: those over the cap end at once, with no answer; those
    // holding a slot have nothing to read yet. Non-blocking reads, in passes a few
    // milliseconds apart while the accept loop catches up.
    let mut refused = 0;
    let mut held: Vec<UnixStream> = Vec::new();
    while opened.elapsed() < Duration::from_secs(1) {
        for mut stream in std::mem::take(&mut flood).into_iter().chain(held.drain(..)) {
            stream.set_nonblocking(true).unwrap();
            match stream.read(&mut [0u8; 1]) {
                Ok(0) => refused += 1,
                Ok(_) => panic!("an idle connection got an answer before the timeout"),
                Err(e) if e.kind() == ErrorKind::WouldBlock => flood.push(stream),
                Err(e) => panic!("{e}"),
            }
        }
        std::mem::swap(&mut held, &mut flood);
        if held.len() <= CAP {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let checked = opened.elapsed();
    // While the slots are held, another connection is refused at once too.
    let mut extra = UnixStream::connect(&socket).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut reply = Vec::new();
    extra.read_to_end(&mut reply).unwrap();
    let refused_extra = opened.elapsed();
    assert!(reply.is_empty(), "a connection over the cap got an answer");
    println!(
        "connection cap {CAP}: {FLOOD} idle connections, {refused} closed at once and {} held \
         (checked {checked:.1?} after opening); one more refused at {refused_extra:.1?}",
        held.len()
    );
    assert!(refused_extra < timeout, "the extra connection was queued");
    assert_eq!(
        held.len(),
        CAP,
        "exactly the cap's worth of connections is served"
    );
    assert_eq!(refused, FLOOD - CAP);
    assert!(
        checked < Duration::from_secs(1),
        "refusals took {checked:?}"
    );
    // Once the held connections time out, their slots are free and a normal client is served.
    for mut stream in held {
        stream.set_nonblocking(false).unwrap();
        stream.set_read_timeout(Some(timeout * 2)).unwrap();
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        assert_eq!(status_of(&reply), Status::ConnectionError);
    }
    timed_ping(&socket);
}
