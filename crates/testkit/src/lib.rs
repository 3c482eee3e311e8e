//! Test helpers shared by every crate's tests.
//!
//! [`TestDaemon`] runs the real service (the same `psc_service::run` the daemon binary runs)
//! on a socket in a fresh temporary directory, on its own runtime thread, so tests can drive
//! it with blocking clients, published or ours, or with raw bytes.
//!
//! ```
//! let daemon = psc_testkit::TestDaemon::start();
//! let ping = [
//!     0x10, 0xa7, 0xc0, 0x5e, 0x1e, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
//!     0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0,
//! ];
//! let reply = daemon.exchange(&ping);
//! assert_eq!(&reply[36..], &[0x08, 0x01]); // wire protocol 1.0
//! ```

// Test support: a broken test machine (no temp dir, no socket) fails the test loudly.
#![allow(clippy::expect_used)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use psc_service::{Config, Service};
use tokio::sync::oneshot;

/// The service running in this process on a temporary socket; stopped on drop.
#[derive(Debug)]
pub struct TestDaemon {
    socket: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    // Last: the directory outlives the service using it.
    _dir: tempfile::TempDir,
}

impl TestDaemon {
    /// Starts the service with the default configuration (peer credentials) plus Direct
    /// authentication, on a fresh socket.
    pub fn start() -> TestDaemon {
        TestDaemon::start_with(|_| {})
    }

    /// Starts the service with the test defaults changed by `adjust`. The socket path is
    /// always the temporary one.
    ///
    /// # Panics
    /// If the temporary directory or the socket cannot be created (a broken test machine).
    pub fn start_with(adjust: impl FnOnce(&mut Config)) -> TestDaemon {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let socket = dir.path().join("parsec.sock");
        let mut config = test_config();
        adjust(&mut config);
        config.socket_path = socket.clone();
        let (stop, stopped) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let path = socket.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime");
            runtime.block_on(async move {
                let listener = tokio::net::UnixListener::bind(&path).expect("bind the test socket");
                ready_tx.send(()).expect("the test waits for readiness");
                let service = Arc::new(Service::new(config));
                let shutdown = async {
                    let _ = stopped.await;
                };
                psc_service::run(listener, service, shutdown)
                    .await
                    .expect("the service runs");
            });
        });
        ready_rx.recv().expect("the service thread starts");
        TestDaemon {
            socket,
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// The socket path.
    pub fn socket_path(&self) -> &Path {
        &self.socket
    }

    /// The endpoint URI clients take from `PARSEC_SERVICE_ENDPOINT`.
    pub fn endpoint(&self) -> String {
        format!("unix:{}", self.socket.display())
    }

    /// Sends raw bytes on a new connection and reads until the service closes it.
    ///
    /// # Panics
    /// If the socket cannot be reached or read within 10 seconds.
    pub fn exchange(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = self.connect();
        // The service may answer and close before reading everything (e.g. a bad header);
        // a failed write is then expected, and the answer is still there to read.
        let _ = stream.write_all(request);
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).expect("read the reply");
        reply
    }

    /// A connected stream with a 10-second read timeout.
    ///
    /// # Panics
    /// If the socket cannot be reached.
    pub fn connect(&self) -> UnixStream {
        let stream = UnixStream::connect(&self.socket).expect("connect to the test daemon");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("set a read timeout");
        stream
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the service to stop.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for TestDaemon {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The configuration tests start from: defaults, with Direct authentication accepted after
/// peer credentials, and a read timeout short enough for tests of stalled clients.
pub fn test_config() -> Config {
    let mut config = Config::default();
    config
        .authenticators
        .push(psc_service::config::AuthenticatorConfig {
            auth_type: psc_wire::AuthType::Direct,
            admins: vec!["admin".into()],
        });
    config.timeout = Duration::from_millis(500);
    config
}
