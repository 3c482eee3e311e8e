//! The agent's socket: made private to its user, connections from other users refused, and
//! each connection read one length-prefixed message at a time, bounded before allocation.
//! Messages are decoded and answers encoded by `ssh-agent-lib`; a message that does not
//! decode gets the protocol's failure answer and the connection goes on.

use std::future::Future;
use std::io;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use ssh_agent_lib::agent::Session as _;
use ssh_agent_lib::proto::{Request, Response};
use ssh_encoding::{Decode as _, Encode as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{UnixListener, UnixStream};
use zeroize::Zeroizing;

use crate::agent::Agent;

/// The longest message read, as OpenSSH's agent (256 KiB); a longer one is answered with a
/// failure and its connection closed.
pub const MAX_MESSAGE: usize = 256 * 1024;

/// The agent's socket, removed (with the directory made for it) on drop.
#[derive(Debug)]
pub struct Socket {
    /// Where it is.
    pub path: PathBuf,
    /// The private directory made for it when no path was given.
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        // Gone already is fine; the directory goes with `dir`.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Binds the socket at `path`, or in a new directory `parsec-ssh-XXXXXX` (mode 0700) of the
/// temporary directory; the socket is created with mode 0600.
///
/// # Errors
/// When the directory or the socket cannot be made (a socket already at `path` included).
pub fn bind(path: Option<&Path>) -> io::Result<(UnixListener, Socket)> {
    let (path, dir) = match path {
        Some(path) => (path.to_path_buf(), None),
        None => {
            let dir = tempfile::Builder::new()
                .prefix("parsec-ssh-")
                .permissions(std::fs::Permissions::from_mode(0o700))
                .tempdir()?;
            let path = dir.path().join(format!("agent.{}", std::process::id()));
            (path, Some(dir))
        }
    };
    // Created private: no moment where another user could connect.
    let previous = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o177));
    let bound = std::os::unix::net::UnixListener::bind(&path);
    rustix::process::umask(previous);
    let listener = bound?;
    let socket = Socket { path, _dir: dir };
    std::fs::set_permissions(&socket.path, std::fs::Permissions::from_mode(0o600))?;
    listener.set_nonblocking(true)?;
    Ok((UnixListener::from_std(listener)?, socket))
}

/// Serves connections until `shutdown` completes.
pub async fn serve(listener: UnixListener, agent: Agent, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let agent = agent.clone();
                    tokio::spawn(connection(stream, agent));
                }
                Err(e) => {
                    log::warn!("accepting a connection failed: {e}");
                    // Out of descriptors, typically: give the others a moment to finish.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
        }
    }
}

/// Whether the peer is this agent's user or root; others are refused, as OpenSSH's agent
/// does.
fn peer_allowed(stream: &UnixStream) -> bool {
    let own = rustix::process::getuid().as_raw();
    match stream.peer_cred() {
        Ok(cred) if cred.uid() == own || cred.uid() == 0 => true,
        Ok(cred) => {
            log::warn!(
                "refused a connection from uid {} (the agent serves uid {own})",
                cred.uid()
            );
            false
        }
        Err(e) => {
            log::warn!("refused a connection whose peer is unknown: {e}");
            false
        }
    }
}

/// Answers the messages of one connection until it closes.
async fn connection(mut stream: UnixStream, mut agent: Agent) {
    if !peer_allowed(&stream) {
        return;
    }
    loop {
        let mut prefix = [0u8; 4];
        if stream.read_exact(&mut prefix).await.is_err() {
            return; // closed
        }
        let len = u32::from_be_bytes(prefix) as usize;
        if len == 0 || len > MAX_MESSAGE {
            log::warn!(
                "refused a message of {len} bytes (1 to {MAX_MESSAGE} are read); closing the \
                 connection"
            );
            let _ = send(&mut stream, Response::Failure).await;
            return;
        }
        // It may hold a private key being added.
        let mut body = Zeroizing::new(vec![0u8; len]);
        if stream.read_exact(&mut body).await.is_err() {
            return;
        }
        let response = match Request::decode(&mut &body[..]) {
            Ok(request) => agent.handle(request).await.unwrap_or(Response::Failure),
            Err(e) => {
                log::warn!("refused a malformed message (type {}): {e}", body[0]);
                Response::Failure
            }
        };
        drop(body);
        if send(&mut stream, response).await.is_err() {
            return;
        }
    }
}

/// Writes one answer, length-prefixed.
async fn send(stream: &mut UnixStream, response: Response) -> io::Result<()> {
    let mut out = Vec::new();
    if let Err(e) = response.encode_prefixed(&mut out) {
        log::warn!("an answer could not be encoded: {e}");
        out.clear();
        Response::Failure
            .encode_prefixed(&mut out)
            .map_err(io::Error::other)?;
    }
    stream.write_all(&out).await
}
