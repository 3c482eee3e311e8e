//! Test helpers shared by every crate's tests.
//!
//! [`TestDaemon`] runs the real service (the same `psc_service::run` and provider set the
//! daemon binary runs) on a socket in a fresh temporary directory, with its key store and
//! master key there too, on its own runtime thread, so tests can drive it with blocking
//! clients, published or ours, or with raw bytes.
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

// Test support: a broken test machine (no temp dir, no socket), or a provider failing the
// conformance suite, fails the test loudly.
#![allow(clippy::expect_used, clippy::panic)]

pub mod conformance;
pub mod jwt_svid;
pub mod published;
pub mod softhsm;

/// Re-exported for the conformance macro.
pub use psc_provider_api;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use parsec_client::BasicClient;
use parsec_client::auth::Authentication;
use parsec_client::core::ipc_handler::unix_socket::Handler;
use psc_daemon::Factory;
use psc_service::config::{AuthenticatorConfig, ProviderConfig};
use psc_service::{Config, Service};
use psc_wire::AuthType;
use tokio::sync::{oneshot, watch};

/// The service running in this process on a temporary socket; stopped on drop.
#[derive(Debug)]
pub struct TestDaemon {
    socket: PathBuf,
    config: Config,
    stop: Option<oneshot::Sender<()>>,
    reload: Option<watch::Sender<Arc<Service>>>,
    thread: Option<JoinHandle<()>>,
    // Last: the directory outlives the service using it.
    dir: Arc<tempfile::TempDir>,
}

impl TestDaemon {
    /// Starts the service with the [test configuration](test_config) on a fresh socket.
    pub fn start() -> TestDaemon {
        TestDaemon::start_with(|_| {})
    }

    /// Starts the service with the test configuration changed by `adjust`.
    ///
    /// # Panics
    /// If the temporary directory, the socket or the service cannot be created.
    pub fn start_with(adjust: impl FnOnce(&mut Config)) -> TestDaemon {
        let dir = Arc::new(tempfile::tempdir().expect("a temporary directory"));
        let mut config = test_config(dir.path());
        adjust(&mut config);
        TestDaemon::launch(config, dir)
    }

    fn launch(config: Config, dir: Arc<tempfile::TempDir>) -> TestDaemon {
        let socket = config.socket_path.clone();
        let service = Service::start(config.clone(), &Factory, None).expect("the service starts");
        let (reload, services) = watch::channel(Arc::new(service));
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
                let _ = std::fs::remove_file(&path);
                let listener = tokio::net::UnixListener::bind(&path).expect("bind the test socket");
                ready_tx.send(()).expect("the test waits for readiness");
                let shutdown = async {
                    let _ = stopped.await;
                };
                psc_service::run(listener, services, shutdown)
                    .await
                    .expect("the service runs");
            });
        });
        ready_rx.recv().expect("the service thread starts");
        TestDaemon {
            socket,
            config,
            stop: Some(stop),
            reload: Some(reload),
            thread: Some(thread),
            dir,
        }
    }

    /// Stops the service and starts it again on the same socket, key store and master key,
    /// as a daemon restart would.
    pub fn restart(mut self) -> TestDaemon {
        self.shutdown();
        let config = self.config.clone();
        TestDaemon::launch(config, Arc::clone(&self.dir))
    }

    /// Replaces the running configuration, as SIGHUP does in the daemon.
    ///
    /// # Errors
    /// The start error, leaving the current configuration serving.
    pub fn reload(&self, config: Config) -> Result<(), psc_service::StartError> {
        let reload = self.reload.as_ref().expect("the service is running");
        let next = Service::start(config, &Factory, Some(&reload.borrow()))?;
        reload.send_replace(Arc::new(next));
        Ok(())
    }

    /// The configuration the service started with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The temporary directory holding the socket, key store and master key.
    pub fn dir(&self) -> &Path {
        self.dir.path()
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

    /// The published `parsec-client` `BasicClient`, unchanged, talking to this service: its
    /// default provider chosen as it does (the first of ListProviders), with `auth`.
    ///
    /// # Panics
    /// If the service does not answer ListProviders.
    pub fn published_client(&self, auth: Authentication) -> BasicClient {
        let mut client = self.naked_published_client();
        client
            .set_default_provider()
            .expect("ListProviders answers");
        client.set_auth_data(auth);
        client
    }

    /// The published client as `BasicClient::new_naked()` makes it (no authentication, the
    /// core provider), with the endpoint set programmatically instead of through the
    /// process-wide environment.
    ///
    /// # Panics
    /// If the socket does not exist.
    pub fn naked_published_client(&self) -> BasicClient {
        let mut client = BasicClient::default();
        let handler = Handler::new(self.socket.clone(), Some(Duration::from_secs(10)))
            .expect("the socket exists");
        client.set_ipc_handler(Box::new(handler));
        client
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
        self.reload = None;
    }
}

impl Drop for TestDaemon {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The configuration tests start from, everything inside `dir`: the defaults, with Direct
/// authentication accepted after peer credentials (admin: "admin"), the software provider with
/// its key store and master key in `dir`, and a read timeout short enough for tests of
/// stalled clients.
pub fn test_config(dir: &Path) -> Config {
    let mut config = Config {
        socket_path: dir.join("parsec.sock"),
        timeout: Duration::from_millis(500),
        providers: vec![ProviderConfig::software(&dir.join("keys.sqlite3"))],
        ..Config::default()
    };
    config.authenticators.push(AuthenticatorConfig::new(
        AuthType::Direct,
        vec!["admin".into()],
    ));
    config
}
