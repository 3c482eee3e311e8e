//! Test peers shared by the persistence and busy-poll tests: a proxy in front of the real
//! service that counts the connections clients open, and can make the service behave as the
//! original Parsec on the wire (no keep-alive); and a scripted peer for the failures (and
//! the late answers) a real service only shows in races.

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use psc_client::Status;
use psc_client::wire::header::FLAG_KEEP_ALIVE;
use psc_client::wire::{AuthType, Opcode, ProviderId, RequestHeader, ResponseHeader, frame};

/// How the proxy passes requests on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Byte for byte.
    Transparent,
    /// With the keep-alive flag of each connection's request cleared, so the service answers
    /// without it and closes after one request, exactly as the original Parsec does.
    LikeTheOriginal,
}

/// A proxy between clients and the service at `upstream`, counting accepted connections
/// and recording the flags of each connection's first request and the opcode of every
/// request.
pub(crate) struct Proxy {
    path: PathBuf,
    accepted: Arc<AtomicUsize>,
    seen: Arc<Seen>,
    _dir: tempfile::TempDir,
}

/// What the proxy saw of the requests.
#[derive(Default)]
struct Seen {
    first_flags: Mutex<Vec<u16>>,
    opcodes: Mutex<Vec<u32>>,
}

impl Proxy {
    pub(crate) fn start(upstream: &Path, mode: Mode) -> io::Result<Proxy> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("proxy.sock");
        let listener = UnixListener::bind(&path)?;
        let accepted = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Seen::default());
        let (count, record, upstream) = (accepted.clone(), seen.clone(), upstream.to_path_buf());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                count.fetch_add(1, Ordering::SeqCst);
                let Ok(service) = UnixStream::connect(&upstream) else {
                    continue;
                };
                let record = record.clone();
                std::thread::spawn(move || relay(client, service, mode, &record));
            }
        });
        Ok(Proxy {
            path,
            accepted,
            seen,
            _dir: dir,
        })
    }

    /// Where clients connect.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// How many connections clients opened.
    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// The flags of the first request of each connection, in order.
    pub(crate) fn first_request_flags(&self) -> Vec<u16> {
        self.seen
            .first_flags
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default()
    }

    /// How many requests of `opcode` went through, over every connection.
    #[allow(dead_code)] // not every test binary counts requests
    pub(crate) fn requests(&self, opcode: Opcode) -> usize {
        let opcodes = self
            .seen
            .opcodes
            .lock()
            .map(|o| o.clone())
            .unwrap_or_default();
        opcodes.iter().filter(|&&o| o == opcode.code()).count()
    }

    /// How many requests went through, over every connection.
    #[allow(dead_code)] // not every test binary counts requests
    pub(crate) fn all_requests(&self) -> usize {
        self.seen
            .opcodes
            .lock()
            .map(|o| o.len())
            .unwrap_or_default()
    }
}

/// Passes each request on whole, noting its header, and the answers back as they come.
fn relay(mut client: UnixStream, mut service: UnixStream, mode: Mode, seen: &Seen) {
    let (Ok(mut client_back), Ok(mut service_back)) = (client.try_clone(), service.try_clone())
    else {
        return;
    };
    std::thread::spawn(move || {
        let _ = io::copy(&mut service_back, &mut client_back);
        let _ = client_back.shutdown(Shutdown::Both);
    });
    let mut head = [0u8; 36];
    let mut first = true;
    while client.read_exact(&mut head).is_ok() {
        if first && let Ok(mut flags) = seen.first_flags.lock() {
            flags.push(u16::from_le_bytes([head[8], head[9]]));
        }
        if let Ok(mut opcodes) = seen.opcodes.lock() {
            opcodes.push(u32::from_le_bytes([head[28], head[29], head[30], head[31]]));
        }
        if first && mode == Mode::LikeTheOriginal {
            head[8..10].copy_from_slice(&[0, 0]);
        }
        first = false;
        let body = u32::from_le_bytes([head[22], head[23], head[24], head[25]]) as u64;
        let auth = u64::from(u16::from_le_bytes([head[26], head[27]]));
        let passed = service.write_all(&head).is_ok()
            && io::copy(&mut (&mut client).take(body + auth), &mut service).is_ok();
        if !passed {
            break;
        }
    }
    let _ = service.shutdown(Shutdown::Write);
}

/// A peer that serves each accepted connection with the next step of its script, and
/// counts every connection, those beyond the script included.
pub(crate) struct ScriptedPeer {
    path: PathBuf,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

/// What the peer does with one connection.
pub(crate) type Step = Box<dyn FnOnce(UnixStream) + Send>;

impl ScriptedPeer {
    pub(crate) fn start(script: Vec<Step>) -> io::Result<ScriptedPeer> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("scripted.sock");
        let listener = UnixListener::bind(&path)?;
        listener.set_nonblocking(true)?;
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopping) = (accepted.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut script = script.into_iter();
            while !stopping.load(Ordering::SeqCst) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                count.fetch_add(1, Ordering::SeqCst);
                let ready = stream.set_nonblocking(false).is_ok()
                    && stream
                        .set_read_timeout(Some(Duration::from_secs(5)))
                        .is_ok();
                if let (true, Some(step)) = (ready, script.next()) {
                    step(stream);
                }
            }
        });
        Ok(ScriptedPeer {
            path,
            accepted,
            stop,
            thread: Some(thread),
            _dir: dir,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// How many connections the client opened.
    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for ScriptedPeer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one whole request (header, body, auth) and returns its header bytes.
pub(crate) fn read_request(stream: &mut UnixStream) -> io::Result<[u8; 36]> {
    let mut head = [0u8; 36];
    stream.read_exact(&mut head)?;
    let body = u32::from_le_bytes([head[22], head[23], head[24], head[25]]) as usize;
    let auth = u16::from_le_bytes([head[26], head[27]]) as usize;
    io::copy(
        &mut (&mut *stream).take((body + auth) as u64),
        &mut io::sink(),
    )?;
    Ok(head)
}

/// A successful Ping answer (wire protocol 1.0), with the keep-alive flag when `keep`.
pub(crate) fn ping_answer(keep: bool) -> Vec<u8> {
    let request = RequestHeader::new(ProviderId::Core, AuthType::NoAuth, Opcode::Ping);
    let mut header = ResponseHeader::reply_to(&request, Status::Success);
    if keep {
        header.flags = FLAG_KEEP_ALIVE;
    }
    frame::encode_response(header, &[0x08, 0x01]).unwrap_or_default()
}

/// A step that answers one Ping keeping the connection, then does `then` with it.
pub(crate) fn answer_then(then: impl FnOnce(UnixStream) + Send + 'static) -> Step {
    Box::new(move |mut stream| {
        if read_request(&mut stream).is_ok() && stream.write_all(&ping_answer(true)).is_ok() {
            then(stream);
        }
    })
}
