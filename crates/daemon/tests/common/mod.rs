//! Shared by the spawned-binary tests: a throw-away deployment (socket, key store, master
//! key and `config.toml` in one temporary directory), the daemon process with its output
//! collected as it runs (through pipes, [`Daemon`], or into files that outlive a SIGKILL,
//! [`FileDaemon`]), clients, and waits that give up at a deadline instead of hanging.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parsec_client::BasicClient;
use parsec_client::auth::Authentication;
use parsec_client::core::interface::operations::psa_algorithm::{
    AsymmetricSignature, Hash, SignHash,
};
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, EccFamily, Lifetime, Policy, Type, UsageFlags,
};
use parsec_client::core::ipc_handler::unix_socket::Handler;
use rustix::process::{Pid, Signal, kill_process};

/// How long any single wait may take before the test fails.
pub(crate) const DEADLINE: Duration = Duration::from_secs(8);

/// The algorithm of `parsec-tool create-ecc-key` keys.
pub(crate) const ECDSA_SHA256: AsymmetricSignature = AsymmetricSignature::Ecdsa {
    hash_alg: SignHash::Specific(Hash::Sha256),
};

/// The attributes `parsec-tool create-ecc-key` sends: ECC P-256, ECDSA SHA-256, sign and
/// verify both hashes and messages.
pub(crate) fn ecc_attributes() -> Attributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags
        .set_sign_hash()
        .set_verify_hash()
        .set_sign_message()
        .set_verify_message();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type: Type::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        bits: 256,
        policy: Policy {
            usage_flags,
            permitted_algorithms: ECDSA_SHA256.into(),
        },
    }
}

/// What varies between the original-style configurations the tests write.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    /// `core_settings.allow_root`.
    pub(crate) allow_root: bool,
    /// `listener.timeout`, in milliseconds.
    pub(crate) timeout_ms: u64,
    /// `authenticator.admins` names.
    pub(crate) admins: Vec<String>,
    /// Extra `core_settings` lines.
    pub(crate) core_extra: String,
    /// Set the provider's `master_key_path` (ours) instead of using the default.
    pub(crate) master_key_option: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            allow_root: true,
            timeout_ms: 200,
            admins: Vec::new(),
            core_extra: String::new(),
            master_key_option: false,
        }
    }
}

/// One deployment in a temporary directory.
pub(crate) struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    pub(crate) fn new() -> Site {
        Site {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The socket the configuration names.
    pub(crate) fn socket(&self) -> PathBuf {
        self.path().join("run").join("parsec.sock")
    }

    pub(crate) fn config(&self) -> PathBuf {
        self.path().join("config.toml")
    }

    /// The SQLite key store, where the original's layout puts it (below our directory).
    pub(crate) fn store(&self) -> PathBuf {
        self.path()
            .join("kim-mappings")
            .join("sqlite")
            .join("sqlite-key-info-manager.sqlite3")
    }

    /// The master key file named by `master_key_path` when `Options::master_key_option`.
    pub(crate) fn master_key(&self) -> PathBuf {
        self.path().join("master").join("master.key")
    }

    /// Writes the configuration file (replacing it: reload tests rewrite it in place).
    pub(crate) fn write_config(&self, text: &str) {
        std::fs::write(self.config(), text).unwrap();
    }

    /// A `config.toml` laid out as the original ships it (the Parsec book's configuration guide), with our paths.
    pub(crate) fn original_config(&self, options: &Options) -> String {
        let admins = if options.admins.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = options
                .admins
                .iter()
                .map(|name| format!("{{ name = \"{name}\" }}"))
                .collect();
            format!("admins = [ {} ]\n", names.join(", "))
        };
        let master_key = if options.master_key_option {
            format!("master_key_path = \"{}\"\n", self.master_key().display())
        } else {
            String::new()
        };
        format!(
            r#"# The original Parsec's config.toml layout.
[core_settings]
allow_root = {allow_root}
thread_pool_size = 4
idle_listener_sleep_duration = 10 # in milliseconds
log_level = "info"
log_timestamp = false
log_error_details = false
body_len_limit = 1048576
buffer_size_limit = 1048576
allow_deprecated = false
{core_extra}
[listener]
listener_type = "DomainSocket"
timeout = {timeout} # in milliseconds
socket_path = "{socket}"

[authenticator]
auth_type = "UnixPeerCredentials"
{admins}
[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{store}"

[[provider]]
name = "mbed-crypto-provider"
provider_type = "MbedCrypto"
key_info_manager = "sqlite-manager"
{master_key}"#,
            allow_root = options.allow_root,
            core_extra = options.core_extra,
            timeout = options.timeout_ms,
            socket = self.socket().display(),
            store = self.store().display(),
        )
    }
}

/// What varies between the tests' Direct-authentication configurations (two tenants can
/// then share our UID): the software provider on the site's key store.
#[derive(Clone, Debug, Default)]
pub(crate) struct DirectConfig {
    /// `core_settings.log_level`, if set.
    pub(crate) log_level: Option<&'static str>,
    /// `listener.timeout`, in milliseconds, if set.
    pub(crate) timeout_ms: Option<u64>,
    /// Set the provider's `master_key_path` to [`Site::master_key`].
    pub(crate) master_key_option: bool,
}

impl Site {
    /// A configuration with Direct authentication and the software provider, everything in
    /// the site.
    pub(crate) fn direct_config(&self, options: &DirectConfig) -> String {
        let log_level = options
            .log_level
            .map(|level| format!("log_level = \"{level}\"\n"))
            .unwrap_or_default();
        let timeout = options
            .timeout_ms
            .map(|ms| format!("timeout = {ms}\n"))
            .unwrap_or_default();
        let master_key = if options.master_key_option {
            format!("master_key_path = \"{}\"\n", self.master_key().display())
        } else {
            String::new()
        };
        format!(
            r#"[core_settings]
allow_root = true
{log_level}
[listener]
listener_type = "DomainSocket"
{timeout}socket_path = "{socket}"

[authenticator]
auth_type = "Direct"

[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{store}"

[[provider]]
name = "mbed-crypto-provider"
provider_type = "MbedCrypto"
key_info_manager = "sqlite-manager"
{master_key}"#,
            socket = self.socket().display(),
            store = self.store().display(),
        )
    }
}

/// A spawned process whose stdout and stderr are collected by background threads. Dropping
/// it kills the process if it is still running, so a failed test leaves nothing behind.
pub(crate) struct Daemon {
    pub(crate) child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Daemon {
    /// Spawns `command` with piped output.
    pub(crate) fn spawn(mut command: Command) -> Daemon {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (stdout, out_reader) = collect(child.stdout.take().unwrap());
        let (stderr, err_reader) = collect(child.stderr.take().unwrap());
        Daemon {
            child,
            stdout,
            stderr,
            readers: vec![out_reader, err_reader],
        }
    }

    /// The `parsec` binary on the site's configuration, plus `args`.
    pub(crate) fn command(site: &Site, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_parsec"));
        command.arg("--config").arg(site.config()).args(args);
        command
    }

    /// Starts the binary on the site's configuration, which it must refuse: its stderr.
    pub(crate) fn refused(site: &Site) -> String {
        let mut daemon = Daemon::spawn(Daemon::command(site, &[]));
        let status = daemon.wait_exit();
        assert!(
            !status.success(),
            "the daemon started; stderr:\n{}",
            daemon.stderr()
        );
        daemon.stderr()
    }

    /// Starts the binary on the site's configuration and waits until it prints its endpoint.
    pub(crate) fn start(site: &Site) -> Daemon {
        let mut daemon = Daemon::spawn(Daemon::command(site, &[]));
        daemon.wait_serving(&site.socket());
        daemon
    }

    /// Waits for the endpoint line the daemon prints once it listens on `socket`.
    pub(crate) fn wait_serving(&mut self, socket: &Path) {
        let line = format!("PARSEC_SERVICE_ENDPOINT=unix:{}\n", socket.display());
        self.wait_output("the endpoint line on stdout", |out, _| out.contains(&line));
    }

    /// Waits until `done(stdout, stderr)` holds; fails early if the process exits first.
    pub(crate) fn wait_output(&mut self, what: &str, done: impl Fn(&str, &str) -> bool) {
        poll(what, || {
            if done(&self.stdout(), &self.stderr()) {
                return Some(());
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                self.finish_reading();
                panic!(
                    "the process exited ({status}) while waiting for {what}; stderr:\n{}",
                    self.stderr()
                );
            }
            None
        });
    }

    /// Waits until stderr contains `needle` and returns the whole of stderr.
    pub(crate) fn wait_stderr(&mut self, needle: &str) -> String {
        self.wait_output(&format!("{needle:?} on stderr"), |_, err| {
            err.contains(needle)
        });
        self.stderr()
    }

    pub(crate) fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub(crate) fn pid(&self) -> Pid {
        Pid::from_raw(i32::try_from(self.child.id()).unwrap()).unwrap()
    }

    pub(crate) fn signal(&self, signal: Signal) {
        kill_process(self.pid(), signal).unwrap();
    }

    /// Waits for the process to exit, up to the deadline.
    pub(crate) fn wait_exit(&mut self) -> ExitStatus {
        let status = poll("the process to exit", || self.child.try_wait().unwrap());
        self.finish_reading();
        status
    }

    /// Once the process has exited: waits for the reader threads to take in its last output
    /// (they end when it closes its pipes).
    fn finish_reading(&mut self) {
        poll("the output pipes to close", || {
            self.readers
                .iter()
                .all(JoinHandle::is_finished)
                .then_some(())
        });
        for reader in self.readers.drain(..) {
            reader.join().unwrap();
        }
    }

    /// SIGTERM, then the exit status, which must be success.
    pub(crate) fn stop(&mut self) {
        self.signal(Signal::TERM);
        let status = self.wait_exit();
        assert!(status.success(), "{status}; stderr:\n{}", self.stderr());
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Appends everything `pipe` yields to a shared string, line by line, on a thread that ends
/// when the process closes the pipe.
fn collect(pipe: impl Read + Send + 'static) -> (Arc<Mutex<String>>, JoinHandle<()>) {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let mut text = sink.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
    (text, reader)
}

/// A spawned process writing its stdout and stderr to files, which stay readable after a
/// SIGKILL and hold the raw bytes. Dropping it kills the process if it is still running.
pub(crate) struct FileDaemon {
    pub(crate) child: Child,
    /// Its stdout's file.
    pub(crate) stdout: PathBuf,
    /// Its stderr's file.
    pub(crate) stderr: PathBuf,
}

impl FileDaemon {
    /// Spawns `command` with its output to the files `stdout` and `stderr`, and waits up to
    /// `deadline` until it prints its endpoint on `socket`.
    pub(crate) fn start(
        mut command: Command,
        stdout: PathBuf,
        stderr: PathBuf,
        socket: &Path,
        deadline: Duration,
    ) -> FileDaemon {
        let child = command
            .stdin(Stdio::null())
            .stdout(File::create(&stdout).unwrap())
            .stderr(File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let mut daemon = FileDaemon {
            child,
            stdout,
            stderr,
        };
        let line = format!("PARSEC_SERVICE_ENDPOINT=unix:{}", socket.display());
        poll_within("the endpoint line", deadline, || {
            if let Some(status) = daemon.child.try_wait().unwrap() {
                panic!("the daemon exited ({status}); stderr:\n{}", daemon.log());
            }
            let out = std::fs::read_to_string(&daemon.stdout).unwrap_or_default();
            out.contains(&line).then_some(())
        });
        daemon
    }

    /// What it wrote to stderr so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub(crate) fn signal(&self, signal: Signal) {
        let pid = Pid::from_raw(i32::try_from(self.child.id()).unwrap()).unwrap();
        kill_process(pid, signal).unwrap();
    }

    /// SIGKILL: no shutdown path runs.
    pub(crate) fn kill(&mut self) {
        self.signal(Signal::KILL);
        self.child.wait().unwrap();
    }

    /// SIGTERM, a clean exit, then everything it wrote (stdout, then stderr).
    pub(crate) fn stop_and_read(&mut self) -> Vec<u8> {
        self.signal(Signal::TERM);
        let status = poll("the daemon to exit", || {
            self.child.try_wait().ok().flatten()
        });
        assert!(status.success(), "{status}");
        [
            std::fs::read(&self.stdout).unwrap(),
            std::fs::read(&self.stderr).unwrap(),
        ]
        .concat()
    }
}

impl Drop for FileDaemon {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Calls `check` until it answers `Some`, failing the test once [`DEADLINE`] has passed.
pub(crate) fn poll<T>(what: &str, check: impl FnMut() -> Option<T>) -> T {
    poll_within(what, DEADLINE, check)
}

/// Calls `check` until it answers `Some`, failing the test once `deadline` has passed.
pub(crate) fn poll_within<T>(
    what: &str,
    deadline: Duration,
    mut check: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + deadline;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A client with no identity, talking to `socket`: enough for ping and discovery.
pub(crate) fn naked_client(socket: &Path) -> BasicClient {
    client_with_timeout(socket, Duration::from_secs(5))
}

/// A client with no identity and no provider, whose requests wait up to `timeout`.
pub(crate) fn client_with_timeout(socket: &Path, timeout: Duration) -> BasicClient {
    let mut client = BasicClient::default();
    let handler = Handler::new(socket.to_owned(), Some(timeout)).unwrap();
    client.set_ipc_handler(Box::new(handler));
    client
}

/// A client named `app` by Direct authentication, using the service's default provider.
pub(crate) fn direct_client(socket: &Path, app: &str, timeout: Duration) -> BasicClient {
    let mut client = client_with_timeout(socket, timeout);
    client.set_default_provider().unwrap();
    client.set_auth_data(Authentication::Direct(app.into()));
    client
}

/// A raw connection to `socket` whose reads give up after 5 s.
pub(crate) fn connect(socket: &Path) -> UnixStream {
    let stream = UnixStream::connect(socket).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
}

/// A client identified by its Unix user id, using the service's default provider: what
/// `parsec-tool` does against a peer-credentials service.
pub(crate) fn app_client(socket: &Path) -> BasicClient {
    let mut client = naked_client(socket);
    client.set_default_provider().unwrap();
    client.set_auth_data(Authentication::UnixPeerCredentials);
    client
}

/// Our user id, as the peer-credentials authenticator names us.
pub(crate) fn our_uid() -> String {
    rustix::process::getuid().as_raw().to_string()
}

/// `openssl dgst -sha256 -verify` accepts `signature_b64` (base64 DER, as parsec-tool prints
/// it) over `message` under the PEM public key, working in `dir`.
pub(crate) fn openssl_verifies(dir: &Path, pem: &str, signature_b64: &str, message: &[u8]) {
    std::fs::write(dir.join("pub.pem"), pem).unwrap();
    std::fs::write(dir.join("sig.b64"), format!("{signature_b64}\n")).unwrap();
    std::fs::write(dir.join("message"), message).unwrap();
    let decoded = Command::new("openssl")
        .args(["base64", "-d", "-in"])
        .arg(dir.join("sig.b64"))
        .arg("-out")
        .arg(dir.join("sig.der"))
        .status()
        .unwrap();
    assert!(decoded.success(), "openssl base64 -d failed");
    let verified = Command::new("openssl")
        .args(["dgst", "-sha256", "-verify"])
        .arg(dir.join("pub.pem"))
        .arg("-signature")
        .arg(dir.join("sig.der"))
        .arg(dir.join("message"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&verified.stdout);
    assert!(
        verified.status.success() && stdout.trim() == "Verified OK",
        "openssl did not verify: {stdout}{}",
        String::from_utf8_lossy(&verified.stderr)
    );
}

/// A client of the software provider that pings and signs with `key` in a loop until
/// stopped, keeping the slowest answer: proof that the rest of the service serves while
/// one provider is stalled.
pub(crate) struct Heartbeat {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<JoinHandle<(usize, Duration)>>,
}

impl Heartbeat {
    /// Starts beating against `socket`, with the software provider's `key` (ECDSA SHA-256).
    pub(crate) fn start(socket: &Path, key: &str) -> Heartbeat {
        use parsec_client::core::interface::requests::ProviderId;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut client = app_client(socket);
        client.set_implicit_provider(ProviderId::MbedCrypto);
        let (key, flag) = (key.to_owned(), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            let (mut beats, mut slowest) = (0, Duration::ZERO);
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                let started = Instant::now();
                client.ping().expect("a ping answers");
                client
                    .psa_sign_hash(&key, &[7; 32], ECDSA_SHA256)
                    .expect("a software signature");
                slowest = slowest.max(started.elapsed());
                beats += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            (beats, slowest)
        });
        Heartbeat {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops it: how many ping-and-sign rounds it made, and the slowest.
    pub(crate) fn stop(mut self) -> (usize, Duration) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread
            .take()
            .expect("beating")
            .join()
            .expect("every beat answered")
    }
}
